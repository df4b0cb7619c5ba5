/**
 * `stronghold-ts/tauri` in a browser or a Tauri webview (the package's `browser` condition): the JavaScript API of
 * `@tauri-apps/plugin-stronghold` (2.x) on top of the zone worker (src/browser/handle.ts). Each loaded snapshot is
 * one dedicated Worker that holds it unlocked; these classes send it procedures and get their public results. An
 * app keeps its Stronghold code and its snapshot files (`load(path, password, { file })` stores a `.stronghold`
 * file first, `exportFile()` gives it back as a Blob).
 *
 * The same classes, methods and defaults as the Node facade (tauri.ts, whose list of differences from the plugin
 * applies), except where a browser differs:
 * - `path` names the snapshot in the origin private file system (OPFS): `app-data/vault.hold` is the file
 *   `vault.hold` in folder `app-data`. `configure({ storage: { kind: 'indexeddb' } })` uses IndexedDB instead.
 * - The default key derivation, Argon2id with `salt.txt` beside the snapshot, runs in the worker; the salt is an
 *   entry of the same storage (`argon2: { saltPath }` names another). `passwordHash` runs in the page, as the
 *   app's own function must.
 * - A second `load` of a loaded path closes the first (without saving, as the plugin) before it opens the file,
 *   since the first one's worker holds the file's lock; if the new load fails, that path is no longer loaded.
 * @module
 */
