/**
 * `ZonePool`: runs chains in several secure zones at once, so that one long chain (a PBKDF2 at the server's
 * iteration limit, a chain of 64 signatures over large messages) cannot stall the requests of other callers.
 * A p2p server's runner (`stronghold serve` uses one by default); inline library use keeps `inlineRunner`.
 *
 * - **Zones**: `size` zone processes (host.ts, each a `ZoneRunner` with its own queue and batching), started on
 *   first use. A zone takes one batch at a time from the pool.
 * - **Inline chains**: with `inline: 'cheap'` a chain of small, bounded cost (cost.ts: a few signatures or
 *   key steps over small inputs) runs in this process, as `inlineRunner` would: it costs less than a round trip
 *   to a zone, so the remote Ed25519Sign throughput of an inline server is kept.
 * - **Order**: chains of one client that touch a common vault, one of them writing, run in the order they
 *   arrived, each after the other has been merged back: each sees the other's writes. Chains of one client on
 *   different vaults, or that only read, run in parallel: none can see the other's effect, so any order is
 *   one they could have had. Chains of different clients never conflict.
 * - **Fairness**: a caller (`RunOptions.caller`, the peer id) holds at most `size - 1` zones while it runs,
 *   so one zone is always left to the other callers, however many requests one peer sends; the zones run at a
 *   lower scheduling priority (niceness 10) than this process, whose event loop serves every peer.
 * - **Deadline**: a chain whose signal is aborted while it waits never runs; while it runs, its zone is killed
 *   and replaced and none of its writes are kept (host.ts). `timeoutMs` is each zone's own deadline behind it.
 * @module
 */
import { availableParallelism } from 'node:os';
import { abortedBefore, inlineRunner, trustRunner, type ProcedureRunner, type RunOptions } from '../exec/runner.js';
import { nativeProvider } from '../crypto/native.js';
import type { ClientDb } from '../engine/db.js';
import { assertInt } from '../assert.js';
import { invalidArgument } from '../errors.js';
import type { ProcedureCall } from '../procedures/types.js';
import { chainSelection } from './calls.js';
import { isCheapChain } from './cost.js';
import { invalidCalls, ZoneRunner, type ZoneOptions } from './host.js';

/** Zones of a pool by default: one per core, at least 2 (a caller then always leaves one to the others), at most 8. */
export const DEFAULT_POOL_SIZE = Math.max(2, Math.min(8, availableParallelism()));
/** The scheduling niceness of a pool's zones (see `ZoneProcessOptions.niceness`). */
const POOL_NICENESS = 10;
/** Most zones a pool may have: each is a Node process of some 40 MB. */
export const MAX_POOL_SIZE = 64;

export interface PoolOptions extends ZoneOptions {
  /** Zone processes (1..64); default `DEFAULT_POOL_SIZE`. */
  size?: number;
  /** Chains that run in this process instead of a zone: `'cheap'` (default) those of small bounded cost, `'none'`. */
  inline?: 'cheap' | 'none';
}

/** A chain in the pool. */
interface PoolJob {
  readonly db: ClientDb;
  readonly calls: readonly ProcedureCall[];
  readonly caller: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** Runs in this process rather than in a zone. */
  readonly inline: boolean;
  /** The vaults (id hex) it names, and whether it writes to any: what decides its conflicts. */
  readonly vaults: ReadonlySet<string>;
  readonly writes: boolean;
  resolve(outputs: unknown[]): void;
  reject(e: unknown): void;
}

/** A zone's current batch: whose it is and the chains not yet settled. */
interface Slot {
  readonly caller: string | undefined;
  readonly jobs: Set<PoolJob>;
}

/** Two chains that must run one after the other: same client, a common vault, and one of them writes. */
function conflict(a: PoolJob, b: PoolJob): boolean {
  if (a.db !== b.db || !(a.writes || b.writes)) return false;
  for (const v of a.vaults) if (b.vaults.has(v)) return true;
  return false;
}

/** Most chains, and procedures across them, one zone takes as a batch (as host.ts batches). */
const MAX_BATCH_CHAINS = 64;
const MAX_BATCH_PROCEDURES = 1024;

/** Runs chains in a pool of secure zones (see the module doc). Implements `ProcedureRunner`. */
export class ZonePool implements ProcedureRunner {
  readonly size: number;
  readonly #zones: ZoneRunner[];
  /** What each zone runs now: its caller and chains, or null when it is free. */
  readonly #busy: (Slot | null)[];
  readonly #inline: ProcedureRunner = inlineRunner(nativeProvider);
  readonly #inlineCheap: boolean;
  readonly #queue: PoolJob[] = [];
  readonly #running = new Set<PoolJob>();
  #closed = false;

