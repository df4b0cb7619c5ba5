/**
 * `ZoneRunner`: runs procedure chains in the secure zone, a child process (worker.ts) started from the
 * compiled JavaScript with Node's permission model: no file-system writes, reads only of the code it loads,
 * no child processes, no worker threads, native addons only because sodium-native needs them, and no core
 * dumps where `prlimit` is available.
 *
 * A request carries one chain, or several from concurrent callers. The host sends the calls (the JSON form
 * with byte fields as attachments, calls.ts) with the records they name, as sealed records plus their vault keys
 * (`exportSubset`, bincode); the zone replies with each chain's outputs or error and the records that changed
 * or disappeared, which the host merges back (`mergeSubset({ replace: true })`, `removeRecords`). The host's
 * vault changes only when a reply arrives, so a zone that dies or times out loses nothing, and a chain stopped at
 * its deadline (`timeoutMs`: the zone is killed, the chain fails with Timeout, the next request starts a new zone)
 * leaves the vault as it was: none of its writes happened.
 *
 * Requests run one at a time in call order: each needs the state its predecessor left. When the zone dies,
 * the request in flight fails with `ZoneCrashed` and the next one starts a new zone.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abortedBefore, trustRunner, type ProcedureRunner, type RunOptions } from '../exec/runner.js';
import { isCall } from '../procedures/fields.js';
import { isRegistered } from '../procedures/registry.js';
import type { ClientDb } from '../engine/db.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { parseChain } from '../procedures/json.js';
import type { ProcedureCall } from '../procedures/types.js';
import { decodeState, encodeState } from '../snapshot/bincode.js';
import { chainSelection, decodeValue, encodeCall } from './calls.js';
import { decodeEnvelope, encodeEnvelope, EphemeralKey, isZoneHello, ZONE_PROTOCOL_VERSION, type SealedChannel, type TestHook } from './protocol.js';

export interface ZoneOptions {
  /**
   * Milliseconds one chain may run before the zone is killed and the chain fails with Timeout (its writes are
   * not kept; a new zone takes the next request). The deadline of a batch of chains; when it passes, each runs
   * again alone. Default 60 s.
   */
  timeoutMs?: number;
  /** Milliseconds the zone may take to start and finish the key agreement. Default 15 s. */
  startTimeoutMs?: number;
  /** The compiled worker; by default `dist/zone/worker.js` of this package. */
  workerPath?: string;
  /** Disable core dumps of the zone with `prlimit --core=0` when it exists. Default true. */
  noCoreDumps?: boolean;
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
/** Exported for the server, whose answer to a peer must allow for a zone restart. */
export const DEFAULT_START_TIMEOUT_MS = 15_000;
const PRLIMIT = '/usr/bin/prlimit';

/** The compiled worker next to this module, or, when this module runs from src/ (tests), the one in dist/. */
export function defaultWorkerPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'worker.js');
  if (existsSync(beside)) return beside;
  return join(here, '..', '..', 'dist', 'zone', 'worker.js');
}

/** The permission-model flags: reads of the zone's code and its dependencies only; addons for sodium-native. */
export function zoneNodeFlags(workerPath: string): string[] {
  const dist = realpathSync(dirname(dirname(workerPath)));
  const pkg = dirname(dist);
  const marker = `${sep}node_modules${sep}`;
  const sodiumPath = createRequire(workerPath).resolve('sodium-native');
  // The dependency tree where the loader finds it (the package's own node_modules, or the one sodium-native
  // was resolved from when the package is itself a dependency) and, for symbolic links, their targets.
  const own = join(pkg, 'node_modules');
  const modules = new Set([sodiumPath.slice(0, sodiumPath.lastIndexOf(marker) + marker.length - 1)]);
  if (existsSync(own)) modules.add(own).add(realpathSync(own));
  const reads = [dist, ...modules, join(pkg, 'package.json'), '/etc/alpine-release'];
  // Node 22 before 22.13 knows the permission model only as --experimental-permission.
  const permission = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
  return [permission, '--allow-addons', ...reads.map((p) => `--allow-fs-read=${p}`), '--no-warnings', '--disallow-code-generation-from-strings', '--clear-free-memory'];
}

/** InvalidArgument when `calls` is not an array of calls made by a builder or the parser, else null. */
export function invalidCalls(calls: unknown): StrongholdError | null {
  if (!Array.isArray(calls)) return invalidArgument('calls', 'an array of procedure calls');
  for (const [i, c] of calls.entries()) {
    if (!isCall(c) || !isRegistered((c as ProcedureCall).procedure)) return invalidArgument(`calls[${i}]`, 'a procedure call built by a procedure builder or parseProcedure');
  }
  return null;
}

/** The zone's error, with its cause (the failing step's own error) when it sent one. */
function errorFrom(json: unknown): StrongholdError {
  const err = StrongholdError.fromJSON(json);
  const cause = (json as { cause?: unknown } | null)?.cause;
  return cause === undefined ? err : new StrongholdError(err.code, err.message, err.details, { cause: StrongholdError.fromJSON(cause) });
}

