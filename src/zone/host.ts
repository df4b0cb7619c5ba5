/**
 * `ZoneRunner`: runs procedure chains in the secure zone, a child process (process.ts: how it is started, under
 * Node's permission model, and how requests reach it) — this module is the queue and the batching.
 *
 * A request carries one chain, or several from concurrent callers. The host sends the calls (the JSON form
 * with byte fields as attachments, calls.ts) with the records they name; the zone replies with each chain's
 * outputs or error and the records that changed or disappeared, which the host merges back (merge.ts). The host's
 * vault changes only when a reply arrives, so a zone that dies or times out loses nothing, and a chain stopped at
 * its deadline (`timeoutMs`: the zone is killed, the chain fails with Timeout, the next request starts a new zone)
 * leaves the vault as it was: none of its writes happened.
 *
 * Requests run one at a time in call order: each needs the state its predecessor left. When the zone dies,
 * the request in flight fails with `ZoneCrashed` and the next one starts a new zone.
 * @module
 */
import { existsSync } from 'node:fs';
import { abortedBefore, trustRunner, type ProcedureRunner, type RunOptions } from '../exec/runner.js';
import { isCall } from '../procedures/fields.js';
import { isRegistered } from '../procedures/registry.js';
import type { ClientDb } from '../engine/db.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { parseChain } from '../procedures/json.js';
import type { ProcedureCall } from '../procedures/types.js';
import { encodeCall } from './calls.js';
import { applyReply, encodeSelection, type ChainResult } from './merge.js';
import { defaultWorkerPath, ZoneProcess, type ZoneProcessOptions, type ZoneReply } from './process.js';
import type { TestHook } from './protocol.js';

export { DEFAULT_START_TIMEOUT_MS, defaultWorkerPath, zoneNodeFlags } from './process.js';

export interface ZoneOptions extends ZoneProcessOptions {
  /**
   * Milliseconds one chain may run before the zone is killed and the chain fails with Timeout (its writes are
   * not kept; a new zone takes the next request). The deadline of a batch of chains; when it passes, each runs
   * again alone. Default 60 s.
   */
  timeoutMs?: number;
  /** The compiled worker; by default `dist/zone/worker.js` of this package. */
  workerPath?: string;
  /**
   * Start a new zone at once when one that had started is killed or dies (a server's pool does), so the next
   * request does not wait for a zone to start. Default false: the next request starts it.
   */
  restart?: boolean;
}

/** What a test hook did in the zone (test builds only; see worker.ts). */
export interface HookOutcome {
  threw: boolean;
  code: string | null;
  permission: string | null;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** InvalidArgument when `calls` is not an array of calls made by a builder or the parser, else null. */
export function invalidCalls(calls: unknown): StrongholdError | null {
  if (!Array.isArray(calls)) return invalidArgument('calls', 'an array of procedure calls');
  for (const [i, c] of calls.entries()) {
    if (!isCall(c) || !isRegistered((c as ProcedureCall).procedure)) return invalidArgument(`calls[${i}]`, 'a procedure call built by a procedure builder or parseProcedure');
  }
  return null;
}

/** A chain waiting for the zone. */
interface Job {
  db: ClientDb;
  calls: readonly ProcedureCall[];
  /** The chain as the caller's JSON, for `runJson`; undefined for `run`. */
  json: unknown;
  /** Aborted while waiting: the chain never runs; while running: the zone is stopped and nothing of it is kept. */
  signal: AbortSignal | undefined;
  resolve: (outputs: unknown[]) => void;
  reject: (e: unknown) => void;
}

/** What a zone stopped for an aborted chain fails with: the signal's reason when it is a StrongholdError (a server's Timeout). */
function killReason(signal: AbortSignal): StrongholdError | undefined {
  const r: unknown = signal.reason;
  return isStrongholdError(r) ? (r as StrongholdError) : undefined;
}

/** Most chains, and procedures across them, that one request carries. */
const MAX_BATCH_CHAINS = 64;
const MAX_BATCH_PROCEDURES = 1024;

/**
 * Runs chains in the secure zone process. Implements `ProcedureRunner`: the effect on the host's `ClientDb`
 * is the one `runChain` would have had inline.
 */
export class ZoneRunner implements ProcedureRunner {
  readonly #options: ZoneOptions;
  readonly #workerPath: string;
  #zone: ZoneProcess | null = null;
  #last: ZoneProcess | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  /** Chains waiting for the next request; consecutive ones for the same client go together (see `#schedule`). */
  readonly #waiting: Job[] = [];
  #scheduled = false;
  #closed = false;

