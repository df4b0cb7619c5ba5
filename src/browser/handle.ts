/**
 * The page's side of the zone worker: `StrongholdWorker.open` starts a dedicated Worker (zone-worker.ts), opens a
 * snapshot in it, and returns a handle with the client API, asynchronous. Procedure calls made by the builders of
 * `stronghold-ts/procedures` travel in the wire form; only their public results come back. The page never holds
 * the unlocked snapshot, its keys or any secret the procedures use.
 * @module
 */
import type { ListedRecord } from '../client/client.js';
import type { Password } from '../client/stronghold.js';
import type { Location, Path } from '../engine/location.js';
import type { InsertOptions, StoreKey } from '../engine/store.js';
import { StrongholdError } from '../errors.js';
import type { MemoryProtection } from '../memory/guarded.js';
import type { ProcedureCall } from '../procedures/types.js';
import type { SnapshotProgress } from '../snapshot/codec.js';
import { decodeValue, encodeCall, encodeValue } from '../zone/calls.js';
import type { Argon2Spec, StorageSpec, WorkerMessage, WorkerRequest } from './protocol.js';

export type { Argon2Spec, StorageSpec } from './protocol.js';

export interface WorkerOpenOptions {
  /** Where the snapshot lives: `{ kind: 'opfs' }`, `{ kind: 'indexeddb' }` or, by default, `{ kind: 'memory' }` (gone with the worker). */
  storage?: StorageSpec;
  /** The snapshot's name in that storage. */
  path: string;
  /** Copied to the worker, which wipes its copy when given as bytes (wipe yours too; a string cannot be wiped). */
  password: Password;
  /** Hash the (string) password with Argon2id in the worker, salted with a salt entry beside the snapshot. */
  argon2?: Argon2Spec;
  /** A `.stronghold` file to store under `path` first (it replaces what is there). */
  file?: Blob;
  create?: boolean;
  readOnly?: boolean;
  workFactor?: number;
  maxWorkFactor?: number;
  /** Milliseconds without a request after which the worker locks itself; 0 never. Default 5 minutes. */
  idleLockMs?: number;
  /** Key derivation progress: start, ticks (with `fraction` done), done. */
  onProgress?: (progress: SnapshotProgress) => void;
  /** Called when the worker locked itself after the idle time. */
  onIdleLock?: () => void;
  /** The bundled zone-worker.js; by default the one beside this bundle. */
  workerUrl?: string | URL;
}

/** What `info()` reports about the open snapshot. */
export interface WorkerInfo {
  path: string;
  storage: string;
  isLocked: boolean;
  snapshotVersion: 2 | 3 | null;
  hasUnsavedChanges: boolean;
  /** What the worker's memory module can and cannot promise in this browser. */
  memoryProtection: MemoryProtection;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onProgress?: WorkerOpenOptions['onProgress'];
}

/** The connection to one worker: numbered requests, replies matched by number. */
class Channel {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #dead: StrongholdError | null = null;
  onIdleLock: (() => void) | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => this.#receive(e.data);
    worker.onerror = (e) => this.#fail(new StrongholdError('ZoneCrashed', `the zone worker failed: ${e.message || 'it did not start'}`, {}));
  }

  #receive(m: WorkerMessage): void {
    if (m.t === 'locked') return this.onIdleLock?.();
    const p = this.#pending.get(m.id);
    if (!p) return;
    if (m.t === 'progress') return p.onProgress?.(m.progress as SnapshotProgress);
    this.#pending.delete(m.id);
    if (m.ok) p.resolve(m.value instanceof Blob ? m.value : decodeValue(m.value, m.blobs, { copy: false }));
    else p.reject(StrongholdError.fromJSON(m.error));
  }

  #fail(error: StrongholdError): void {
    this.#dead = error;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  request(target: WorkerRequest['target'], method: string, args: unknown[], extra: { client?: Path; onProgress?: Pending['onProgress']; blobs?: Uint8Array[]; file?: Blob } = {}): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const blobs = extra.blobs ?? [];
    const attach = (b: Uint8Array): number => blobs.push(b) - 1;
    const req: WorkerRequest = { id: this.#next++, target, method, args: encodeValue(args, attach), blobs };
    if (extra.client !== undefined) req.client = encodeValue(extra.client, attach);
    if (extra.file !== undefined) req.file = extra.file;
    return new Promise((resolve, reject) => {
      this.#pending.set(req.id, { resolve, reject, ...(extra.onProgress ? { onProgress: extra.onProgress } : {}) });
      this.#worker.postMessage(req);
    });
  }

  terminate(): void {
    this.#worker.terminate();
    this.#fail(new StrongholdError('Locked', 'the zone worker was terminated', {}));
  }
}

