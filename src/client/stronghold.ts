/**
 * `Stronghold`: the root object. It holds clients by path, a session store that is never persisted, and,
 * when opened from a file, the snapshot it saves to. Every client of the snapshot is decrypted into the
 * engine's sealed form at open; "loading" a client only makes it reachable.
 *
 * Saving reuses the unlocked snapshot's age header and file key (an `AgeSession`), so a save costs no
 * scrypt; only opening, unlocking and changing the password pay the key derivation.
 * @module
 */
import { describePath, toHex, toPathBytes } from '../assert.js';
import { defaultProvider } from '../crypto/default.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { ClientDb } from '../engine/db.js';
import { clientId } from '../engine/ids.js';
import type { Path } from '../engine/location.js';
import { Store } from '../engine/store.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import type { SnapshotState } from '../snapshot/state.js';
import type { SnapshotStorage } from '../snapshot/storage.js';
import type { Location } from '../engine/location.js';
import type { AccessRules } from '../engine/policy.js';
import { randomOf } from '../exec/chain.js';
import { checkProvider, checkRunner, inlineRunner, type ProcedureRunner } from '../exec/runner.js';
import { Client, type ClientHost } from './client.js';
import { SnapshotFile, type FileOptions, type Password } from './snapshot-file.js';

export type { Password } from './snapshot-file.js';

const hexOf = toHex;

/**
 * The client that holds the Stronghold's p2p identity (src/p2p/identity.ts). The API never loads or creates it, so
 * no caller can read, overwrite or replace the identity with bytes it knows; only the internal identity use reaches it.
 */
export const IDENTITY_CLIENT = 'stronghold-p2p';
const IDENTITY_ID = hexOf(clientId(new TextEncoder().encode(IDENTITY_CLIENT)));

export interface StrongholdOptions {
  /** The crypto provider procedures use: `nativeProvider` (the default) or `nobleProvider`. */
  provider?: CryptoProvider;
  /** Clock for store expiry, in milliseconds since the epoch. */
  now?: () => number;
  /**
   * Where procedures run: inline in this process by default, or `processZone()` for the secure zone, a separate
   * process under Node's permission model (SECURITY.md). Only runners this package makes are accepted.
   */
  runner?: ProcedureRunner;
}

export interface OpenOptions extends StrongholdOptions, FileOptions {}

/** One client as `inventory()` lists it: ids in lowercase hex, never contents. */
export interface ClientInventory {
  id: string;
  vaults: { id: string; records: { id: string; hint: Uint8Array; length: number }[]; revoked: number }[];
  storeKeys: Uint8Array[];
}

/** Set by Stronghold's static block: the one way below the API to a client's engine. */
let engineOf: (sh: Stronghold, id: Uint8Array, create?: boolean) => ClientDb | undefined;

export class Stronghold {
  readonly provider: CryptoProvider;
  readonly runner: ProcedureRunner;
  /** The session store: never persisted. */
  readonly store: Store;
  readonly #now: () => number;
  /** Every client in memory (from the snapshot or created), in snapshot order. */
  #dbs = new Map<string, ClientDb>();
  /** Clients reachable through the API. */
  readonly #loaded = new Map<string, Client>();
  #locked = false;
  /** Set when clients were created or purged since the last open or save. */
  #dirty = false;
  /** Each client's change count at the last open or save. */
  #saved = new Map<string, number>();
  #file: SnapshotFile | null = null;
  readonly #host: ClientHost;

  constructor(options: StrongholdOptions = {}) {
    this.provider = checkProvider(options.provider ?? defaultProvider);
    this.runner = options.runner === undefined ? inlineRunner(this.provider) : checkRunner(options.runner);
    this.#now = options.now ?? Date.now;
    this.store = new Store(this.#now);
    this.#host = {
      runner: this.runner,
      dbFor: (client) => this.#dbFor(client),
      random: randomOf(this.provider),
    };
  }

  /** An empty Stronghold that lives in memory only. */
  static create(options: StrongholdOptions = {}): Stronghold {
    return new Stronghold(options);
  }

