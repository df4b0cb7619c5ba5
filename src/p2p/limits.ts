/**
 * What a server lets one peer's request cost (docs/spec/p2p-protocol.md, "Limits"). Sizes are bounded by the
 * frame and header limits (constants.ts), output lengths by each procedure (hash lengths, ConcatKdf's 4096 bytes);
 * the work a caller chooses beyond its input's size (PBKDF2 iterations, chain length) is bounded here, before
 * anything runs, and each peer's share of execution time by `PeerBudget`. Every refusal is `LimitExceeded`
 * naming the option. The library's own bounds stay wider: they bound what the Stronghold's owner runs.
 * @module
 */
import { assertInt } from '../assert.js';
import { StrongholdError } from '../errors.js';
import type { ProcedureCall } from '../procedures/types.js';
import { MAX_CHAIN_LENGTH } from '../procedures/json.js';
import { DEFAULT_BUDGET_WINDOW_MS, DEFAULT_MAX_CHAIN_LENGTH, DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_PEER_BUDGET_MS, DENIED_PEER_BURST, DENIED_PEER_MEMORY_MS, DENIED_PEER_RATE } from './constants.js';

/** A server's cost limits; each defaults to the constant of the same name in constants.ts. */
export interface RequestLimits {
  /** Procedures in one `execute` (1..256). */
  maxChainLength: number;
  /** PBKDF2-HMAC iterations one `execute` may ask for, summed over its chain (1..2^31 - 1). */
  maxKdfIterations: number;
  /** Execution milliseconds one peer may use per window while others wait (1..`budgetWindowMs`). */
  peerBudgetMs: number;
  /** The window of `peerBudgetMs`, in milliseconds (1..1 hour). */
  budgetWindowMs: number;
}

/** The limits in force: the defaults with the owner's overrides, validated (InvalidArgument naming the option). */
export function requestLimits(overrides: Partial<RequestLimits> = {}): RequestLimits {
  const budgetWindowMs = assertInt(overrides.budgetWindowMs ?? DEFAULT_BUDGET_WINDOW_MS, { field: 'limits.budgetWindowMs', min: 1, max: 3_600_000 });
  return {
    maxChainLength: assertInt(overrides.maxChainLength ?? DEFAULT_MAX_CHAIN_LENGTH, { field: 'limits.maxChainLength', min: 1, max: MAX_CHAIN_LENGTH }),
    maxKdfIterations: assertInt(overrides.maxKdfIterations ?? DEFAULT_MAX_KDF_ITERATIONS, { field: 'limits.maxKdfIterations', min: 1, max: 0x7fff_ffff }),
    peerBudgetMs: assertInt(overrides.peerBudgetMs ?? Math.min(DEFAULT_PEER_BUDGET_MS, budgetWindowMs), { field: 'limits.peerBudgetMs', min: 1, max: budgetWindowMs }),
    budgetWindowMs,
  };
}

export function limitExceeded(limit: keyof RequestLimits | 'maxInFlight', max: number, value: number | undefined, what: string): StrongholdError<'LimitExceeded'> {
  return new StrongholdError('LimitExceeded', `${what}; the server's limit ${limit} is ${max}`, value === undefined ? { limit, max } : { limit, max, value });
}

/** Refuses a chain longer than `maxChainLength` or asking for more than `maxKdfIterations` in all. */
export function checkChainCost(calls: readonly ProcedureCall[], limits: RequestLimits): void {
  if (calls.length > limits.maxChainLength) {
    throw limitExceeded('maxChainLength', limits.maxChainLength, calls.length, `the chain has ${calls.length} procedures`);
  }
  let iterations = 0;
  for (const c of calls) iterations += c.procedure.cost?.(c.input).kdfIterations ?? 0;
  if (iterations > limits.maxKdfIterations) {
    throw limitExceeded('maxKdfIterations', limits.maxKdfIterations, iterations, `the chain asks for ${iterations} PBKDF2 iterations`);
  }
}

interface PeerUse {
  windowStart: number;
  /** Milliseconds charged in this window for intervals that ended. */
  used: number;
  /** Requests of this peer now executing. */
  running: number;
  /** When the current busy interval (or its part in this window) began. */
  since: number;
}

/**
 * Each peer's execution time per window. A peer over its budget is refused (`LimitExceeded`, `peerBudgetMs`)
 * only while another peer has a request executing: the budget shares the server, it does not slow down a peer
 * that is alone on it.
 */