/** A Stronghold whose unlocked snapshot lives in a dedicated Worker. */
export class StrongholdWorker {
  readonly #ch: Channel;

  private constructor(ch: Channel) {
    this.#ch = ch;
  }

  /**
   * Starts a zone worker and opens (or creates, with `create`) a snapshot in it.
   * @throws StrongholdError as `Stronghold.open` does, and `ZoneCrashed` when the worker cannot start
   * @example const sh = await StrongholdWorker.open({ storage: { kind: 'opfs' }, path: 'wallet.stronghold', password, create: true })
   */
  static async open(options: WorkerOpenOptions): Promise<StrongholdWorker> {
    const url = options.workerUrl ?? new URL('./zone-worker.js', import.meta.url);
    const ch = new Channel(new Worker(url, { type: 'module', name: 'stronghold-zone' }));
    ch.onIdleLock = options.onIdleLock;
    const { onProgress, onIdleLock: _, workerUrl: __, storage, path, password, argon2, file, idleLockMs, ...rest } = options;
    const args = { storage, path, password, argon2, idleLockMs, options: rest };
    try {
      await ch.request('stronghold', 'open', [args], { ...(onProgress ? { onProgress } : {}), ...(file ? { file } : {}) });
    } catch (e) {
      ch.terminate();
      throw e;
    }
    return new StrongholdWorker(ch);
  }

  info(): Promise<WorkerInfo> {
    return this.#ch.request('stronghold', 'info', []) as Promise<WorkerInfo>;
  }