  constructor(options: PoolOptions = {}) {
    const { size = DEFAULT_POOL_SIZE, inline = 'cheap', ...zone } = options;
    this.size = assertInt(size, { field: 'size', min: 1, max: MAX_POOL_SIZE });
    if (inline !== 'cheap' && inline !== 'none') throw invalidArgument('inline', "'cheap' or 'none'");
    this.#inlineCheap = inline === 'cheap';
    // A killed zone is replaced at once: the next chain does not pay for its start. Zones yield the CPU to this
    // process, whose event loop answers every peer, so a long chain slows the others as little as the machine allows.
    this.#zones = Array.from({ length: this.size }, () => new ZoneRunner({ restart: true, niceness: POOL_NICENESS, ...zone }));
    this.#busy = this.#zones.map(() => null);
    trustRunner(this);
  }

  /** The process ids of the zones started (for tests that inspect or kill them). */
  get pids(): (number | undefined)[] {
    return this.#zones.map((z) => z.pid);
  }

  /** Starts every zone now instead of at first use. */
  async start(): Promise<void> {
    await Promise.all(this.#zones.map((z) => z.start()));
  }

  run(db: ClientDb, calls: readonly ProcedureCall[], options: RunOptions = {}): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(invalidArgument('zone', 'an open runner (it was closed)'));
    const invalid = invalidCalls(calls);
    if (invalid) return Promise.reject(invalid);
    const aborted = abortedBefore(options);
    if (aborted) return aborted;
    const selection = chainSelection(calls);
    const writes = calls.some((c) => {
      const l = c.procedure.locations(c.input);
      return l.outputs.length > 0 || l.vaults.length > 0;
    });
    return new Promise((resolve, reject) => {
      const job: PoolJob = {
        db, calls, caller: options.caller, signal: options.signal, inline: this.#inlineCheap && isCheapChain(calls),
        vaults: new Set(selection.keys()), writes, resolve, reject,
      };
      const { signal } = options;
      signal?.addEventListener('abort', () => {
        const i = this.#queue.indexOf(job);
        if (i < 0) return;
        this.#queue.splice(i, 1);
        reject(signal.reason);
        this.#pump();
      }, { once: true });
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** True when `job` must wait: it conflicts with a chain running, or with one that arrived before it and waits. */
  #blocked(job: PoolJob, index: number): boolean {
    for (const r of this.#running) if (conflict(job, r)) return true;
    for (let i = 0; i < index; i++) if (conflict(job, this.#queue[i]!)) return true;
    return false;
  }

  /** Zones `caller` holds now; a caller without a name (library use) is not limited. */
  #held(caller: string | undefined): number {
    return caller === undefined ? 0 : this.#busy.filter((b) => b !== null && b.caller === caller).length;
  }

  /** Starts every waiting chain that may start, in arrival order. */
  #pump(): void {
    const cap = Math.max(1, this.size - 1);
    let i = 0;
    while (i < this.#queue.length) {
      const job = this.#queue[i]!;
      if (this.#blocked(job, i)) {
        i++;
        continue;
      }
      if (job.inline) {
        this.#queue.splice(i, 1);
        this.#start(job, this.#inline, null);
        continue;
      }
      const free = this.#busy.indexOf(null);
      if (free < 0) {
        i++;
        continue;
      }
      if (job.caller !== undefined && this.#held(job.caller) >= cap) {
        i++;
        continue;
      }
      // The batch: this chain and the later ones of the same client and caller that may start too.
      const batch = [job];
      this.#queue.splice(i, 1);
      let procedures = job.calls.length;
      for (let k = i; k < this.#queue.length && batch.length < MAX_BATCH_CHAINS;) {
        const next = this.#queue[k]!;
        if (next.db === job.db && next.caller === job.caller && !next.inline && procedures + next.calls.length <= MAX_BATCH_PROCEDURES && !this.#blocked(next, k)) {
          this.#queue.splice(k, 1);
          batch.push(next);
          procedures += next.calls.length;
        } else {
          k++;
        }
      }
      const slot: Slot = { caller: job.caller, jobs: new Set(batch) };
      this.#busy[free] = slot;
      // Issued in one tick, so the zone's runner sends them as one request (host.ts batching), in this order.
      for (const b of batch) this.#start(b, this.#zones[free]!, slot);
    }
  }

  #start(job: PoolJob, runner: ProcedureRunner, slot: Slot | null): void {
    this.#running.add(job);
    runner.run(job.db, job.calls, job.signal ? { signal: job.signal } : {}).then(job.resolve, job.reject).finally(() => {
      this.#running.delete(job);
      if (slot) {
        slot.jobs.delete(job);
        if (slot.jobs.size === 0) this.#busy[this.#busy.indexOf(slot)] = null;
      }
      this.#pump();
    });
  }

  /** Stops every zone; chains still waiting fail, later ones are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const closed = invalidArgument('zone', 'an open runner (it was closed)');
    for (const job of this.#queue.splice(0)) job.reject(closed);
    await Promise.all(this.#zones.map((z) => z.close()));
  }
}

/**
 * A pool of secure zones as a Stronghold's runner, for a server: `Stronghold.open(path, password, { runner:
 * zonePool({ size: 2, timeoutMs: 10_000 }) })`. See `ZonePool`.
 */
export function zonePool(options: PoolOptions = {}): ZonePool {
  return new ZonePool(options);
}
