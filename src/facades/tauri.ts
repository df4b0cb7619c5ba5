/**
 * `stronghold-ts/tauri`: the JavaScript API of `@tauri-apps/plugin-stronghold` (2.x), running in-process
 * on this library instead of over Tauri IPC to the Rust plugin. Change the import line and the plugin's code runs:
 * without `configure`, `load` hashes the password as the plugin's documented set-up does
 * (`Builder::with_argon2(salt_path)`, Argon2id with a `salt.txt` beside the snapshot, where the Tauri guide's app
 * data folder puts it). `configure({ argon2: { saltPath } })` points at another salt file and
 * `configure({ passwordHash })` replaces `Builder::new(|password| ...)`. The hash is the raw 32-byte snapshot key,
 * as the plugin's `KeyProvider::try_from(hash)`, so snapshot files the plugin wrote open unchanged.
 *
 * Same classes, methods, argument order and return types as the plugin. Differences, all additive or fixes:
 * - Rejections are `TauriStrongholdError`s: a `StrongholdError` with a stable `code` and `details` that also
 *   behaves like the plugin's string rejections (`String(e)` is the message, `e.includes(...)` works).
 * - Byte arguments (`Vault.insert` secret, `Store.insert` value, `signEd25519` message) also take a `Uint8Array`;
 *   `signEd25519` signs bytes as they are (the plugin signs only the UTF-8 of a string). Store keys may be bytes
 *   (the plugin's Rust side takes a `String` key only).
 * - `deriveSLIP10` also takes `"44'"`-style chain segments. A non-hardened Ed25519 segment is `InvalidArgument`
 *   (Stronghold 2 fails too, with an untyped error).
 * - `recoverBIP39` validates the mnemonic (word list and checksum); Stronghold 2.0 stores the seed of any text.
 * - `generateSLIP10Seed` accepts 16..64 bytes (the BIP-32 bounds); Stronghold does not check.
 * - `createClient` refuses to replace a client that exists (`ClientAlreadyLoaded`); Rust replaces it silently.
 *   `loadClient` on a client already loaded returns it instead of failing, so the documented
 *   `try { loadClient } catch { createClient }` pattern works on every call.
 * - `Vault.remove` also accepts a counter location (the plugin reads `payload.record` only).
 * - `save` costs no key derivation after the first one (the plugin re-runs scrypt on every save).
 * - A second `load` of the same path replaces the first instance without saving it, as in the plugin; it also
 *   releases the file lock the first one held. A `load` that fails (a wrong password) leaves the loaded one as it was.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertBytes } from '../assert.js';
import { Stronghold as CoreStronghold, type OpenOptions } from '../client/stronghold.js';
import type { Client as CoreClient } from '../client/client.js';
import { Location as CoreLocation } from '../engine/location.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { bip39Generate } from '../procedures/bip39-generate.js';
import { bip39Recover } from '../procedures/bip39-recover.js';
import { ed25519Sign } from '../procedures/ed25519-sign.js';
import { publicKey } from '../procedures/public-key.js';
import { slip10Derive } from '../procedures/slip10-derive.js';
import { slip10Generate } from '../procedures/slip10-generate.js';
import { pluginCall } from './tauri-error.js';
import { durationMs, EMPTY, Location, toBytesDto, toCoreLocation, toPath, toSecret, type BytesDto } from './tauri-shared.js';
import { tauriArgon2Key, type Argon2Implementation } from './tauri-kdf.js';
import type { ClientPath, Duration, RecordPath, StoreKey, VaultPath } from './tauri-types.js';

export { isStrongholdError, StrongholdError, type ErrorCode, type ErrorDetails } from '../errors.js';
export { TauriStrongholdError } from './tauri-error.js';
export { Location } from './tauri-shared.js';
export { argon2id, readOrCreateSalt, tauriArgon2Key, TAURI_ARGON2_PARAMS } from './tauri-kdf.js';
export type {
  AddressInfo, ClientAccess, ClientPath, ConnectionLimits, Duration, NetworkConfig, PeerAddress, Permissions, RecordPath, StoreKey, VaultPath,
} from './tauri-types.js';

/** The salt file the Tauri guide's `Builder::with_argon2` set-up uses, in the folder of the snapshot here. */
export const DEFAULT_SALT_FILE = 'salt.txt';

