/**
 * `Stronghold`: the root object. It holds clients by path, a session store that is never persisted, and,
 * when opened from a file, the snapshot it saves to. Every client of the snapshot is decrypted into the
 * engine's sealed form at open; "loading" a client only makes it reachable.
 *
 * Saving reuses the unlocked snapshot's age header and file key (an `AgeSession`), so a save costs no
 * scrypt; only opening, unlocking and changing the password pay the key derivation.
 * @module
 */
import { assertBytes, assertInt, describePath, toPathBytes } from '../assert.js';
import { nativeProvider } from '../crypto/native.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { ClientDb } from '../engine/db.js';
import { clientId } from '../engine/ids.js';
import type { Path } from '../engine/location.js';
import { Store } from '../engine/store.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { GuardedBuffer, wipe } from '../memory/guarded.js';
import {
  AgeSession, createSnapshotSession, DEFAULT_WORK_FACTOR, MAX_READ_WORK_FACTOR, readSnapshot, type SnapshotProgress, writeSnapshot,
} from '../snapshot/codec.js';
import { acquireSnapshotLock, readSnapshotFile, writeFileAtomic, type SnapshotLock } from '../snapshot/file.js';
import { passwordKey, SNAPSHOT_KEY_BYTES, V2_DEFAULT_ROUNDS, V2_DEFAULT_SALT, v2PasswordKey } from '../snapshot/keys.js';
import type { SnapshotState } from '../snapshot/state.js';
import { Client, inlineRunner, type ClientHost, type ProcedureRunner } from './client.js';

const hexOf = (id: Uint8Array): string => Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex');

export interface StrongholdOptions {
  /** The crypto provider procedures use; `nativeProvider` by default. */
  provider?: CryptoProvider;
  /** Clock for store expiry, in milliseconds since the epoch. */
  now?: () => number;
  /** Where procedures run; inline in this process by default. */
  runner?: ProcedureRunner;
}

/**
 * A password (its UTF-8 text or bytes; the key is BLAKE2b-256 of it, as the IOTA SDK does) or a raw
 * 32-byte snapshot key (`{ key }`, e.g. from an application's own KDF).
 */
export type Password = string | Uint8Array | { key: Uint8Array };

export interface OpenOptions extends StrongholdOptions {
  /** Start empty when the file does not exist (nothing is written until `save`). */
  create?: boolean;
  /** Do not take the writer lock; `save` is refused. For inspection. */
  readOnly?: boolean;
  /** scrypt work factor for headers this instance makes (new file, password change); default 19. */
  workFactor?: number;
  /** Largest work factor accepted when reading; default 23. Guards against files that would take 8+ GiB. */
  maxWorkFactor?: number;
  /** Key derivation progress (start, a tick every 250 ms, done), for spinners. */
  onProgress?: (progress: SnapshotProgress) => void;
  /** How a v2 file's key is derived: PBKDF2-HMAC-SHA512(password, salt, rounds); BLAKE2b-256 is tried next. */
  v2?: { salt?: string | Uint8Array; rounds?: number };
}

interface SnapshotBinding {
  path: string;
  version: 2 | 3;
  readOnly: boolean;
  workFactor: number;
  maxWorkFactor: number;
  onProgress: ((progress: SnapshotProgress) => void) | undefined;
  /** The snapshot key, in guarded memory while unlocked. */
  key: GuardedBuffer | null;
  /** The age header and file key for saves without scrypt; made at open (v3) or at the first save. */
  session: AgeSession | null;
  lock: SnapshotLock | null;
}

function keyFrom(password: Password, field = 'password'): Uint8Array {
  if (typeof password === 'object' && password !== null && !(password instanceof Uint8Array)) {
    return Uint8Array.from(assertBytes((password as { key?: unknown }).key, { field: `${field}.key`, length: SNAPSHOT_KEY_BYTES }));
  }
  if (typeof password !== 'string' && !(password instanceof Uint8Array)) throw invalidArgument(field, 'a string, bytes or { key }');
  return passwordKey(password);
}

