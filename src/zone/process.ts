/**
 * The zone's process transport: `ZoneProcess` starts the worker (worker.ts) from the compiled JavaScript with
 * Node's permission model (no file-system writes, reads only of the code it loads, no child processes, no worker
 * threads, native addons only because sodium-native needs them, no core dumps where `prlimit` is available),
 * agrees a sealed channel with it (protocol.ts), and carries one request at a time per id with its deadline.
 * What travels and how replies are merged is host.ts's and merge.ts's.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { decodeEnvelope, encodeEnvelope, EphemeralKey, isZoneHello, ZONE_PROTOCOL_VERSION, type SealedChannel } from './protocol.js';

/** How a zone process is started. */
export interface ZoneProcessOptions {
  /** Milliseconds the zone may take to start and finish the key agreement. Default 15 s. */
  startTimeoutMs?: number;
  /** Disable core dumps of the zone with `prlimit --core=0` when it exists. Default true. */
  noCoreDumps?: boolean;
  /**
   * The zone's scheduling niceness (0..19, higher yields more; `os.setPriority`). A server's pool uses 10, so its
   * event loop, which answers every peer, keeps the CPU ahead of a long chain. Default: the host's own.
   */
  niceness?: number;
}

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

/** A reply envelope: its message, attachments, and the plaintext they view (the receiver wipes it). */
export interface ZoneReply {
  msg: Record<string, unknown>;
  blobs: Uint8Array[];
  plain: Uint8Array;
}

interface Pending {
  resolve: (env: ZoneReply) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/** One running zone process and its sealed channel: requests out, replies in, each matched by id. */
export class ZoneProcess {
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

  constructor(workerPath: string, options: ZoneProcessOptions, onExit: (zone: ZoneProcess) => void) {
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
    if (options.niceness !== undefined && this.child.pid !== undefined) {
      try {
        setPriority(this.child.pid, options.niceness);
      } catch {
        // Not permitted here (some sandboxes): the zone runs at the host's priority.
      }
    }
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
  request(msg: Record<string, unknown>, blobs: Uint8Array[], timeoutMs: number): Promise<ZoneReply> {
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
