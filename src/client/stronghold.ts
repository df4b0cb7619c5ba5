/**
 * `Stronghold`: the root object. It holds clients by path, a session store that is never persisted, and,
 * when opened from a file, the snapshot it saves to. Every client of the snapshot is decrypted into the
 * engine's sealed form at open; "loading" a client only makes it reachable.
 * @module
 */
import { describePath, toPathBytes } from '../assert.js';
import { nativeProvider } from '../crypto/native.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { ClientDb } from '../engine/db.js';
import { clientId } from '../engine/ids.js';
import type { Path } from '../engine/location.js';
import { Store } from '../engine/store.js';
import { StrongholdError } from '../errors.js';
import type { SnapshotState } from '../snapshot/state.js';
import { Client, type ClientHost } from './client.js';

const hexOf = (id: Uint8Array): string => Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex');

export interface StrongholdOptions {
  /** The crypto provider procedures use; `nativeProvider` by default. */
  provider?: CryptoProvider;
  /** Clock for store expiry, in milliseconds since the epoch. */
  now?: () => number;
}

export class Stronghold {
  readonly provider: CryptoProvider;
  /** The session store: never persisted. */
  readonly store: Store;
  protected readonly now: () => number;
  /** Every client in memory (from the snapshot or created), in snapshot order. */
  #dbs = new Map<string, ClientDb>();
  /** Clients reachable through the API. */
  readonly #loaded = new Map<string, Client>();
  #locked = false;
  #dirty = false;
  readonly #host: ClientHost;

  constructor(options: StrongholdOptions = {}) {
    this.provider = options.provider ?? nativeProvider;
    this.now = options.now ?? Date.now;
    this.store = new Store(this.now);
    const self = this;
    this.#host = {
      get provider() {
        return self.provider;
      },
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