  constructor(options: ZoneOptions = {}) {
    this.#options = options;
    this.#workerPath = options.workerPath ?? defaultWorkerPath();
    trustRunner(this);
  }

  /** The zone's process id, once started (for tests that inspect or kill it). */
  get pid(): number | undefined {
    return this.#zone?.pid;
  }

  /** What the current or last zone process wrote to stderr (Node's fatal errors), for diagnosing a zone that fails to start. */
  get zoneStderr(): string {
    return (this.#zone ?? this.#last)?.stderrTail.toString('utf8') ?? '';
  }

  /** Starts the zone now instead of at the first request. */
  async start(): Promise<void> {
    await this.#ensure();
  }

  async #ensure(): Promise<ZoneProcess> {
    if (this.#closed) throw invalidArgument('zone', 'an open runner (it was closed)');
    if (!this.#zone || this.#zone.isDead) {
      if (!existsSync(this.#workerPath)) throw invalidArgument('workerPath', `the compiled zone worker (run the build; looked for ${this.#workerPath})`);
      const zone = new ZoneProcess(this.#workerPath, this.#options, (z) => {
        this.#last = z;
        if (this.#zone === z) this.#zone = null;
        // A zone that never started is not restarted: it would fail again, in a loop.
        if (this.#options.restart === true && z.started && !this.#closed) this.#ensure().catch(() => {});
      });
      this.#zone = zone;
    }
    const zone = this.#zone;
    await zone.ready();
    return zone;
  }

  /** Queues `fn` after every earlier request, so each sees the state its predecessors left. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => {});
    return next;
  }

  run(db: ClientDb, calls: readonly ProcedureCall[], options?: RunOptions): Promise<unknown[]> {
    const invalid = invalidCalls(calls);
    if (invalid) return Promise.reject(invalid);
    return this.#enqueue(db, calls, undefined, options?.signal);
  }

  /**
   * Runs a chain given in the plain JSON form of docs/procedures.md (as the command line's `run` and remote peers
   * send it). The JSON goes to the zone unchanged, where `parseChain` reads it; the host parses it too, to
   * validate it first and to know which records to ship. Outputs come back as values, as from `run`.
   * Hex fields are JavaScript strings on both sides, which cannot be wiped: prefer `run` for secret inputs.
   */
  runJson(db: ClientDb, chain: unknown, options?: RunOptions): Promise<unknown[]> {
    let calls: ProcedureCall[];
    try {
      calls = parseChain(chain);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(db, calls, chain, options?.signal);
  }

  #enqueue(db: ClientDb, calls: readonly ProcedureCall[], json: unknown, signal: AbortSignal | undefined): Promise<unknown[]> {
    const aborted = abortedBefore({ signal });
    if (aborted) return aborted;
    return new Promise((resolve, reject) => {
      const job: Job = { db, calls, json, signal, resolve, reject };
      this.#waiting.push(job);
      // Aborted while waiting: out of the queue at once, so it can never be taken into a batch later.
      signal?.addEventListener('abort', () => {
        const i = this.#waiting.indexOf(job);
        if (i >= 0) (this.#waiting.splice(i, 1), reject(signal.reason));
      }, { once: true });
      this.#schedule();
    });
  }

  /**
   * Batching: chains that arrive while a request is in flight (concurrent callers) wait, then go to the zone as
   * one request, as long as they are consecutive and for the same client. The zone runs them in order, each
   * with its own outputs, error and rollback, exactly as one request each would; the round trip, the record
   * shipping and the merge are paid once.
   */
  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    void this.#serial(async () => {
      this.#scheduled = false;
      const first = this.#waiting[0]!;
      let n = 0;
      let procedures = 0;
      while (n < this.#waiting.length && n < MAX_BATCH_CHAINS && this.#waiting[n]!.db === first.db) {
        procedures += this.#waiting[n]!.calls.length;
        if (n > 0 && procedures > MAX_BATCH_PROCEDURES) break;
        n++;
      }
      const batch = this.#waiting.splice(0, n);
      this.#schedule();
      try {
        this.#settle(batch, await this.#run(first.db, batch));
      } catch (e) {
        const stopped = batch.some((j) => j.signal?.aborted);
        if (batch.length === 1 || !(stopped || isStrongholdError(e, 'Timeout'))) {
          for (const job of batch) job.reject(job.signal?.aborted ? job.signal.reason : e);
          return;
        }
        // The deadline is each chain's: a batch past it does not say which chain was slow. Nothing of it was
        // merged (the zone was killed before replying), so each chain runs again alone, in order, on a new zone,
        // and only the one that alone exceeds the deadline fails with Timeout. A chain whose signal was aborted
        // (its caller was answered already) is not run again.
        for (const job of batch) {
          if (job.signal?.aborted) {
            job.reject(job.signal.reason);
            continue;
          }
          try {
            this.#settle([job], await this.#run(first.db, [job]));
          } catch (err) {
            job.reject(err);
          }
        }
      }
    });
  }

  #settle(batch: readonly Job[], results: ChainResult[]): void {
    batch.forEach((job, i) => {
      const r = results[i]!;
      if (r.ok) job.resolve(r.outputs);
      else job.reject(r.error);
    });
  }

  async #run(db: ClientDb, batch: readonly Job[]): Promise<ChainResult[]> {
    const zone = await this.#ensure();
    // Aborted while the zone started: the batch goes no further (its other chains run again alone).
    const stopped = batch.find((j) => j.signal?.aborted);
    if (stopped) throw stopped.signal!.reason;
    const state = encodeSelection(db, batch.flatMap((j) => j.calls));
    const blobs: Uint8Array[] = [state];
    let reply: ZoneReply;
    // A chain aborted while it runs stops the zone: the batch fails with its reason and nothing of it is merged.
    const stops = batch.flatMap((j) => (j.signal ? [[j.signal, () => zone.kill(killReason(j.signal!))] as const] : []));
    try {
      for (const [signal, stop] of stops) signal.addEventListener('abort', stop, { once: true });
      const chains = batch.map((j) => (j.json === undefined
        ? { form: 'bytes', calls: j.calls.map((c) => encodeCall(c, blobs)) }
        : { form: 'json', calls: j.json }));
      reply = await zone.request({ t: 'run', chains, state: 0 }, blobs, this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    } finally {
      for (const [signal, stop] of stops) signal.removeEventListener('abort', stop);
      wipe(state);
    }
    try {
      return applyReply(db, reply.msg, reply.blobs, batch.length);
    } finally {
      wipe(reply.plain);
    }
  }

  /**
   * Runs a test hook inside the zone (only when the zone was started with STRONGHOLD_ZONE_TEST_HOOKS=1;
   * otherwise the zone answers ProtocolError). For the zone's own tests.
   */
  testHook(name: TestHook): Promise<HookOutcome> {
    return this.#serial(async () => {
      const zone = await this.#ensure();
      const reply = await zone.request({ t: 'hook', name }, [], this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      wipe(reply.plain);
      if (reply.msg.t === 'hook') return reply.msg.outcome as HookOutcome;
      throw StrongholdError.fromJSON(reply.msg.error);
    });
  }

  /** Stops the zone; later requests fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const zone = this.#zone;
    this.#zone = null;
    if (!zone) return;
    const exited = new Promise<void>((resolve) => {
      if (zone.child.exitCode !== null || zone.child.signalCode !== null) resolve();
      else zone.child.once('exit', () => resolve());
    });
    if (zone.child.connected) zone.child.disconnect();
    const timer = setTimeout(() => zone.kill(), 2000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The secure zone as a Stronghold's runner: `Stronghold.open(path, password, { runner: processZone() })` runs
 * every procedure in a separate process under Node's permission model, with the native provider (SECURITY.md).
 * The process starts on the first procedure; `close()` of the Stronghold stops it.
 */
export function processZone(options: ZoneOptions = {}): ZoneRunner {
  return new ZoneRunner(options);
}