/** How `load` turns a password into the 32-byte snapshot key: one of the plugin's two Builder set-ups. */
export interface KeyDerivationOptions {
  /** `Builder::new(|password| ...)`: must return exactly 32 bytes. */
  passwordHash?: (password: string) => Uint8Array | number[] | Promise<Uint8Array | number[]>;
  /** `Builder::with_argon2(saltPath)`: Argon2id with the application's salt file, created on first use. The default, with `salt.txt` beside the snapshot. */
  argon2?: { saltPath: string; implementation?: Argon2Implementation };
}

/** Options for `load`: the key derivation, and this library's snapshot options. */
export interface LoadOptions extends KeyDerivationOptions, Pick<OpenOptions, 'workFactor' | 'maxWorkFactor' | 'onProgress' | 'provider'> {}

let defaults: LoadOptions = {};

/**
 * Sets the options every `Stronghold.load` uses unless it passes its own: the Rust `Builder`, once at start-up.
 * Optional: without it, or after `configure({})`, `load` uses Argon2id with `salt.txt` beside the snapshot.
 */
export function configure(options: LoadOptions): void {
  if (options === null || typeof options !== 'object') throw invalidArgument('options', 'a LoadOptions object ({} restores the default)');
  defaults = { ...options };
}

/** A loaded snapshot, and a tag of its key: an HMAC under a per-process random key, so no second key copy is kept. */
interface Loaded {
  sh: CoreStronghold;
  keyTag: Buffer;
}

/** Open snapshots by absolute path, as the plugin's host keeps them; handles find their Stronghold here. */
const instances = new Map<string, Loaded>();
const TAG_KEY = randomBytes(32);
const keyTag = (key: Uint8Array): Buffer => createHmac('sha256', TAG_KEY).update(key).digest();

function instance(path: string): CoreStronghold {
  const loaded = instances.get(path);
  if (!loaded) throw invalidArgument('snapshotPath', `a loaded Stronghold (${path} was unloaded or never loaded)`);
  return loaded.sh;
}

/**
 * The procedures of a vault, as the plugin's `ProcedureExecutor`. Every method resolves to bytes (empty when the
 * procedure returns nothing). `procedureArgs` is public as in the plugin, which sends it with every procedure:
 * `{ snapshotPath, client, vault }`.
 */
class ProcedureExecutor {
  procedureArgs: Record<string, unknown>;

  constructor(procedureArgs: Record<string, unknown>) {
    this.procedureArgs = procedureArgs;
  }

  protected coreClient(): CoreClient {
    const { snapshotPath, client } = this.procedureArgs;
    if (typeof snapshotPath !== 'string') throw invalidArgument('procedureArgs.snapshotPath', 'the path of a loaded Stronghold');
    return resolveClient(snapshotPath, client);
  }

  /** Stores `sizeBytes` (default 64) random bytes at `outputLocation`. */
  generateSLIP10Seed(outputLocation: Location, sizeBytes?: number): Promise<Uint8Array> {
    return pluginCall(async () => {
      await this.coreClient().execute(slip10Generate({ output: toCoreLocation(outputLocation, 'outputLocation'), ...(sizeBytes === undefined ? {} : { sizeBytes }) }));
      return EMPTY();
    });
  }

  /** SLIP-10 Ed25519 derivation along `chain` (hardened indices); stores `sk || cc`, returns the 32-byte chain code. */
  deriveSLIP10(chain: (number | string)[], source: 'Seed' | 'Key', sourceLocation: Location, outputLocation: Location): Promise<Uint8Array> {
    return pluginCall(async () => {
      const from = toCoreLocation(sourceLocation, 'sourceLocation');
      if (source !== 'Seed' && source !== 'Key') throw invalidArgument('source', '"Seed" or "Key"');
      return this.coreClient().execute(slip10Derive({
        curve: 'ed25519', chain, input: source === 'Seed' ? { seed: from } : { key: from }, output: toCoreLocation(outputLocation, 'outputLocation'),
      }));
    });
  }

  /** Stores the BIP-39 seed of `mnemonic` (validated) at `outputLocation`. */
  recoverBIP39(mnemonic: string | Uint8Array, outputLocation: Location, passphrase?: string | Uint8Array): Promise<Uint8Array> {
    return pluginCall(async () => {
      await this.coreClient().execute(bip39Recover({ mnemonic, output: toCoreLocation(outputLocation, 'outputLocation'), ...(passphrase === undefined ? {} : { passphrase }) }));
      return EMPTY();
    });
  }