/** Keys to try for a v2 file: the wallet.rs PBKDF2 convention first, then BLAKE2b (Stronghold 1.x). */
function v2Keys(password: Password, v2: OpenOptions['v2']): Uint8Array[] {
  if (typeof password === 'object' && !(password instanceof Uint8Array)) return [keyFrom(password)];
  const rounds = assertInt(v2?.rounds ?? V2_DEFAULT_ROUNDS, { field: 'v2.rounds', min: 1, max: 10_000_000 });
  return [v2PasswordKey(password, v2?.salt ?? V2_DEFAULT_SALT, rounds), passwordKey(password)];
}

export class Stronghold {
  readonly provider: CryptoProvider;
  readonly runner: ProcedureRunner;
  /** The session store: never persisted. */
  readonly store: Store;
  protected readonly now: () => number;
  /** Every client in memory (from the snapshot or created), in snapshot order. */
  #dbs = new Map<string, ClientDb>();
  /** Clients reachable through the API. */
  readonly #loaded = new Map<string, Client>();
  #locked = false;
  #dirty = false;
  #file: SnapshotBinding | null = null;
  readonly #host: ClientHost;

  constructor(options: StrongholdOptions = {}) {
    this.provider = options.provider ?? nativeProvider;
    this.runner = options.runner ?? inlineRunner(this.provider);
    this.now = options.now ?? Date.now;
    this.store = new Store(this.now);
    this.#host = {
      runner: this.runner,
      dbFor: (client) => this.#dbFor(client),
      touch: () => {
        this.#dirty = true;
      },
    };
  }

  /** An empty Stronghold that lives in memory only. */
  static create(options: StrongholdOptions = {}): Stronghold {
    return new Stronghold(options);
  }

  /**
   * Opens a snapshot file (v3, or v2 read for migration). Takes the writer lock unless `readOnly`.
   * @throws StrongholdError `SnapshotNotFound`, `Io`, `NotASnapshot`, `UnsupportedVersion`, `Truncated`, `CorruptHeader`,
   *   `WorkFactorTooHigh`, `WrongPassword`, `CorruptPayload`, `DecompressionLimit`, `SnapshotLocked`, `InvalidArgument`
   * @example const sh = await Stronghold.open('wallet.stronghold', password, { create: true })
   */
  static async open(path: string, password: Password, options: OpenOptions = {}): Promise<Stronghold> {
    if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path', 'a non-empty file path');
    const sh = new Stronghold(options);
    const workFactor = assertInt(options.workFactor ?? DEFAULT_WORK_FACTOR, { field: 'workFactor', min: 0, max: 63 });
    const maxWorkFactor = assertInt(options.maxWorkFactor ?? MAX_READ_WORK_FACTOR, { field: 'maxWorkFactor', min: 0, max: 63 });
    const binding: SnapshotBinding = {
      path, version: 3, readOnly: options.readOnly === true, workFactor, maxWorkFactor, onProgress: options.onProgress,
      key: null, session: null, lock: null,
    };
    sh.#file = binding;
    try {
      await sh.#read(password, options.create === true, options.v2);
    } catch (e) {
      await sh.#closeFile();
      throw e;
    }
    return sh;
  }

  async #read(password: Password, create: boolean, v2?: OpenOptions['v2']): Promise<void> {
    const f = this.#file!;
    if (!f.readOnly) f.lock = await acquireSnapshotLock(f.path);
    let bytes: Uint8Array | null;
    try {
      bytes = await readSnapshotFile(f.path);
    } catch (e) {
      if (!create || !isStrongholdError(e, 'SnapshotNotFound')) throw e;
      bytes = null;
    }
    if (bytes === null) {
      f.key = GuardedBuffer.adopt(keyFrom(password));
      this.importState({ clients: [] });
      return;
    }
    const isV2 = bytes[5] === 2 && bytes[6] === 0;
    const keys = isV2 ? v2Keys(password, v2) : [keyFrom(password)];
    try {
      for (const [i, key] of keys.entries()) {
        try {
          const read = await readSnapshot(bytes, key, { maxWorkFactor: f.maxWorkFactor, keepSession: true, onProgress: f.onProgress });
          f.version = read.version;
          f.session = read.session ?? null;
          f.key = GuardedBuffer.adopt(Uint8Array.from(key));
          this.importState(read.state);
          return;
        } catch (e) {
          if (!(isStrongholdError(e, 'WrongPassword') && i < keys.length - 1)) throw e;
        }
      }
    } finally {
      wipe(...keys);
    }
  }

  /** The snapshot file this Stronghold saves to, or null for an in-memory one. */
  get path(): string | null {
    return this.#file?.path ?? null;
  }

  /** The format of the opened file: 2 until migrated, 3 otherwise. */
  get snapshotVersion(): 2 | 3 | null {
    return this.#file?.version ?? null;
  }

  #writable(): SnapshotBinding {
    this.assertUnlocked();
    const f = this.#file;
    if (!f) throw invalidArgument('path', 'a Stronghold opened from a file (this one lives in memory only; use saveAs)');
    if (f.readOnly) throw invalidArgument('readOnly', 'a Stronghold opened for writing (it was opened read-only)');
    if (f.version === 2) throw invalidArgument('password', 'a new password: a v2 snapshot is migrated with saveAs or changePassword, not saved in place');
    return f;
  }

  /** Encodes every client and writes the file atomically under `key` and its `session`. */
  async #writeTo(path: string, key: Uint8Array, session: AgeSession): Promise<void> {
    const state = this.exportState();
    try {
      await writeFileAtomic(path, await writeSnapshot(state, key, { session }));
    } finally {
      for (const c of state.clients) {
        for (const k of c.keystore) wipe(k.key);
        for (const v of c.vaults) wipe(v.key);
      }
    }
  }

  /**
   * Saves every client (loaded or not) to the snapshot file, atomically. Costs no key derivation once the
   * snapshot has a header (after the first save of a new file).
   * @throws StrongholdError `Locked`, `InvalidArgument` (in-memory, read-only or v2), `Io`
   */
  async save(): Promise<void> {
    const f = this.#writable();
    const key = f.key!.read((k) => Uint8Array.from(k));
    try {
      f.session ??= await createSnapshotSession(key, { workFactor: f.workFactor, ...(f.onProgress ? { onProgress: f.onProgress } : {}) });
      await this.#writeTo(f.path, key, f.session);
    } finally {
      wipe(key);
    }
    this.markSaved();
  }

  /**
   * Writes a copy of the snapshot to another file under another password (a backup), with a fresh header.
   * This Stronghold keeps its own file and password. Also how a v2 snapshot is migrated to v3.
   */
  async saveAs(path: string, password: Password, options: { workFactor?: number } = {}): Promise<void> {
    this.assertUnlocked();
    if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path', 'a non-empty file path');
    const workFactor = assertInt(options.workFactor ?? this.#file?.workFactor ?? DEFAULT_WORK_FACTOR, { field: 'workFactor', min: 0, max: 63 });
    const key = keyFrom(password);
    const ownLock = this.#file?.lock && this.#file.path === path;
    const lock = ownLock ? null : await acquireSnapshotLock(path);
    let session: AgeSession | null = null;
    try {
      session = await createSnapshotSession(key, { workFactor, ...(this.#file?.onProgress ? { onProgress: this.#file.onProgress } : {}) });
      await this.#writeTo(path, key, session);
    } finally {
      wipe(key);
      session?.destroy();
      await lock?.release();
    }
  }

  /**
   * Re-encrypts the snapshot file under a new password (a new key derivation and header) and saves.
   * For a v2 snapshot this writes v3 in place: the migration.
   */
  async changePassword(newPassword: Password, options: { workFactor?: number } = {}): Promise<void> {
    this.assertUnlocked();
    const f = this.#file;
    if (!f) throw invalidArgument('path', 'a Stronghold opened from a file');
    if (f.readOnly) throw invalidArgument('readOnly', 'a Stronghold opened for writing (it was opened read-only)');
    const workFactor = assertInt(options.workFactor ?? f.workFactor, { field: 'workFactor', min: 0, max: 63 });
    const key = keyFrom(newPassword, 'newPassword');
    let session: AgeSession | null = null;
    try {
      session = await createSnapshotSession(key, { workFactor, ...(f.onProgress ? { onProgress: f.onProgress } : {}) });
      await this.#writeTo(f.path, key, session);
    } catch (e) {
      wipe(key);
      session?.destroy();
      throw e;
    }
    f.session?.destroy();
    f.key?.free();
    f.key = GuardedBuffer.adopt(key);
    f.session = session;
    f.version = 3;
    f.workFactor = workFactor;
    this.markSaved();
  }

  /**
   * Saves pending changes, then wipes every key and all decrypted state and releases the writer lock.
   * Every later call fails with `Locked` until `unlock`.
   */
  async lock(): Promise<void> {
    if (this.#locked) return;
    const f = this.#file;
    if (!f) throw invalidArgument('path', 'a Stronghold opened from a file (an in-memory one would lose everything)');
    if (this.hasUnsavedChanges && !f.readOnly) await this.save();
    this.wipeAndLock();
    await this.#closeFile(false);
  }

  /** Opens the snapshot file again with its password after `lock`. */
  async unlock(password: Password): Promise<void> {
    const f = this.#file;
    if (!f) throw invalidArgument('path', 'a Stronghold opened from a file');
    if (!this.#locked) return;
    try {
      await this.#read(password, false);
    } catch (e) {
      await this.#closeFile(false);
      throw e;
    }
  }

  /** Wipes everything and releases the file lock, discarding unsaved changes. The object is unusable after. */
  async close(): Promise<void> {
    this.wipeAndLock();
    await this.#closeFile();
    await this.runner.close?.();
  }

  async #closeFile(forget = true): Promise<void> {
    const f = this.#file;
    if (!f) return;
    f.session?.destroy();
    f.session = null;
    f.key?.free();
    f.key = null;
    await f.lock?.release();
    f.lock = null;
    if (forget) this.#file = null;
  }

  get isLocked(): boolean {
    return this.#locked;
  }

  /** True when something changed since the last open or save. */
  get hasUnsavedChanges(): boolean {
    return this.#dirty;
  }

  protected assertUnlocked(): void {
    if (this.#locked) throw new StrongholdError('Locked', 'the Stronghold is locked; unlock it with its password first', {});
  }

  #dbFor(client: Client): ClientDb {
    this.assertUnlocked();
    const hex = hexOf(client.id);
    const db = this.#loaded.get(hex) === client ? this.#dbs.get(hex) : undefined;
    if (!db) throw new StrongholdError('ClientNotFound', `client '${client.name}' is not loaded; load it again with loadClient`, { client: client.name });
    return db;
  }

  /**
   * Creates a new, empty client. Unlike Rust, this never silently replaces a client: a loaded one gives
   * ClientAlreadyLoaded, and one that only the snapshot holds must be loaded or purged first.
   */
  createClient(path: Path): Client {
    this.assertUnlocked();
    const bytes = toPathBytes(path, 'client');
    const id = clientId(bytes);
    const hex = hexOf(id);
    const name = describePath(bytes);
    if (this.#loaded.has(hex)) throw new StrongholdError('ClientAlreadyLoaded', `client '${name}' is already loaded`, { client: name });
    if (this.#dbs.has(hex)) {
      throw new StrongholdError('ClientAlreadyLoaded', `the snapshot already has client '${name}'; use loadClient, or purgeClient to replace it`, { client: name });
    }
    this.#dbs.set(hex, new ClientDb(id, this.now));
    this.#dirty = true;
    return this.#attach(hex, bytes, id);
  }

  #attach(hex: string, path: Uint8Array, id: Uint8Array): Client {
    const client = new Client(this.#host, path, id);
    this.#loaded.set(hex, client);
    return client;
  }

  /** A client that is already loaded or created. */
  getClient(path: Path): Client {
    this.assertUnlocked();
    const bytes = toPathBytes(path, 'client');
    const client = this.#loaded.get(hexOf(clientId(bytes)));
    if (!client) throw new StrongholdError('ClientNotFound', `client '${describePath(bytes)}' is not loaded; use loadClient or createClient`, { client: describePath(bytes) });
    return client;
  }

  /** Makes a client of the snapshot reachable. */
  loadClient(path: Path): Client {
    this.assertUnlocked();
    const bytes = toPathBytes(path, 'client');
    const id = clientId(bytes);
    const hex = hexOf(id);
    const name = describePath(bytes);
    if (this.#loaded.has(hex)) throw new StrongholdError('ClientAlreadyLoaded', `client '${name}' is already loaded`, { client: name });
    if (!this.#dbs.has(hex)) throw new StrongholdError('ClientNotFound', `the snapshot has no client '${name}'`, { client: name });
    return this.#attach(hex, bytes, id);
  }

  /** True if the snapshot or this session has the client, loaded or not. */
  hasClient(path: Path): boolean {
    this.assertUnlocked();
    return this.#dbs.has(hexOf(clientId(toPathBytes(path, 'client'))));
  }

  /** Client ids (hex) in memory, with whether each is loaded. Paths are not stored in snapshots, only ids. */
  listClients(): { id: string; loaded: boolean }[] {
    this.assertUnlocked();
    return [...this.#dbs.keys()].map((id) => ({ id, loaded: this.#loaded.has(id) }));
  }

  /** Makes a client unreachable; its state stays in memory and is saved with the snapshot. */
  unloadClient(path: Path): void {
    const client = this.getClient(path);
    this.#loaded.delete(hexOf(client.id));
  }

  /** Removes a client and wipes its state; the next save drops it from the file. */
  purgeClient(path: Path): void {
    this.assertUnlocked();
    const bytes = toPathBytes(path, 'client');
    const hex = hexOf(clientId(bytes));
    const db = this.#dbs.get(hex);
    if (!db) throw new StrongholdError('ClientNotFound', `there is no client '${describePath(bytes)}'`, { client: describePath(bytes) });
    db.clear();
    this.#dbs.delete(hex);
    this.#loaded.delete(hex);
    this.#dirty = true;
  }

  /** The engine state of one client by id, for layers below the API (snapshot, sync). @internal */
  clientDb(id: Uint8Array): ClientDb | undefined {
    this.assertUnlocked();
    return this.#dbs.get(hexOf(id));
  }

  /** The persisted form of every client. Vault keys come out in clear: the caller wipes them. @internal */
  protected exportState(): SnapshotState {
    return { clients: [...this.#dbs.values()].map((db) => db.exportState()) };
  }

  /** Replaces all clients by those of `state` (wiping its plaintext keys). @internal */
  protected importState(state: SnapshotState): void {
    const dbs = new Map<string, ClientDb>();
    try {
      for (const c of state.clients) dbs.set(hexOf(c.id), ClientDb.importState(c, this.now));
    } catch (e) {
      for (const db of dbs.values()) db.clear();
      throw e;
    }
    this.#clearClients();
    this.#dbs = dbs;
    this.#locked = false;
    this.#dirty = false;
  }

  protected markSaved(): void {
    this.#dirty = false;
  }

  #clearClients(): void {
    for (const db of this.#dbs.values()) db.clear();
    this.#dbs.clear();
    this.#loaded.clear();
  }

  /** Wipes every client and the session store; later calls fail with Locked until unlocked. */
  protected wipeAndLock(): void {
    this.#clearClients();
    this.store.clear();
    this.#locked = true;
  }
}
