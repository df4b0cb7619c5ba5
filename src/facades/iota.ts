/**
 * `stronghold-ts/iota`: the Stronghold secret manager of the IOTA SDK's Node binding (`@iota/sdk` 1.1 and the
 * 2.0 additions), in pure TypeScript: no native addon to build. Same snapshot layout (client `iota_seed`, vault
 * `iota-wallet-secret`, seed record `iota-wallet-seed`), same key (BLAKE2b-256 of the password), same derivation
 * paths and address encodings, so a wallet's `.stronghold` file opens unchanged and gives the same addresses.
 *
 * SDK code runs with only its import line changed (`from '@iota/sdk'` to `from 'stronghold-ts/iota'`): the
 * constructor checks the password and the file version at once, as the SDK's does, then opens (or creates) the
 * snapshot; errors are `StrongholdError`s whose `message` is the SDK's JSON `{ type, error }`; the helpers the
 * SDK's examples use (`CoinType`, `utf8ToHex`, `Utils`, `initLogger`) are here. Differences that remain, each
 * with its reason, are listed in docs/migrating-from-iota-sdk.md:
 * - One class holds what the SDK splits between `SecretManager` and `Wallet`: the Stronghold-related `Wallet`
 *   methods (`backup`, `restoreBackup`, `setStrongholdPasswordClearInterval`, ...) are methods here.
 * - `migrateStrongholdSnapshotV2ToV3` returns a Promise (the SDK's is synchronous); a secret manager for a path
 *   being migrated waits for the migration.
 * - The password timeout counts inactivity: every call but `isStrongholdPasswordAvailable` restarts it (the SDK
 *   counts from `setStrongholdPassword`).
 *   When it fires the Stronghold is locked: pending changes saved, keys and decrypted state wiped.
 * - Messages may be given as bytes as well as `0x` hex.
 * - No network: `signTransaction` and the Ledger methods are not provided; `signatureUnlock` is.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { bech32 } from '@scure/base';
import { Stronghold } from '../client/stronghold.js';
import type { Client } from '../client/client.js';
import { Location } from '../engine/location.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { bip39Recover } from '../procedures/bip39-recover.js';
import { ed25519Sign } from '../procedures/ed25519-sign.js';
import { getEvmAddress } from '../procedures/get-evm-address.js';
import { publicKey } from '../procedures/public-key.js';
import { secp256k1EcdsaSign } from '../procedures/secp256k1-ecdsa-sign.js';
import { slip10Derive } from '../procedures/slip10-derive.js';
import type { Slip10Curve } from '../procedures/slip10.js';
import { passwordKey } from '../snapshot/keys.js';
import { sdkCall, sdkError } from './iota-errors.js';
import { checkSnapshotSync, migrationOf, peekSnapshotVersion, SDK_CLIENT_PATH, SDK_SEED_RECORD_PATH, SDK_VAULT_PATH, v2Refused } from './iota-store.js';
import { ADDRESS_GAP_RANGE, bip44Chain, chainOf, derivedLocation, Ed25519Signature, messageBytes, seedLocation, SHIMMER_COIN_TYPE, SignatureUnlock, toHex, u32, type Bip44, type HexEncodedString, type IGenerateAddressesOptions, type Secp256k1EcdsaSignature, type SecretManagerSnapshotOptions, type SecretManagerType, type StrongholdOptions } from './iota-types.js';

export {
  migrateStrongholdSnapshotV2ToV3, readUserData, writeUserData, SDK_CLIENT_PATH, SDK_DERIVE_OUTPUT_RECORD_PATH, SDK_SEED_RECORD_PATH,
  SDK_USERDATA_STORE_KEY_RECORD_PATH, SDK_VAULT_PATH, type MigrateOptions,
} from './iota-store.js';
export { isStrongholdError, StrongholdError, type ErrorCode, type ErrorDetails } from '../errors.js';
export { SDK_ERROR_TYPE, type SdkErrorMessage } from './iota-errors.js';
export { CoinType, Ed25519Signature, SignatureUnlock } from './iota-types.js';
export type {
  Bip44, HexEncodedString, IGenerateAddressesOptions, LedgerNanoSecretManager, MnemonicSecretManager, PlaceholderSecretManager,
  PrivateKeySecretManager, Secp256k1EcdsaSignature, SecretManagerSnapshotOptions, SecretManagerType, SeedSecretManager, StrongholdOptions,
  StrongholdSecretManager, Unlock,
} from './iota-types.js';
export { hexToUtf8, initLogger, utf8ToHex, Utils } from './iota-utils.js';

/** setTimeout turns a delay past 2^31-1 ms (24.8 days) into 1 ms, which would clear the password at once: cap it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The IOTA SDK's `SecretManager`, for its Stronghold options (`StrongholdSecretManager`). Every method is
 * serialised, as the SDK's adapter holds one mutex.
 * @example
 * const sm = new SecretManager({ stronghold: { password, snapshotPath: 'wallet.stronghold' } })
 * await sm.storeMnemonic(mnemonic)
 * const [address] = await sm.generateEd25519Addresses({ coinType: 4218, range: { start: 0, end: 1 }, bech32Hrp: 'iota' })
 */