  /** Generates a 24-word English mnemonic, stores its seed at `outputLocation`, resolves to the mnemonic as UTF-8 bytes. */
  generateBIP39(outputLocation: Location, passphrase?: string | Uint8Array): Promise<Uint8Array> {
    return pluginCall(async () => this.coreClient().execute(bip39Generate({ output: toCoreLocation(outputLocation, 'outputLocation'), ...(passphrase === undefined ? {} : { passphrase }) })));
  }

  /** The 32-byte Ed25519 public key of the key at `privateKeyLocation`. */
  getEd25519PublicKey(privateKeyLocation: Location): Promise<Uint8Array> {
    return pluginCall(async () => this.coreClient().execute(publicKey({ keyType: 'ed25519', privateKey: toCoreLocation(privateKeyLocation, 'privateKeyLocation') })));
  }

  /** Signs `msg` (a string is signed as its UTF-8 bytes, as the plugin does; bytes as they are). */
  signEd25519(privateKeyLocation: Location, msg: string | Uint8Array): Promise<Uint8Array> {
    return pluginCall(async () => {
      const bytes = typeof msg === 'string' ? new TextEncoder().encode(msg) : assertBytes(msg, { field: 'msg' });
      return this.coreClient().execute(ed25519Sign({ privateKey: toCoreLocation(privateKeyLocation, 'privateKeyLocation'), msg: bytes }));
    });
  }
}

function resolveClient(snapshotPath: string, name: unknown): CoreClient {
  const sh = instance(snapshotPath);
  const path = toPath(name, 'client');
  try {
    return sh.getClient(path);
  } catch (e) {
    if (!isStrongholdError(e, 'ClientNotFound')) throw e;
    return sh.loadClient(path);
  }
}

/** A client of a loaded snapshot. Handles are cheap; every call finds the client by snapshot path and name. */
export class Client {
  path: string;
  name: BytesDto;

  constructor(path: string, name: ClientPath) {
    this.path = path;
    this.name = toBytesDto(name);
  }

  getVault(name: VaultPath): Vault {
    return new Vault(this.path, this.name, name);
  }

  getStore(): Store {
    return new Store(this.path, this.name);
  }
}

/** The client's persisted key/value store (readable: for non-secret data). */
export class Store {
  path: string;
  client: BytesDto;

  constructor(path: string, client: ClientPath) {
    this.path = path;
    this.client = toBytesDto(client);
  }