/**
 * The records a chain ships to the zone: those it names, whole vaults it revokes or collects in, and every
 * revoked record of the vaults it names (a failed chain's rollback collects those vaults, as it does inline).
 */
function selectionFor(db: ClientDb, calls: readonly ProcedureCall[]): Map<string, Set<string> | null> {
  const selection = chainSelection(calls);
  // Only a chain that writes can roll back, so a read-only chain (signatures) skips the walk over the client.
  const writes = calls.some((c) => c.procedure.locations(c.input).outputs.length > 0);
  const partial = [...selection.values()].some((s) => s !== null);
  if (writes && partial) {
    for (const v of db.hierarchy()) {
      const wanted = selection.get(Buffer.from(v.vaultId).toString('hex'));
      if (!wanted) continue;
      for (const r of v.records) if (r.revoked) wanted.add(Buffer.from(r.id).toString('hex'));
    }
  }
  return selection;
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

type ChainResult = { ok: true; outputs: unknown[] } | { ok: false; error: StrongholdError };

/** Most chains, and procedures across them, that one request carries. */
const MAX_BATCH_CHAINS = 64;
const MAX_BATCH_PROCEDURES = 1024;

interface Pending {
  resolve: (env: { msg: Record<string, unknown>; blobs: Uint8Array[]; plain: Uint8Array }) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/** One running zone process and its channel. */
class Zone {
  readonly child: ChildProcess;
  channel: SealedChannel | null = null;
  readonly pending = new Map<number, Pending>();
  /** The last 4 KiB the zone process wrote to stderr (Node's own fatal errors). */
  stderrTail: Buffer = Buffer.alloc(0);
  #ready: Promise<void>;
  #dead: StrongholdError | null = null;
  /** True once the zone finished its start: only such a zone is restarted when it dies. */
  started = false;
  #nextId = 1;

  constructor(workerPath: string, options: ZoneOptions, onExit: (zone: Zone) => void) {
    const flags = zoneNodeFlags(workerPath);
    const key = EphemeralKey.generate();
    const wrap = options.noCoreDumps !== false && existsSync(PRLIMIT);
    const env: NodeJS.ProcessEnv = {};
    if (process.env.STRONGHOLD_ZONE_TEST_HOOKS === '1') env.STRONGHOLD_ZONE_TEST_HOOKS = '1';
    this.child = fork(workerPath, [Buffer.from(key.publicKey).toString('hex')], {
      execPath: wrap ? PRLIMIT : process.execPath,
      execArgv: wrap ? ['--core=0', process.execPath, ...flags] : flags,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
    });
    // The zone prints nothing itself; Node does on a fatal error. Keep the tail for diagnostics, never for messages.
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = Buffer.concat([this.stderrTail, chunk]).subarray(-4096);
    });
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
    const startMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.#ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new StrongholdError('Timeout', `the zone did not start within ${startMs} ms`, { operation: 'zone start', ms: startMs }));
        this.kill();
      }, startMs);
      const fail = (e: StrongholdError): void => {
        clearTimeout(timer);
        key.destroy();
        reject(e);
      };
      this.child.once('error', () => {
        // The process could not be started (or signalled): there may be no 'exit' to follow.
        this.#dead ??= this.#crashed(null, null);
        fail(this.#dead);
      });
      this.child.on('exit', (code, signal) => {
        const err = this.#dead ?? this.#crashed(code, signal);
        this.#dead = err;
        fail(err);
        for (const p of this.pending.values()) (clearTimeout(p.timer), p.reject(err));
        this.pending.clear();
        this.channel?.destroy();
        onExit(this);
      });
      this.child.on('message', (m: unknown) => {
        if (this.channel === null) {
          if (!isZoneHello(m) || m.v !== ZONE_PROTOCOL_VERSION) return this.#protocolFailure('bad hello');
          try {
            this.channel = key.channel('host', Buffer.from(m.pub, 'hex'));
          } catch {
            return this.#protocolFailure('bad zone key');
          }
          return;
        }
        let plain: Uint8Array;
        try {
          plain = this.channel.open(m);
        } catch {
          return this.#protocolFailure('a zone frame failed to open');
        }
        let env: { msg: Record<string, unknown>; blobs: Uint8Array[] };
        try {
          env = decodeEnvelope(plain);
        } catch {
          wipe(plain);
          return this.#protocolFailure('a zone envelope is malformed');
        }
        if (env.msg.t === 'ready') {
          wipe(plain);
          clearTimeout(timer);
          this.#idle();
          this.started = true;
          resolve();
          return;
        }
        const p = typeof env.msg.id === 'number' ? this.pending.get(env.msg.id) : undefined;
        if (!p) {
          wipe(plain);
          return this.#protocolFailure('a zone reply answers no request');
        }
        this.pending.delete(env.msg.id as number);
        clearTimeout(p.timer);
        if (this.pending.size === 0) this.#idle();
        p.resolve({ ...env, plain });
      });
    });
    this.#ready.catch(() => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** An idle zone does not keep the host's event loop alive; a request in flight does. */
  #idle(): void {
    this.child.unref();
    this.child.channel?.unref();
  }

  #busy(): void {
    this.child.ref();
    this.child.channel?.ref();
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  #crashed(code: number | null, signal: NodeJS.Signals | null): StrongholdError<'ZoneCrashed'> {
    const details: { signal?: string; exitCode?: number } = {};
    if (signal) details.signal = signal;
    if (code !== null) details.exitCode = code;
    return new StrongholdError('ZoneCrashed', `the secure zone stopped (${signal ?? `exit code ${code}`}); the next request starts a new zone`, details);
  }

  /** A frame that does not open means the channel cannot be trusted: stop the zone (pending requests fail). */
  #protocolFailure(reason: string): void {
    this.#dead ??= new StrongholdError('ProtocolError', `zone channel: ${reason}`, { reason });
    this.kill();
  }

  /** True once the zone died or was told to stop: it takes no more requests. */
  get isDead(): boolean {
    return this.#dead !== null;
  }

  /** Stops the zone; requests in flight fail with `reason` (default ZoneCrashed). */
  kill(reason?: StrongholdError): void {
    this.#dead ??= reason ?? this.#crashed(null, 'SIGKILL');
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Sends one sealed request and resolves with the reply envelope (the caller wipes `plain`). */
  request(msg: Record<string, unknown>, blobs: Uint8Array[], timeoutMs: number): Promise<{ msg: Record<string, unknown>; blobs: Uint8Array[]; plain: Uint8Array }> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    const plain = encodeEnvelope({ ...msg, id }, blobs);
    let frame: Uint8Array;
    try {
      frame = this.channel!.seal(plain);
    } finally {
      wipe(plain);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new StrongholdError('Timeout', `a zone request took longer than ${timeoutMs} ms; the zone was stopped`, { operation: 'zone request', ms: timeoutMs }));
        this.kill();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.#busy();
      this.child.send(frame, (err) => {
        if (err) this.kill();
      });
    });
  }
}

