/**
 * `Client`: one isolated container of vaults and a store, named by a path. A thin front door over the
 * engine's `ClientDb`: it validates arguments, resolves paths to ids, and checks that the client is still
 * loaded and its Stronghold unlocked. There is no method that returns a stored secret.
 * @module
 */
import { assertBytes, describePath, toHex, toPathBytes } from '../assert.js';
import type { ClientDb, RecordInfo } from '../engine/db.js';
import { vaultId } from '../engine/ids.js';
import { Location, type Path } from '../engine/location.js';
import type { InsertOptions, Store, StoreKey } from '../engine/store.js';
import type { AccessRules } from '../engine/policy.js';
import type { ProcedureRunner, RunOptions } from '../exec/runner.js';
import type { ProcedureCall } from '../procedures/types.js';

/** Largest secret `writeSecret` accepts. Our choice: secrets are keys and seeds, not files. */
export const MAX_SECRET_BYTES = 1024 * 1024;

/** `writeSecret` writes through the gate like WriteVault: bytes of kind unknown, exportable, any procedure. */
const WRITE_SECRET: AccessRules = { procedure: 'writeSecret', internal: true, reads: {}, writes: { secret: { kind: 'unknown', exportable: true } } };

/** What a Client needs from its Stronghold: the live db (or a typed error), where chains run, randomness. */
export interface ClientHost {
  dbFor(client: Client): ClientDb;
  readonly runner: ProcedureRunner;
  random(n: number): Uint8Array;
}

/** A listed record: id as lowercase hex, hint bytes, secret length. */
export interface ListedRecord {
  id: string;
  hint: Uint8Array;
  length: number;
}

/**
 * What runs typed procedure calls (the calls a builder such as `ed25519Sign({...})` returns) and gives back
 * their typed outputs: a local `Client` and a `RemoteClient` (stronghold-ts/p2p) alike, so code written against
 * it runs on either, and the compiler checks both.
 */
export interface ProcedureClient {
  /** Runs one procedure; returns its output, typed by the builder. */
  execute<O>(call: ProcedureCall<unknown, O>): Promise<O>;
  /** Runs procedures in order, with rollback on failure; returns their outputs. */
  executeChain(calls: readonly ProcedureCall[]): Promise<unknown[]>;
}

export class Client implements ProcedureClient {
  readonly path: Uint8Array;
  readonly id: Uint8Array;
  readonly #host: ClientHost;

  /** @internal Use `Stronghold.createClient` / `loadClient` / `getClient`. */
  constructor(host: ClientHost, path: Uint8Array, id: Uint8Array) {
    this.#host = host;
    this.path = path;
    this.id = id;
  }

  /** The client path as text for messages. */
  get name(): string {
    return describePath(this.path);
  }

  get #db(): ClientDb {
    return this.#host.dbFor(this);
  }

  /** A handle on one vault of this client; creates nothing. */
  vault(path: Path): Vault {
    return new Vault(this, toPathBytes(path, 'vault'));
  }

  /** True if the vault has a key, i.e. something was written to it. */
  vaultExists(path: Path): boolean {
    return this.#db.vaultExists(vaultId(toPathBytes(path, 'vault')));
  }

  /** True if the record exists and is not revoked. */
  recordExists(location: Location): boolean {
    return this.#db.recordExists(Location.from(location));
  }

  /** Ids and hints of the live records of a vault. Never contents. */
  listRecords(vaultPath: Path): ListedRecord[] {
    const path = toPathBytes(vaultPath, 'vault');
    return this.#db.listRecords(vaultId(path), describePath(path)).map(toListed);
  }

  /** Creates or replaces the secret at `location`. The caller should wipe `secret` afterwards. */
  writeSecret(location: Location, secret: Uint8Array): void {
    const loc = Location.from(location);
    assertBytes(secret, { field: 'secret', max: MAX_SECRET_BYTES });
    const tx = this.#db.transaction(this.#host.random);
    try {
      tx.step(WRITE_SECRET).write('secret', loc, secret);
    } finally {
      tx.release();
    }
  }

  /** Marks the record revoked; it is unusable at once and removed by the next garbage collection. */
  revokeSecret(location: Location): void {
    this.#db.revoke(Location.from(location));
  }

  /** Removes revoked records from the vault; returns how many were removed. */
  garbageCollect(vaultPath: Path): number {
    const path = toPathBytes(vaultPath, 'vault');
    return this.#db.garbageCollect(vaultId(path), describePath(path));
  }

  /** Revokes the record and garbage-collects its vault. */
  deleteSecret(location: Location): void {
    const loc = Location.from(location);
    const db = this.#db;
    db.revoke(loc);
    db.garbageCollect(loc.vaultId, loc.vault);
  }

  /** The client's persisted key/value store (non-secret data). */
  get store(): ClientStore {
    return new ClientStore(() => this.#db.store);
  }

  /** Runs one procedure; returns its output. */
  async execute<O>(call: ProcedureCall<unknown, O>): Promise<O> {
    const [out] = await this.executeChain([call]);
    return out as O;
  }

  /**
   * Runs procedures in order; later ones use earlier outputs by location. If one fails, every record the
   * chain wrote is removed and the error names the failing step. `options.signal`: a chain still waiting for its
   * runner (a zone) when the signal is aborted never runs.
   */
  async executeChain(calls: readonly ProcedureCall[], options?: RunOptions): Promise<unknown[]> {
    return this.#host.runner.run(this.#db, calls, options);
  }
}

/** A vault of a client, by path. Writes go to this vault's records. */
export class Vault {
  readonly #client: Client;
  readonly path: Uint8Array;

  constructor(client: Client, path: Uint8Array) {
    this.#client = client;
    this.path = path;
  }

  location(record: Path): Location {
    return Location.generic(this.path, record);
  }

  exists(): boolean {
    return this.#client.vaultExists(this.path);
  }

  writeSecret(record: Path, secret: Uint8Array): void {
    this.#client.writeSecret(this.location(record), secret);
  }

  revokeSecret(record: Path): void {
    this.#client.revokeSecret(this.location(record));
  }

  deleteSecret(record: Path): void {
    this.#client.deleteSecret(this.location(record));
  }

  garbageCollect(): number {
    return this.#client.garbageCollect(this.path);
  }

  listRecords(): ListedRecord[] {
    return this.#client.listRecords(this.path);
  }
}

/** The persisted store of a client, checked against the client's lifecycle on every call. */
export class ClientStore {
  readonly #store: () => Store;
  constructor(store: () => Store) {
    this.#store = store;
  }

  insert(key: StoreKey, value: Uint8Array | string, options?: InsertOptions): Uint8Array | null {
    return this.#store().insert(key, value, options);
  }

  get(key: StoreKey): Uint8Array | null {
    return this.#store().get(key);
  }

  has(key: StoreKey): boolean {
    return this.#store().has(key);
  }

  delete(key: StoreKey): Uint8Array | null {
    return this.#store().delete(key);
  }

  keys(): Uint8Array[] {
    return this.#store().keys();
  }

  /** Keys of live entries with their expiry (milliseconds since the epoch, or null for never). */
  keysWithExpiry(): { key: Uint8Array; expiresAt: number | null }[] {
    return this.#store().keysWithExpiry();
  }
}

function toListed(r: RecordInfo): ListedRecord {
  return { id: toHex(r.id), hint: r.hint, length: r.length };
}