  async createClient(path: Path): Promise<WorkerClient> {
    await this.#ch.request('stronghold', 'createClient', [path]);
    return new WorkerClient(this.#ch, path);
  }

  async loadClient(path: Path): Promise<WorkerClient> {
    await this.#ch.request('stronghold', 'loadClient', [path]);
    return new WorkerClient(this.#ch, path);
  }

  /** A handle on a client already loaded in the worker (no request: calls fail with `ClientNotFound` if it is not). */
  clientHandle(path: Path): WorkerClient {
    return new WorkerClient(this.#ch, path);
  }

  hasClient(path: Path): Promise<boolean> {
    return this.#ch.request('stronghold', 'hasClient', [path]) as Promise<boolean>;
  }

  listClients(): Promise<{ id: string; loaded: boolean }[]> {
    return this.#ch.request('stronghold', 'listClients', []) as Promise<{ id: string; loaded: boolean }[]>;
  }

  async unloadClient(path: Path): Promise<void> {
    await this.#ch.request('stronghold', 'unloadClient', [path]);
  }

  async purgeClient(path: Path): Promise<void> {
    await this.#ch.request('stronghold', 'purgeClient', [path]);
  }

  async save(): Promise<void> {
    await this.#ch.request('stronghold', 'save', []);
  }

  /** Saves pending changes and wipes every key in the worker; calls fail with `Locked` until `unlock`. */
  async lock(): Promise<void> {
    await this.#ch.request('stronghold', 'lock', []);
  }

  async unlock(password: Password): Promise<void> {
    await this.#ch.request('stronghold', 'unlock', [password]);
  }

  async changePassword(password: Password, options: { workFactor?: number } = {}): Promise<void> {
    await this.#ch.request('stronghold', 'changePassword', [password, options]);
  }

  /** The saved snapshot as a `.stronghold` file (save first to include pending changes). */
  export(): Promise<Blob> {
    return this.#ch.request('stronghold', 'export', []) as Promise<Blob>;
  }

  /** Closes the snapshot (discarding unsaved changes) and stops the worker. */
  async close(): Promise<void> {
    try {
      await this.#ch.request('stronghold', 'close', []);
    } finally {
      this.#ch.terminate();
    }
  }
}

/** One client of a worker's Stronghold: the `Client` API, asynchronous. */
export class WorkerClient {
  readonly #ch: Channel;
  readonly path: Path;
  readonly store: WorkerStore;

  /** @internal Use `StrongholdWorker.createClient` / `loadClient`. */
  constructor(ch: Channel, path: Path) {
    this.#ch = ch;
    this.path = path;
    this.store = new WorkerStore(ch, path);
  }

  #call(method: string, args: unknown[], blobs?: Uint8Array[]): Promise<unknown> {
    return this.#ch.request('client', method, args, { client: this.path, ...(blobs ? { blobs } : {}) });
  }

  async execute<O>(call: ProcedureCall<unknown, O>): Promise<O> {
    return (await this.executeChain([call]))[0] as O;
  }

  /** Runs the calls as one chain in the worker (rolled back whole on failure); their outputs, in order. */
  executeChain(calls: readonly ProcedureCall[]): Promise<unknown[]> {
    const blobs: Uint8Array[] = [];
    const wire = calls.map((c) => encodeCall(c, blobs));
    return this.#call('executeChain', [wire], blobs) as Promise<unknown[]>;
  }

  vaultExists(path: Path): Promise<boolean> {
    return this.#call('vaultExists', [path]) as Promise<boolean>;
  }

  recordExists(location: Location): Promise<boolean> {
    return this.#call('recordExists', [location]) as Promise<boolean>;
  }

  listRecords(vaultPath: Path): Promise<ListedRecord[]> {
    return this.#call('listRecords', [vaultPath]) as Promise<ListedRecord[]>;
  }

  /** Writes `secret` into the worker's vault. The page's copy stays the caller's to wipe. */
  async writeSecret(location: Location, secret: Uint8Array): Promise<void> {
    await this.#call('writeSecret', [location, secret]);
  }

  async revokeSecret(location: Location): Promise<void> {
    await this.#call('revokeSecret', [location]);
  }

  async deleteSecret(location: Location): Promise<void> {
    await this.#call('deleteSecret', [location]);
  }

  garbageCollect(vaultPath: Path): Promise<number> {
    return this.#call('garbageCollect', [vaultPath]) as Promise<number>;
  }
}

/** The session store of a worker's client (never persisted). */
export class WorkerStore {
  readonly #ch: Channel;
  readonly #client: Path;

  constructor(ch: Channel, client: Path) {
    this.#ch = ch;
    this.#client = client;
  }

  #call(method: string, args: unknown[]): Promise<unknown> {
    return this.#ch.request('store', method, args, { client: this.#client });
  }

  insert(key: StoreKey, value: Uint8Array | string, options?: InsertOptions): Promise<Uint8Array | null> {
    return this.#call('insert', options ? [key, value, options] : [key, value]) as Promise<Uint8Array | null>;
  }

  get(key: StoreKey): Promise<Uint8Array | null> {
    return this.#call('get', [key]) as Promise<Uint8Array | null>;
  }

  has(key: StoreKey): Promise<boolean> {
    return this.#call('has', [key]) as Promise<boolean>;
  }

  delete(key: StoreKey): Promise<Uint8Array | null> {
    return this.#call('delete', [key]) as Promise<Uint8Array | null>;
  }

  keys(): Promise<Uint8Array[]> {
    return this.#call('keys', []) as Promise<Uint8Array[]>;
  }
}