  #store() {
    return resolveClient(this.path, this.client).store;
  }

  get(key: StoreKey): Promise<Uint8Array | null> {
    return pluginCall(async () => this.#store().get(toPath(key, 'key')));
  }

  /** Inserts `value`; with `lifetime` the entry expires after that long. */
  insert(key: StoreKey, value: number[] | Uint8Array, lifetime?: Duration): Promise<void> {
    return pluginCall(async () => {
      const bytes = toSecret(value, 'value');
      try {
        this.#store().insert(toPath(key, 'key'), bytes, lifetime === undefined ? undefined : { ttlMs: durationMs(lifetime) });
      } finally {
        wipe(bytes);
      }
    });
  }

  remove(key: StoreKey): Promise<Uint8Array | null> {
    return pluginCall(async () => this.#store().delete(toPath(key, 'key')));
  }
}

/** A vault: write-only records, used through the procedures. */
export class Vault extends ProcedureExecutor {
  path: string;
  client: BytesDto;
  name: BytesDto;

  constructor(path: string, client: ClientPath, name: VaultPath) {
    super({ snapshotPath: path, client: toBytesDto(client), vault: toBytesDto(name) });
    this.path = path;
    this.client = toBytesDto(client);
    this.name = toBytesDto(name);
  }

  /** Writes `secret` to record `recordPath` of this vault. A Uint8Array argument is left for the caller to wipe. */
  insert(recordPath: RecordPath, secret: number[] | Uint8Array): Promise<void> {
    return pluginCall(async () => {
      const bytes = toSecret(secret, 'secret');
      try {
        this.coreClient().writeSecret(CoreLocation.generic(toPath(this.name, 'vault'), toPath(recordPath, 'recordPath')), bytes);
      } finally {
        wipe(bytes);
      }
    });
  }

  /**
   * Removes the record `location` names, in this vault (as the plugin: the location's vault is ignored). A record
   * or vault that does not exist is not an error, as in the plugin (Stronghold's revoke of a missing record is a no-op).
   */
  remove(location: Location): Promise<void> {
    return pluginCall(async () => {
      const payload = (location as { payload?: Record<string, unknown> } | null)?.payload;
      const vault = toPath(this.name, 'vault');
      const loc = (location as { type?: unknown })?.type === 'Counter'
        ? CoreLocation.counter(vault, payload?.counter as number)
        : CoreLocation.generic(vault, toPath(payload?.record, 'location.record'));
      try {
        this.coreClient().deleteSecret(loc);
      } catch (e) {
        if (!isStrongholdError(e, 'RecordNotFound') && !isStrongholdError(e, 'VaultNotFound')) throw e;
      }
    });
  }
}

/** An open snapshot file. */
export class Stronghold {
  path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Opens the snapshot at `path` with `password` hashed as configured (by default Argon2id with `salt.txt` beside
   * the snapshot), or starts an empty one (nothing is written until `save`). `options` (an addition) override those
   * of `configure` field by field. A path that is already loaded is replaced by a fresh load of the file, without
   * saving, as the plugin does; if this load fails, the loaded instance stays as it was, unsaved changes included.
   * @throws TauriStrongholdError `InvalidArgument` (a hash that is not 32 bytes), `WrongPassword`, `SnapshotLocked`,
   *   and the other errors of the core `Stronghold.open`
   */
  static load(path: string, password: string, options: LoadOptions = {}): Promise<Stronghold> {
    return pluginCall(async () => {
      if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path', 'a non-empty file path');
      if (typeof password !== 'string') throw invalidArgument('password', 'a string');
      const o: LoadOptions = { ...defaults, ...options };
      const abs = resolve(path);
      const key = await deriveKey(password, o, abs);
      try {
        const tag = keyTag(key);
        const previous = instances.get(abs);
        if (previous) {
          // The file on disk was read or written under the loaded instance's key, and its lock keeps other writers
          // out, so a different key cannot open it: refuse now instead of closing the instance first.
          if (!timingSafeEqual(tag, previous.keyTag) && await exists(abs)) {
            throw new StrongholdError('WrongPassword', `wrong password for ${abs}; the Stronghold already loaded from it is kept`, {});
          }
          instances.delete(abs);
          await previous.sh.close();
        }
        const sh = await CoreStronghold.open(abs, { key }, {
          create: true,
          ...(o.workFactor === undefined ? {} : { workFactor: o.workFactor }),
          ...(o.maxWorkFactor === undefined ? {} : { maxWorkFactor: o.maxWorkFactor }),
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
          ...(o.provider ? { provider: o.provider } : {}),
        });
        instances.set(abs, { sh, keyTag: tag });
      } finally {
        wipe(key);
      }
      return new Stronghold(abs);
    });
  }

  /** Saves, then forgets this snapshot (its handles stop working). If the save fails the instance stays loaded. */
  unload(): Promise<void> {
    return pluginCall(async () => {
      const sh = instance(this.path);
      await sh.save();
      instances.delete(this.path);
      await sh.close();
    });
  }

  /** Makes a client of the snapshot usable. */
  loadClient(client: ClientPath): Promise<Client> {
    return pluginCall(async () => {
      const sh = instance(this.path);
      try {
        sh.loadClient(toPath(toBytesDto(client), 'client'));
      } catch (e) {
        if (!isStrongholdError(e, 'ClientAlreadyLoaded')) throw e;
      }
      return new Client(this.path, client);
    });
  }

  /** Creates an empty client. */
  createClient(client: ClientPath): Promise<Client> {
    return pluginCall(async () => {
      instance(this.path).createClient(toPath(toBytesDto(client), 'client'));
      return new Client(this.path, client);
    });
  }

  /** Writes the snapshot file atomically. */
  save(): Promise<void> {
    return pluginCall(async () => {
      await instance(this.path).save();
    });
  }
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

async function deriveKey(password: string, o: KeyDerivationOptions, snapshotPath: string): Promise<Uint8Array> {
  if (o.passwordHash !== undefined) {
    if (typeof o.passwordHash !== 'function') throw invalidArgument('passwordHash', 'a function (password) => 32 bytes');
    const out = await o.passwordHash(password);
    const key = toSecret(out, 'passwordHash');
    if (out instanceof Uint8Array) wipe(out);
    if (key.length !== 32) {
      wipe(key);
      throw invalidArgument('passwordHash', `32 bytes (the snapshot key), got ${key.length}`);
    }
    return key;
  }
  if (o.argon2 !== undefined) return tauriArgon2Key(password, o.argon2.saltPath, o.argon2.implementation);
  return tauriArgon2Key(password, join(dirname(snapshotPath), DEFAULT_SALT_FILE));
}