export class SecretManager {
  readonly snapshotPath: string;
  readonly #extra: SecretManagerSnapshotOptions;
  #sh: Stronghold | null = null;
  /** A key from the constructor's password, used by the first call. */
  #pendingKey: Uint8Array | null = null;
  #timeoutMs: number | null;
  #timer: NodeJS.Timeout | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  /** HMAC of the current key under a per-instance random key: compares passwords without keeping a second key copy. */
  readonly #tagKey = randomBytes(32);
  #keyTag: Buffer | null = null;
  /** Why the constructor's open, which runs after it returns, failed: the next call reports it. */
  #openFailure: unknown = null;

  /**
   * As the SDK's constructor: with a password, a v2 file (`UnsupportedVersion`) or a wrong password
   * (`WrongPassword`) throws here, then the snapshot is opened, or created and written, before any later call runs.
   * That check costs one scrypt run on this thread, as the SDK's does; it is skipped while a migration of the file
   * runs (the open waits for the migration and a later call reports its outcome).
   * @throws StrongholdError `InvalidArgument` (no `stronghold.snapshotPath`, which the SDK's Rust side requires too,
   *   or another secret manager type), `UnsupportedVersion`, `WrongPassword`
   */
  constructor(options: SecretManagerType, extra: SecretManagerSnapshotOptions = {}) {
    try {
      const s = (options as { stronghold?: StrongholdOptions } | null)?.stronghold;
      if (!s || typeof s !== 'object') throw invalidArgument('stronghold', '{ stronghold: { snapshotPath, password? } }: the Stronghold secret manager is the only one here');
      if (typeof s.snapshotPath !== 'string' || s.snapshotPath.length === 0) throw invalidArgument('stronghold.snapshotPath', 'a non-empty file path (the SDK requires it too)');
      this.snapshotPath = s.snapshotPath;
      this.#extra = { ...extra };
      this.#timeoutMs = s.timeout === undefined ? null : u32(s.timeout, 'stronghold.timeout') * 1000;
      if (s.password === undefined) return;
      const key = passwordKey(checkPassword(s.password, 'stronghold.password'));
      if (!migrationOf(this.snapshotPath)) {
        try {
          checkSnapshotSync(this.snapshotPath, key, extra.maxWorkFactor);
        } catch (e) {
          wipe(key);
          throw e;
        }
      }
      this.#pendingKey = key;
      this.#run(async () => undefined, false).catch((e: unknown) => {
        this.#openFailure = e;
      });
    } catch (e) {
      throw sdkError(e);
    }
  }

  /** Builds the manager and waits for the snapshot to be open (or created), reporting any failure of that open. */
  static create(options: SecretManagerType, extra: SecretManagerSnapshotOptions = {}): Promise<SecretManager> {
    return sdkCall(async () => {
      const sm = new SecretManager(options, extra);
      await sm.#run(async () => undefined, false);
      return sm;
    });
  }

  /** Runs `fn` after every earlier call, with the snapshot open, then restarts the inactivity timer. */
  #run<T>(fn: (sh: Stronghold) => Promise<T>, needsKey = true, activity = true): Promise<T> {
    const next = this.#queue.then(async () => {
      if (this.#openFailure !== null) {
        const failure = this.#openFailure;
        this.#openFailure = null;
        throw failure;
      }
      if (this.#pendingKey) {
        const key = this.#pendingKey;
        this.#pendingKey = null;
        await this.#openWith(key);
      }
      if (needsKey && (!this.#sh || this.#sh.isLocked)) {
        throw new StrongholdError('Locked', 'the Stronghold password is not set or was cleared; call setStrongholdPassword first', {});
      }
      try {
        return await fn(this.#sh!);
      } finally {
        if (activity || this.#timer === null) this.#arm();
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #tag(key: Uint8Array): Buffer {
    return createHmac('sha256', this.#tagKey).update(key).digest();
  }

  /** True if `key` (wiped here) is the key the snapshot is open with. */
  #isCurrentKey(key: Uint8Array): boolean {
    const tag = this.#tag(key);
    wipe(key);
    return this.#keyTag !== null && timingSafeEqual(tag, this.#keyTag);
  }

  /** Opens, unlocks or creates the snapshot with `key` (wiped here). A new file is written at once, as the SDK does. */
  async #openWith(key: Uint8Array): Promise<void> {
    const tag = this.#tag(key);
    try {
      await migrationOf(this.snapshotPath);
      if (this.#sh && this.#sh.isLocked) {
        await this.#sh.unlock({ key });
      } else if (!this.#sh) {
        if (await peekSnapshotVersion(this.snapshotPath) === 2) throw v2Refused(this.snapshotPath);
        const sh = await Stronghold.open(this.snapshotPath, { key }, {
          create: true,
          ...(this.#extra.workFactor === undefined ? {} : { workFactor: this.#extra.workFactor }),
          ...(this.#extra.maxWorkFactor === undefined ? {} : { maxWorkFactor: this.#extra.maxWorkFactor }),
          ...(this.#extra.provider ? { provider: this.#extra.provider } : {}),
        });
        if (sh.snapshotVersion === 2) {
          await sh.close();
          throw v2Refused(this.snapshotPath);
        }
        this.#sh = sh;
      }
      this.#keyTag = tag;
      const sh = this.#sh!;
      if (!sh.hasClient(SDK_CLIENT_PATH)) {
        sh.createClient(SDK_CLIENT_PATH);
        await sh.save();
      }
    } finally {
      wipe(key);
    }
  }

  #client(sh: Stronghold): Client {
    try {
      return sh.getClient(SDK_CLIENT_PATH);
    } catch {
      return sh.loadClient(SDK_CLIENT_PATH);
    }
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#timeoutMs === null || !this.#sh || this.#sh.isLocked) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // A failed save while locking leaves the Stronghold open; the next call re-arms the timer.
      void this.#run(async () => {
        if (this.#sh && !this.#sh.isLocked) await this.#sh.lock();
      }, false).catch(() => undefined);
    }, Math.min(this.#timeoutMs, MAX_TIMER_MS));
    this.#timer.unref();
  }

  /** True while the key is in memory (the SDK's `isStrongholdPasswordAvailable`). */
  isStrongholdPasswordAvailable(): Promise<boolean> {
    return sdkCall(async () => {
      // A status query is not activity: a UI polling it must not keep the key in memory forever.
      return this.#run(async () => this.#sh !== null && !this.#sh.isLocked, false, false);
    });
  }

  /**
   * Sets the password: opens the snapshot (creating it if missing) or unlocks it after a clear.
   * @throws StrongholdError `WrongPassword` (also when a different password is already set), `UnsupportedVersion` (a v2 file)
   */
  setStrongholdPassword(password: string): Promise<void> {
    return sdkCall(async () => {
      const key = passwordKey(checkPassword(password, 'password'));
      return this.#run(async () => {
        if (this.#sh && !this.#sh.isLocked) {
          if (!this.#isCurrentKey(key)) throw new StrongholdError('WrongPassword', 'a different Stronghold password is already set', {});
          return;
        }
        await this.#openWith(key);
      }, false);
    });
  }

  /**
   * Re-encrypts the snapshot under a new password. `changeStrongholdPassword(newPassword)` is the SecretManager
   * form; `changeStrongholdPassword(currentPassword, newPassword)` the Wallet form, which checks the current one.
   */
  changeStrongholdPassword(passwordOrCurrent: string, newPassword?: string): Promise<void> {
    return sdkCall(async () => {
      const next = checkPassword(newPassword ?? passwordOrCurrent, 'newPassword');
      const current = newPassword === undefined ? null : passwordKey(checkPassword(passwordOrCurrent, 'currentPassword'));
      return this.#run(async (sh) => {
        if (current && !this.#isCurrentKey(current)) throw new StrongholdError('WrongPassword', 'the current Stronghold password does not match', {});
        await sh.changePassword(next);
        const key = passwordKey(next);
        this.#keyTag = this.#tag(key);
        wipe(key);
      });
    });
  }

  /** Locks: saves pending changes, then wipes the key and all decrypted state. Later calls fail with `Locked`. */
  clearStrongholdPassword(): Promise<void> {
    return sdkCall(async () => {
      return this.#run(async () => {
        if (this.#sh && !this.#sh.isLocked) await this.#sh.lock();
      }, false);
    });
  }

  /** Sets the inactivity timeout in milliseconds after which the password is cleared; no argument turns it off. */
  setStrongholdPasswordClearInterval(intervalInMilliseconds?: number): Promise<void> {
    return sdkCall(async () => {
      this.#timeoutMs = intervalInMilliseconds === undefined || intervalInMilliseconds === null ? null : u32(intervalInMilliseconds, 'intervalInMilliseconds');
      return this.#run(async () => undefined, false);
    });
  }

  /**
   * Stores the BIP-39 seed of an English mnemonic (trimmed and validated) and saves the snapshot.
   * @throws StrongholdError `InvalidArgument` (invalid mnemonic, or a mnemonic is already stored), `Locked`
   */
  storeMnemonic(mnemonic: string): Promise<void> {
    return sdkCall(async () => {
      if (typeof mnemonic !== 'string') throw invalidArgument('mnemonic', 'a string');
      return this.#run(async (sh) => {
        const client = this.#client(sh);
        if (client.recordExists(seedLocation())) throw invalidArgument('mnemonic', 'no stored mnemonic: this Stronghold already holds one (the SDK\'s MnemonicAlreadyStored)');
        await client.execute(bip39Recover({ mnemonic: mnemonic.trim(), language: 'english', output: seedLocation() }));
        await sh.save();
      });
    });
  }

  /** Derives into the temporary record, runs `use` on it, and deletes it whatever happens (as the SDK). */
  async #withDerived<T>(client: Client, curve: Slip10Curve, chain: number[], use: (loc: Location) => Promise<T>): Promise<T> {
    if (!client.recordExists(seedLocation())) throw new StrongholdError('RecordNotFound', 'no mnemonic is stored (the SDK\'s MnemonicMissing)', { vault: SDK_VAULT_PATH, record: SDK_SEED_RECORD_PATH });
    const out = derivedLocation(chain);
    await client.execute(slip10Derive({ curve, chain, input: { seed: seedLocation() }, output: out }));
    try {
      return await use(out);
    } finally {
      client.deleteSecret(out);
    }
  }

  #range(o: IGenerateAddressesOptions): { coin: number; account: number; internal: number; start: number; end: number } {
    if (o !== undefined && (typeof o !== 'object' || o === null)) throw invalidArgument('options', 'an IGenerateAddressesOptions object');
    const opts = o ?? {};
    const start = u32(opts.range?.start ?? 0, 'range.start');
    const end = u32(opts.range?.end ?? ADDRESS_GAP_RANGE, 'range.end');
    if (end < start) throw invalidArgument('range', `start <= end, got ${start}..${end}`);
    return {
      coin: u32(opts.coinType ?? SHIMMER_COIN_TYPE, 'coinType'), account: u32(opts.accountIndex ?? 0, 'accountIndex'),
      internal: opts.options?.internal === true ? 1 : 0, start, end,
    };
  }

  /** Bech32 Ed25519 addresses m/44'/coin'/account'/internal'/index' for index in [start, end). */
  generateEd25519Addresses(options: IGenerateAddressesOptions = {}): Promise<string[]> {
    return sdkCall(async () => {
      const r = this.#range(options);
      const hrp = options?.bech32Hrp ?? 'rms';
      if (typeof hrp !== 'string' || !/^[\x21-\x7e]{1,83}$/.test(hrp)) throw invalidArgument('bech32Hrp', 'a bech32 human-readable part');
      return this.#run(async (sh) => {
        const client = this.#client(sh);
        const out: string[] = [];
        for (let index = r.start; index < r.end; index++) {
          const pk = await this.#withDerived(client, 'ed25519', chainOf('ed25519', r.coin, r.account, r.internal, index), (loc) => client.execute(publicKey({ keyType: 'ed25519', privateKey: loc })));
          const payload = new Uint8Array(33);
          payload.set(sh.provider.blake2b256(pk), 1);
          out.push(bech32.encode(hrp.toLowerCase(), bech32.toWords(payload), 90));
        }
        return out;
      });
    });
  }

  /** EVM addresses (`0x` hex, no checksum) of m/44'/coin'/account'/internal/index on secp256k1. */
  generateEvmAddresses(options: IGenerateAddressesOptions = {}): Promise<HexEncodedString[]> {
    return sdkCall(async () => {
      const r = this.#range(options);
      return this.#run(async (sh) => {
        const client = this.#client(sh);
        const out: string[] = [];
        for (let index = r.start; index < r.end; index++) {
          const address = await this.#withDerived(client, 'secp256k1', chainOf('secp256k1', r.coin, r.account, r.internal, index), (loc) => client.execute(getEvmAddress({ privateKey: loc })));
          out.push(toHex(address));
        }
        return out;
      });
    });
  }

  /** Signs `message` with the Ed25519 key at `chain` (all segments hardened). */
  signEd25519(message: HexEncodedString | Uint8Array, chain: Bip44): Promise<Ed25519Signature> {
    return sdkCall(async () => {
      const msg = messageBytes(message);
      const path = bip44Chain('ed25519', chain);
      return this.#run(async (sh) => {
        const client = this.#client(sh);
        return this.#withDerived(client, 'ed25519', path, async (loc) => {
          const pk = await client.execute(publicKey({ keyType: 'ed25519', privateKey: loc }));
          const sig = await client.execute(ed25519Sign({ privateKey: loc, msg }));
          return new Ed25519Signature(toHex(pk), toHex(sig));
        });
      });
    });
  }

  /** Signs the Keccak-256 of `message` with the secp256k1 key at `chain` (change and index not hardened). */
  signSecp256k1Ecdsa(message: HexEncodedString | Uint8Array, chain: Bip44): Promise<Secp256k1EcdsaSignature> {
    return sdkCall(async () => {
      const msg = messageBytes(message);
      const path = bip44Chain('secp256k1', chain);
      return this.#run(async (sh) => {
        const client = this.#client(sh);
        return this.#withDerived(client, 'secp256k1', path, async (loc) => {
          const pk = await client.execute(publicKey({ keyType: 'secp256k1', privateKey: loc }));
          const sig = await client.execute(secp256k1EcdsaSign({ flavor: 'keccak256', privateKey: loc, msg }));
          return { publicKey: toHex(pk), signature: toHex(sig) };
        });
      });
    });
  }

  /** A signature unlock for a transaction essence hash: `{ type: 0, signature: Ed25519Signature }`. */
  signatureUnlock(transactionEssenceHash: HexEncodedString | Uint8Array, chain: Bip44): Promise<SignatureUnlock> {
    return sdkCall(async () => {
      return new SignatureUnlock(await this.signEd25519(transactionEssenceHash, chain));
    });
  }

  /** Writes a copy of the snapshot to `destination`, encrypted under `password` (the Wallet's `backup`). */
  backup(destination: string, password: string): Promise<void> {
    return sdkCall(async () => {
      checkPassword(password, 'password');
      return this.#run(async (sh) => sh.saveAs(destination, password, this.#extra.workFactor === undefined ? {} : { workFactor: this.#extra.workFactor }));
    });
  }

  /** 2.0 name of `backup`. */
  backupToStrongholdSnapshot(destination: string, password: string): Promise<void> {
    return this.backup(destination, password);
  }

  /**
   * Replaces this manager's snapshot with the backup at `source`; afterwards the password is the backup's, as in
   * the SDK. The wallet-data arguments of the SDK (`ignoreIfCoinTypeMismatch`, `ignoreIfBech32Mismatch`) concern
   * accounts this library does not keep and are ignored.
   * @throws StrongholdError `WrongPassword`, `ClientNotFound` (the backup has no `iota_seed` client), `UnsupportedVersion`
   */
  restoreBackup(source: string, password: string, _ignoreIfCoinTypeMismatch?: boolean, _ignoreIfBech32Mismatch?: string): Promise<void> {
    return sdkCall(async () => {
      checkPassword(password, 'password');
      return this.#run(async () => {
        if (await peekSnapshotVersion(source) === 2) throw v2Refused(source);
        const backup = await Stronghold.open(source, password, { readOnly: true, ...(this.#extra.provider ? { provider: this.#extra.provider } : {}) });
        try {
          if (!backup.hasClient(SDK_CLIENT_PATH)) throw new StrongholdError('ClientNotFound', `the backup has no client '${SDK_CLIENT_PATH}'`, { client: SDK_CLIENT_PATH });
          if (this.#sh) {
            await this.#sh.close();
            this.#sh = null;
          }
          await backup.saveAs(this.snapshotPath, password, this.#extra.workFactor === undefined ? {} : { workFactor: this.#extra.workFactor });
        } finally {
          await backup.close();
        }
        await this.#openWith(passwordKey(password));
      }, false);
    });
  }

  /** 2.0 name of `restoreBackup`. */
  restoreFromStrongholdSnapshot(source: string, password: string, ignoreIfCoinTypeMismatch?: boolean, ignoreIfBech32Mismatch?: string): Promise<void> {
    return this.restoreBackup(source, password, ignoreIfCoinTypeMismatch, ignoreIfBech32Mismatch);
  }

  /** Stops the timer and closes the snapshot, wiping keys (unsaved changes are dropped; every SDK write already saved). */
  close(): Promise<void> {
    return sdkCall(async () => {
      return this.#run(async () => {
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = null;
        this.#timeoutMs = null;
        await this.#sh?.close();
        this.#sh = null;
      }, false);
    });
  }
}


function checkPassword(password: unknown, field: string): string {
  if (typeof password !== 'string') throw invalidArgument(field, 'a string');
  return password;
}