/**
 * Runs chains in the secure zone process. Implements `ProcedureRunner`: the effect on the host's `ClientDb`
 * is the one `runChain` would have had inline.
 */
export class ZoneRunner implements ProcedureRunner {
  readonly #options: ZoneOptions;
  readonly #workerPath: string;
  #zone: Zone | null = null;
  #last: Zone | null = null;
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

  async #ensure(): Promise<Zone> {
    if (this.#closed) throw invalidArgument('zone', 'an open runner (it was closed)');
    if (!this.#zone || this.#zone.isDead) {
      if (!existsSync(this.#workerPath)) throw invalidArgument('workerPath', `the compiled zone worker (run the build; looked for ${this.#workerPath})`);
      const zone = new Zone(this.#workerPath, this.#options, (z) => {
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
    const subset = db.exportSubset(selectionFor(db, batch.flatMap((j) => j.calls)));
    let state: Uint8Array;
    try {
      state = encodeState({ clients: [subset] });
    } finally {
      for (const k of subset.keystore) wipe(k.key);
      for (const v of subset.vaults) wipe(v.key);
    }
    const blobs: Uint8Array[] = [state];
    let reply: Awaited<ReturnType<Zone['request']>>;
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
      return this.#apply(db, reply.msg, reply.blobs, batch.length);
    } finally {
      wipe(reply.plain);
    }
  }

  /** Merges the zone's changes into `db`, then returns each chain's outputs (copied out of the reply) or error. */
  #apply(db: ClientDb, msg: Record<string, unknown>, blobs: Uint8Array[], chains: number): ChainResult[] {
    const bad = (reason: string): StrongholdError => new StrongholdError('ProtocolError', `zone reply: ${reason}`, { reason });
    if (msg.t !== 'result') throw bad('not a result');
    if (msg.error !== undefined) throw errorFrom(msg.error);
    if (!Array.isArray(msg.results) || msg.results.length !== chains) throw bad('one result per chain expected');
    if (typeof msg.changes === 'number') {
      const changes = blobs[msg.changes];
      if (!changes) throw bad('missing changes');
      const state = decodeState(changes);
      if (state.clients.length !== 1) throw bad('changes must hold one client');
      db.mergeSubset(state.clients[0]!, { replace: true });
    }
    if (Array.isArray(msg.removed) && msg.removed.length > 0) {
      const ids = msg.removed.map((r: unknown) => {
        if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'string' && /^[0-9a-f]{48}$/.test(x))) throw bad('malformed removed id');
        return { vaultId: Buffer.from(r[0] as string, 'hex'), recordId: Buffer.from(r[1] as string, 'hex') };
      });
      db.removeRecords(ids);
    }
    return msg.results.map((r: unknown): ChainResult => {
      const res = r as { ok?: unknown; error?: unknown; outputs?: unknown } | null;
      if (res?.ok !== true) return { ok: false, error: errorFrom(res?.error) };
      if (!Array.isArray(res.outputs)) throw bad('missing outputs');
      return { ok: true, outputs: res.outputs.map((o: unknown) => (o === null ? undefined : decodeValue(o, blobs, { copy: true }))) };
    });
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