export class PeerBudget {
  readonly #limits: RequestLimits;
  readonly #now: () => number;
  readonly #peers = new Map<string, PeerUse>();
  /** Peers with a request executing. */
  #busy = 0;

  constructor(limits: RequestLimits, now: () => number = () => performance.now()) {
    this.#limits = limits;
    this.#now = now;
  }

  #use(peer: string, now: number): PeerUse {
    let u = this.#peers.get(peer);
    if (!u) {
      if (this.#peers.size >= 1024) this.#forgetIdle(now);
      u = { windowStart: now, used: 0, running: 0, since: now };
      this.#peers.set(peer, u);
    } else if (now - u.windowStart >= this.#limits.budgetWindowMs) {
      u.windowStart = now;
      u.used = 0;
      u.since = now;
    }
    return u;
  }

  /** Drops peers that are idle and whose window is over: they would start from zero anyway. */
  #forgetIdle(now: number): void {
    for (const [p, u] of this.#peers) if (u.running === 0 && now - u.windowStart >= this.#limits.budgetWindowMs) this.#peers.delete(p);
  }

  /** Milliseconds `peer` used in the current window, its running interval included. */
  used(peer: string): number {
    const now = this.#now();
    const u = this.#use(peer, now);
    return u.used + (u.running > 0 ? now - u.since : 0);
  }

  /**
   * Admits one request of `peer` (throws LimitExceeded when it is over budget and another peer has a request
   * executing) and returns the function that ends it.
   */
  start(peer: string): () => void {
    const now = this.#now();
    const u = this.#use(peer, now);
    const used = u.used + (u.running > 0 ? now - u.since : 0);
    const others = this.#busy - (u.running > 0 ? 1 : 0);
    if (used >= this.#limits.peerBudgetMs && others > 0) {
      throw limitExceeded('peerBudgetMs', this.#limits.peerBudgetMs, Math.round(used), `this peer used ${Math.round(used)} ms of execution in the last ${this.#limits.budgetWindowMs} ms while others wait`);
    }
    if (u.running++ === 0) {
      u.since = now;
      this.#busy++;
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const end = this.#now();
      const v = this.#use(peer, end);
      if (--v.running === 0) {
        v.used += end - v.since;
        this.#busy--;
      }
    };
  }
}

/**
 * Slows down a peer the firewall keeps denying, so that a flood of denied requests costs the server little: each
 * denial takes a token from the peer's bucket (`DENIED_PEER_BURST`, refilled at `DENIED_PEER_RATE` per second), and
 * while the bucket is empty the stream handler waits for it to refill before it reads the peer's next request
 * (the peer's own writes then block). Allowed requests take nothing, so a peer denied now and then is not slowed;
 * a peer not denied for `DENIED_PEER_MEMORY_MS` is forgotten.
 */
export class DeniedPeerThrottle {
  readonly #now: () => number;
  readonly #peers = new Map<string, { tokens: number; at: number }>();

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The peer's bucket refilled up to now; undefined when it has none, or was not denied for long. */
  #bucket(peer: string, now: number): { tokens: number; at: number } | undefined {
    const p = this.#peers.get(peer);
    if (!p) return undefined;
    if (now - p.at > DENIED_PEER_MEMORY_MS) {
      this.#peers.delete(peer);
      return undefined;
    }
    p.tokens = Math.min(DENIED_PEER_BURST, p.tokens + ((now - p.at) * DENIED_PEER_RATE) / 1000);
    p.at = now;
    return p;
  }

  /** Records a denial of `peer`: it takes one token. */
  denied(peer: string): void {
    const now = this.#now();
    const p = this.#bucket(peer, now);
    if (p) {
      p.tokens -= 1;
      return;
    }
    if (this.#peers.size >= 4096) for (const [q, b] of this.#peers) if (now - b.at > DENIED_PEER_MEMORY_MS) this.#peers.delete(q);
    this.#peers.set(peer, { tokens: DENIED_PEER_BURST - 1, at: now });
  }

  /** Milliseconds to wait before reading `peer`'s next request: until its bucket is no longer in deficit (0: now). */
  delay(peer: string): number {
    const p = this.#bucket(peer, this.#now());
    return p === undefined || p.tokens >= 0 ? 0 : (-p.tokens * 1000) / DENIED_PEER_RATE;
  }
}