  /**
   * Opens a snapshot file (v3, or v2 read for migration). Takes the writer lock unless `readOnly`.
   * A failed open changes nothing on disk. `path` names the snapshot in `options.storage`: a file path with the
   * default file storage, an entry name with another adapter (src/snapshot/storage.ts, src/browser/storage.ts).
   * @throws StrongholdError `SnapshotNotFound`, `Io`, `NotASnapshot`, `UnsupportedVersion`, `Truncated`, `CorruptHeader`,
   *   `WorkFactorTooHigh`, `WrongPassword`, `CorruptPayload`, `DecompressionLimit`, `SnapshotLocked`, `InvalidArgument`
   * @example const sh = await Stronghold.open('wallet.stronghold', password, { create: true })
   */
  static async open(path: string, password: Password, options: OpenOptions = {}): Promise<Stronghold> {
    const file = new SnapshotFile(path, options);
    const sh = new Stronghold(options);
    sh.#file = file;
    await sh.#load(password, options.create === true);
    return sh;
  }

  async #load(password: Password, create: boolean): Promise<void> {
    const file = this.#file!;
    const state = await file.read(password, create);
    try {
      this.#importState(state ?? { clients: [] });
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  /** The snapshot file this Stronghold saves to, or null for an in-memory one. */
  get path(): string | null {
    return this.#file?.path ?? null;
  }

  /** The storage the snapshot file lives in, or null for an in-memory Stronghold. */
  get storage(): SnapshotStorage | null {
    return this.#file?.storage ?? null;
  }

  /** The format of the opened file: 2 until migrated, 3 otherwise. */
  get snapshotVersion(): 2 | 3 | null {
    return this.#file?.version ?? null;
  }

  #boundFile(): SnapshotFile {
    this.#assertUnlocked();
    if (!this.#file) throw invalidArgument('path', 'a Stronghold opened from a file (this one lives in memory only; use saveAs)');
    return this.#file;
  }

  /**
   * Saves every client (loaded or not) to the snapshot file, atomically. Costs no key derivation once the
   * snapshot has a header (after the first save of a new file).
   * @throws StrongholdError `Locked`, `InvalidArgument` (in-memory, read-only or v2), `Io`
   */
  async save(): Promise<void> {
    await this.#boundFile().save(this.#exportState());
    this.#markSaved();
  }

  /**
   * Writes a copy of the snapshot to another file under another password (a backup), with a fresh header.
   * This Stronghold keeps its own file and password. Also how a v2 snapshot is migrated to v3. The copy goes to the
   * storage this Stronghold was opened from; an in-memory one writes to `options.storage` (default: files).
   */
  async saveAs(path: string, password: Password, options: { workFactor?: number; storage?: SnapshotStorage } = {}): Promise<void> {
    this.#assertUnlocked();
    const file = this.#file ?? new SnapshotFile(path, { readOnly: true, ...(options.storage ? { storage: options.storage } : {}) });
    await file.saveAs(path, password, options.workFactor, this.#exportState());
  }

  /**
   * Re-encrypts the snapshot file under a new password (a new key derivation and header) and saves.
   * For a v2 snapshot this writes v3 in place: the migration.
   */
  async changePassword(newPassword: Password, options: { workFactor?: number } = {}): Promise<void> {
    await this.#boundFile().changePassword(newPassword, options.workFactor, this.#exportState());
    this.#markSaved();
  }

  /**
   * Saves pending changes, then wipes every key and all decrypted state and releases the writer lock.
   * Every later call fails with `Locked` until `unlock`.
   */
  async lock(): Promise<void> {
    if (this.#locked) return;
    const file = this.#boundFile();
    if (this.hasUnsavedChanges && !file.readOnly) await this.save();
    this.#wipeAndLock();
    await file.close();
  }

  /** Opens the snapshot file again with its password after `lock`. */
  async unlock(password: Password): Promise<void> {
    if (!this.#file) throw invalidArgument('path', 'a Stronghold opened from a file');
    if (this.#locked) await this.#load(password, false);
  }

  /** Wipes everything and releases the file lock, discarding unsaved changes. The object is unusable after. */
  async close(): Promise<void> {
    this.#wipeAndLock();
    await this.#file?.close();
    this.#file = null;
    await this.runner.close?.();
  }

  get isLocked(): boolean {
    return this.#locked;
  }

  /** True when something changed since the last open or save. */
  get hasUnsavedChanges(): boolean {
    if (this.#dirty) return true;
    for (const [id, db] of this.#dbs) if (this.#saved.get(id) !== db.changes) return true;
    return false;
  }

  #markSaved(): void {
    this.#dirty = false;
    this.#saved = new Map([...this.#dbs].map(([id, db]) => [id, db.changes]));
  }

  #assertUnlocked(): void {
    if (this.#locked) throw new StrongholdError('Locked', 'the Stronghold is locked; unlock it with its password first', {});
  }

  #dbFor(client: Client): ClientDb {
    this.#assertUnlocked();
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
    const { bytes, id, hex, name } = this.#unloaded(path);
    if (this.#dbs.has(hex)) {
      throw new StrongholdError('ClientAlreadyLoaded', `the snapshot already has client '${name}'; use loadClient, or purgeClient to replace it`, { client: name });
    }
    this.#dbs.set(hex, new ClientDb(id, this.#now));
    this.#dirty = true;
    return this.#attach(hex, bytes, id);
  }

  /** Resolves a client path that must not be loaded yet. */
  #unloaded(path: Path): { bytes: Uint8Array; id: Uint8Array; hex: string; name: string } {
    this.#assertUnlocked();
    const bytes = toPathBytes(path, 'client');
    const id = clientId(bytes);
    const hex = hexOf(id);
    const name = describePath(bytes);
    if (hex === IDENTITY_ID) throw invalidArgument('client', `a client path other than '${IDENTITY_CLIENT}' (it holds the p2p identity, which only the p2p layer uses)`);
    if (this.#loaded.has(hex)) throw new StrongholdError('ClientAlreadyLoaded', `client '${name}' is already loaded`, { client: name });
    return { bytes, id, hex, name };
  }

  #attach(hex: string, path: Uint8Array, id: Uint8Array): Client {
    const client = new Client(this.#host, path, id);
    this.#loaded.set(hex, client);
    return client;
  }

  /** A client that is already loaded or created. */
  getClient(path: Path): Client {
    this.#assertUnlocked();
    const bytes = toPathBytes(path, 'client');
    const client = this.#loaded.get(hexOf(clientId(bytes)));
    if (!client) throw new StrongholdError('ClientNotFound', `client '${describePath(bytes)}' is not loaded; use loadClient or createClient`, { client: describePath(bytes) });
    return client;
  }

  /** Makes a client of the snapshot reachable. */
  loadClient(path: Path): Client {
    const { bytes, id, hex, name } = this.#unloaded(path);
    if (!this.#dbs.has(hex)) throw new StrongholdError('ClientNotFound', `the snapshot has no client '${name}'`, { client: name });
    return this.#attach(hex, bytes, id);
  }

  /** True if the snapshot or this session has the client, loaded or not. */
  hasClient(path: Path): boolean {
    this.#assertUnlocked();
    return this.#dbs.has(hexOf(clientId(toPathBytes(path, 'client'))));
  }

  /** Client ids (hex) in memory, with whether each is loaded. Paths are not stored in snapshots, only ids. */
  listClients(): { id: string; loaded: boolean }[] {
    this.#assertUnlocked();
    return [...this.#dbs.keys()].map((id) => ({ id, loaded: this.#loaded.has(id) }));
  }

  /**
   * What the snapshot holds, without secrets: per client (by id; snapshots store no names) its vaults with the
   * ids, hints and lengths of their live records and the number of revoked ones, and its store keys.
   * Loaded or not. `client` restricts it to one client path.
   */
  inventory(client?: Path): ClientInventory[] {
    this.#assertUnlocked();
    const only = client === undefined ? null : hexOf(clientId(toPathBytes(client, 'client')));
    if (only !== null && !this.#dbs.has(only)) throw new StrongholdError('ClientNotFound', `there is no client '${describePath(toPathBytes(client!, 'client'))}'`, { client: describePath(toPathBytes(client!, 'client')) });
    const out: ClientInventory[] = [];
    for (const [id, db] of this.#dbs) {
      if (only !== null && id !== only) continue;
      out.push({
        id,
        vaults: db.hierarchy().map((v) => ({
          id: hexOf(v.vaultId),
          records: db.listRecords(v.vaultId, hexOf(v.vaultId)).map((r) => ({ id: hexOf(r.id), hint: r.hint, length: r.length })),
          revoked: v.records.filter((r) => r.revoked).length,
        })),
        storeKeys: db.store.keys(),
      });
    }
    return out;
  }

  /** Makes a client unreachable; its state stays in memory and is saved with the snapshot. */
  unloadClient(path: Path): void {
    const client = this.getClient(path);
    this.#loaded.delete(hexOf(client.id));
  }

  /** Removes a client and wipes its state; the next save drops it from the file. */
  purgeClient(path: Path): void {
    this.#assertUnlocked();
    const bytes = toPathBytes(path, 'client');
    const hex = hexOf(clientId(bytes));
    const db = this.#dbs.get(hex);
    if (!db) throw new StrongholdError('ClientNotFound', `there is no client '${describePath(bytes)}'`, { client: describePath(bytes) });
    db.clear();
    this.#dbs.delete(hex);
    this.#loaded.delete(hex);
    this.#dirty = true;
  }

  /** The persisted form of every client. Vault keys come out in clear: the snapshot file wipes them. */
  #exportState(): SnapshotState {
    return { clients: [...this.#dbs.values()].map((db) => db.exportState()) };
  }

  /** Replaces all clients by those of `state` (wiping its plaintext keys). */
  #importState(state: SnapshotState): void {
    const dbs = new Map<string, ClientDb>();
    try {
      for (const c of state.clients) dbs.set(hexOf(c.id), ClientDb.importState(c, this.#now));
    } catch (e) {
      for (const db of dbs.values()) db.clear();
      throw e;
    }
    this.#clearClients();
    this.#dbs = dbs;
    this.#locked = false;
    this.#markSaved();
  }

  #clearClients(): void {
    for (const db of this.#dbs.values()) db.clear();
    this.#dbs.clear();
    this.#loaded.clear();
  }

  /** Wipes every client and the session store; later calls fail with Locked until unlocked. */
  #wipeAndLock(): void {
    this.#clearClients();
    this.store.clear();
    this.#locked = true;
  }

  static {
    engineOf = (sh, id, create = false) => {
      sh.#assertUnlocked();
      const hex = hexOf(id);
      let db = sh.#dbs.get(hex);
      if (!db && create) {
        db = new ClientDb(id, sh.#now);
        sh.#dbs.set(hex, db);
        sh.#dirty = true;
      }
      return db;
    };
  }
}


type Selection = ReadonlyMap<string, ReadonlySet<string> | null>;
type ClientState = SnapshotState['clients'][number];

/** What sync sees of a client: what the engine lets a peer have, and a merge that takes only what a peer may give. */
export interface SyncEndpoint {
  /** Vault id (hex) → record id (hex) → blob id (hex) of the exportable live records of `selection`. */
  hierarchy(selection: Selection): Map<string, Map<string, string>>;
  /** Those records, sealed, with their vault keys in clear (the merge or the caller wipes them). */
  export(selection: Selection): ClientState;
  /** The vault ids (hex) the client has. */
  vaults(): string[];
  /** Vault id (hex) → record id (hex) → blob id (hex) of every record, to compare with a source. */
  records(): Map<string, Map<string, string>>;
  /** Merges records another client exported; `fromPeer` when they come from another party. */
  merge(state: ClientState, options: { replace: boolean; fromPeer: boolean }): number;
}

/** @internal The sync endpoint of client `id`, or undefined if there is no such client. */
export function syncEndpoint(sh: Stronghold, id: Uint8Array): SyncEndpoint | undefined {
  const db = engineOf(sh, id);
  if (!db) return undefined;
  return {
    hierarchy: (selection) => db.peerHierarchy(selection),
    export: (selection) => db.exportForPeer(selection),
    vaults: () => db.hierarchy().map((v) => hexOf(v.vaultId)),
    records: () => new Map(db.hierarchy().map((v) => [hexOf(v.vaultId), new Map(v.records.map((r) => [hexOf(r.id), hexOf(r.blobId)]))])),
    merge: (state, options) => db.mergeSubset(state, options),
  };
}

/**
 * @internal Uses the record at `loc` of client `id` under `rules` (an internal use such as the p2p identity,
 * which the rules' kinds confine to its own record kind), storing `create()` there first (and making the client)
 * if there is none.
 */
export function useInternal<T>(sh: Stronghold, id: Uint8Array, rules: AccessRules, loc: Location, create: () => Uint8Array, fn: (secret: Uint8Array) => T): T {
  const db = engineOf(sh, id, true);
  if (!db) throw new StrongholdError('ClientNotFound', 'the client vanished', { client: hexOf(id) });
  const tx = db.transaction(randomOf(sh.provider));
  try {
    const [read] = Object.keys(rules.reads);
    const [write] = Object.keys(rules.writes);
    if (!db.recordExists(loc)) {
      const fresh = create();
      try {
        tx.step(rules).write(write!, loc, fresh);
      } finally {
        fresh.fill(0);
      }
    }
    return tx.step(rules).use(read!, loc, fn);
  } finally {
    tx.release();
  }
}