import { assertBytes } from '../assert.js';
import { StrongholdWorker, type StorageSpec, type WorkerClient, type WorkerOpenOptions } from '../browser/handle.js';
import { Location as CoreLocation } from '../engine/location.js';
import { invalidArgument, isStrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { bip39Generate } from '../procedures/bip39-generate.js';
import { bip39Recover } from '../procedures/bip39-recover.js';
import { ed25519Sign } from '../procedures/ed25519-sign.js';
import { publicKey } from '../procedures/public-key.js';
import { slip10Derive } from '../procedures/slip10-derive.js';
import { slip10Generate } from '../procedures/slip10-generate.js';
import { pluginCall } from './tauri-error.js';
import { durationMs, EMPTY, Location, toBytesDto, toCoreLocation, toPath, toSecret, type BytesDto } from './tauri-shared.js';
import type { ClientPath, Duration, RecordPath, StoreKey, VaultPath } from './tauri-types.js';

export { isStrongholdError, StrongholdError, type ErrorCode, type ErrorDetails } from '../errors.js';
export { TauriStrongholdError } from './tauri-error.js';
export { Location } from './tauri-shared.js';
export type { ClientPath, Duration, RecordPath, StoreKey, VaultPath } from './tauri-types.js';

/** The salt entry the Tauri guide's `Builder::with_argon2` set-up uses, beside the snapshot. */
export const DEFAULT_SALT_FILE = 'salt.txt';
/** `Argon2::default()` of the RustCrypto crate, as the plugin hashes (see tauri-kdf.ts). */
const ARGON2 = { memoryKiB: 19_456, passes: 2, parallelism: 1 } as const;

/** How `load` turns a password into the snapshot key, and where the snapshot lives. */
export interface LoadOptions extends Pick<WorkerOpenOptions, 'workFactor' | 'maxWorkFactor' | 'onProgress' | 'idleLockMs' | 'onIdleLock' | 'workerUrl' | 'file'> {
  /** `Builder::new(|password| ...)`: must return exactly 32 bytes. Runs in the page. */
  passwordHash?: (password: string) => Uint8Array | number[] | Promise<Uint8Array | number[]>;
  /** `Builder::with_argon2(saltPath)`: the salt entry in the snapshot's storage. Default: `salt.txt` beside the snapshot. */
  argon2?: { saltPath: string };
  /** The app's existing salt file (with `file`, its snapshot), stored as the salt entry first. */
  saltFile?: Blob;
  /** Default `{ kind: 'opfs' }`. */
  storage?: StorageSpec;
}

let defaults: LoadOptions = {};

/** Sets the options every `Stronghold.load` uses unless it passes its own (`{}` restores the defaults). */
export function configure(options: LoadOptions): void {
  if (options === null || typeof options !== 'object') throw invalidArgument('options', 'a LoadOptions object ({} restores the default)');
  defaults = { ...options };
}

/** Loaded snapshots by path: each one worker. */
const instances = new Map<string, StrongholdWorker>();

function instance(path: string): StrongholdWorker {
  const w = instances.get(path);
  if (!w) throw invalidArgument('snapshotPath', `a loaded Stronghold (${path} was unloaded or never loaded)`);
  return w;
}

/** The worker's client `name`, loaded on first use (the plugin's host loads it on demand too). */
async function clientOf(snapshotPath: string, name: unknown): Promise<WorkerClient> {
  const sh = instance(snapshotPath);
  const path = toPath(name, 'client');
  try {
    return await sh.loadClient(path);
  } catch (e) {
    if (!isStrongholdError(e, 'ClientAlreadyLoaded')) throw e;
    return sh.clientHandle(path);
  }
}

class ProcedureExecutor {
  procedureArgs: Record<string, unknown>;

  constructor(procedureArgs: Record<string, unknown>) {
    this.procedureArgs = procedureArgs;
  }

  protected coreClient(): Promise<WorkerClient> {
    const { snapshotPath, client } = this.procedureArgs;
    if (typeof snapshotPath !== 'string') return Promise.reject(invalidArgument('procedureArgs.snapshotPath', 'the path of a loaded Stronghold'));
    return clientOf(snapshotPath, client);
  }

  generateSLIP10Seed(outputLocation: Location, sizeBytes?: number): Promise<Uint8Array> {
    return pluginCall(async () => {
      const output = toCoreLocation(outputLocation, 'outputLocation');
      await (await this.coreClient()).execute(slip10Generate({ output, ...(sizeBytes === undefined ? {} : { sizeBytes }) }));
      return EMPTY();
    });
  }

  deriveSLIP10(chain: (number | string)[], source: 'Seed' | 'Key', sourceLocation: Location, outputLocation: Location): Promise<Uint8Array> {
    return pluginCall(async () => {
      const from = toCoreLocation(sourceLocation, 'sourceLocation');
      if (source !== 'Seed' && source !== 'Key') throw invalidArgument('source', '"Seed" or "Key"');
      const call = slip10Derive({ curve: 'ed25519', chain, input: source === 'Seed' ? { seed: from } : { key: from }, output: toCoreLocation(outputLocation, 'outputLocation') });
      return (await this.coreClient()).execute(call);
    });
  }

  recoverBIP39(mnemonic: string | Uint8Array, outputLocation: Location, passphrase?: string | Uint8Array): Promise<Uint8Array> {
    return pluginCall(async () => {
      const call = bip39Recover({ mnemonic, output: toCoreLocation(outputLocation, 'outputLocation'), ...(passphrase === undefined ? {} : { passphrase }) });
      await (await this.coreClient()).execute(call);
      return EMPTY();
    });
  }

  generateBIP39(outputLocation: Location, passphrase?: string | Uint8Array): Promise<Uint8Array> {
    return pluginCall(async () => {
      const call = bip39Generate({ output: toCoreLocation(outputLocation, 'outputLocation'), ...(passphrase === undefined ? {} : { passphrase }) });
      return (await this.coreClient()).execute(call);
    });
  }

  getEd25519PublicKey(privateKeyLocation: Location): Promise<Uint8Array> {
    return pluginCall(async () => (await this.coreClient()).execute(publicKey({ keyType: 'ed25519', privateKey: toCoreLocation(privateKeyLocation, 'privateKeyLocation') })));
  }

  signEd25519(privateKeyLocation: Location, msg: string | Uint8Array): Promise<Uint8Array> {
    return pluginCall(async () => {
      const bytes = typeof msg === 'string' ? new TextEncoder().encode(msg) : assertBytes(msg, { field: 'msg' });
      return (await this.coreClient()).execute(ed25519Sign({ privateKey: toCoreLocation(privateKeyLocation, 'privateKeyLocation'), msg: bytes }));
    });
  }
}

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

export class Store {
  path: string;
  client: BytesDto;

  constructor(path: string, client: ClientPath) {
    this.path = path;
    this.client = toBytesDto(client);
  }

  async #store() {
    return (await clientOf(this.path, this.client)).store;
  }

  get(key: StoreKey): Promise<Uint8Array | null> {
    return pluginCall(async () => (await this.#store()).get(toPath(key, 'key')));
  }

  insert(key: StoreKey, value: number[] | Uint8Array, lifetime?: Duration): Promise<void> {
    return pluginCall(async () => {
      const bytes = toSecret(value, 'value');
      try {
        await (await this.#store()).insert(toPath(key, 'key'), bytes, lifetime === undefined ? undefined : { ttlMs: durationMs(lifetime) });
      } finally {
        wipe(bytes);
      }
    });
  }

  remove(key: StoreKey): Promise<Uint8Array | null> {
    return pluginCall(async () => (await this.#store()).delete(toPath(key, 'key')));
  }
}

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

  /** Writes `secret` to record `recordPath` of this vault (the worker keeps it; the page's copy is wiped). */
  insert(recordPath: RecordPath, secret: number[] | Uint8Array): Promise<void> {
    return pluginCall(async () => {
      const bytes = toSecret(secret, 'secret');
      try {
        await (await this.coreClient()).writeSecret(CoreLocation.generic(toPath(this.name, 'vault'), toPath(recordPath, 'recordPath')), bytes);
      } finally {
        wipe(bytes);
      }
    });
  }

  remove(location: Location): Promise<void> {
    return pluginCall(async () => {
      const payload = (location as { payload?: Record<string, unknown> } | null)?.payload;
      const vault = toPath(this.name, 'vault');
      const loc = (location as { type?: unknown })?.type === 'Counter'
        ? CoreLocation.counter(vault, payload?.counter as number)
        : CoreLocation.generic(vault, toPath(payload?.record, 'location.record'));
      try {
        await (await this.coreClient()).deleteSecret(loc);
      } catch (e) {
        if (!isStrongholdError(e, 'RecordNotFound') && !isStrongholdError(e, 'VaultNotFound')) throw e;
      }
    });
  }
}

/** The folder part of an OPFS path, `''` at the root. */
const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '');

export class Stronghold {
  path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Opens the snapshot `path` (created empty when missing; nothing is written until `save`) in a new zone worker.
   * A path already loaded is replaced without saving, as in the plugin.
   */
  static load(path: string, password: string, options: LoadOptions = {}): Promise<Stronghold> {
    return pluginCall(async () => {
      if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path', 'a non-empty snapshot path');
      if (typeof password !== 'string') throw invalidArgument('password', 'a string');
      const o: LoadOptions = { ...defaults, ...options };
      const { passwordHash, argon2, saltFile, storage, ...rest } = o;
      const saltBytes = saltFile === undefined ? undefined : new Uint8Array(await saltFile.arrayBuffer());
      let key: Uint8Array | null = null;
      if (passwordHash !== undefined) {
        if (typeof passwordHash !== 'function') throw invalidArgument('passwordHash', 'a function (password) => 32 bytes');
        const out = await passwordHash(password);
        key = toSecret(out, 'passwordHash');
        if (out instanceof Uint8Array) wipe(out);
        if (key.length !== 32) {
          wipe(key);
          throw invalidArgument('passwordHash', `32 bytes (the snapshot key), got ${key.length}`);
        }
      }
      const previous = instances.get(path);
      instances.delete(path);
      await previous?.close();
      try {
        const worker = await StrongholdWorker.open({
          ...rest, storage: storage ?? { kind: 'opfs' }, path, create: true,
          ...(key ? { password: { key } } : {
            password, argon2: { salt: argon2?.saltPath ?? `${folderOf(path)}${DEFAULT_SALT_FILE}`, ...ARGON2, ...(saltBytes ? { saltBytes } : {}) },
          }),
        });
        instances.set(path, worker);
      } finally {
        if (key) wipe(key);
      }
      return new Stronghold(path);
    });
  }

  unload(): Promise<void> {
    return pluginCall(async () => {
      const w = instance(this.path);
      await w.save();
      instances.delete(this.path);
      await w.close();
    });
  }

  loadClient(client: ClientPath): Promise<Client> {
    return pluginCall(async () => {
      await clientOf(this.path, toBytesDto(client));
      return new Client(this.path, client);
    });
  }

  createClient(client: ClientPath): Promise<Client> {
    return pluginCall(async () => {
      await instance(this.path).createClient(toPath(toBytesDto(client), 'client'));
      return new Client(this.path, client);
    });
  }

  save(): Promise<void> {
    return pluginCall(async () => {
      await instance(this.path).save();
    });
  }

  /** The saved snapshot as a `.stronghold` file to download (an addition; save first). */
  exportFile(): Promise<Blob> {
    return pluginCall(async () => instance(this.path).export());
  }
}
