/**
 * The IOTA SDK's storage conventions inside a Stronghold snapshot (iota-sdk `sdk/src/client/stronghold/`
 * `common.rs`, `storage.rs`, `migration.rs`; spec `snapshot-format.md` §10): the fixed client, vault and record
 * names, the encrypted user-data values of the client's store, and the v2 → v3 snapshot migration.
 *
 * A user-data value is `nonce(24) || tag(16) || XChaCha20-Poly1305 ciphertext` (no associated data) under the
 * 32-byte secret in record `userdata-store-key`, which is created with random bytes on first insert. Values are
 * encrypted and decrypted by the AeadEncrypt / AeadDecrypt procedures, so the key never leaves the vault.
 * @module
 */
import { createDecipheriv, randomFillSync, scryptSync as nodeScryptSync } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Client } from '../client/client.js';
import { Stronghold } from '../client/stronghold.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { Location } from '../engine/location.js';
import type { StoreKey } from '../engine/store.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { aeadDecrypt } from '../procedures/aead-decrypt.js';
import { aeadEncrypt } from '../procedures/aead-encrypt.js';
import { DEFAULT_MAX_WORK_FACTOR, FILE_KEY_BYTES, parseHeader } from '../snapshot/age.js';
import { v2PasswordKey } from '../snapshot/keys.js';
import { scryptMaxmem, scryptSync, SCRYPT_KEY_BYTES, SCRYPT_P, SCRYPT_R } from '../snapshot/scrypt.js';

/** The SDK's fixed names (`common.rs`). */
export const SDK_CLIENT_PATH = 'iota_seed';
export const SDK_VAULT_PATH = 'iota-wallet-secret';
export const SDK_SEED_RECORD_PATH = 'iota-wallet-seed';
export const SDK_DERIVE_OUTPUT_RECORD_PATH = 'iota-wallet-derived';
export const SDK_USERDATA_STORE_KEY_RECORD_PATH = 'userdata-store-key';

const NONCE = 24;
const TAG = 16;
const storeKeyLocation = (): Location => Location.generic(SDK_VAULT_PATH, SDK_USERDATA_STORE_KEY_RECORD_PATH);

function split(sealed: Uint8Array, key: StoreKey): { nonce: Uint8Array; tag: Uint8Array; ciphertext: Uint8Array } {
  if (sealed.length < NONCE + TAG) {
    throw new StrongholdError('CorruptPayload', `store value ${describeKey(key)} is ${sealed.length} bytes, shorter than nonce and tag`, { reason: 'short user-data value' });
  }
  return { nonce: sealed.subarray(0, NONCE), tag: sealed.subarray(NONCE, NONCE + TAG), ciphertext: sealed.subarray(NONCE + TAG) };
}

function describeKey(key: StoreKey): string {
  return typeof key === 'string' ? `'${key}'` : `0x${Buffer.from(key).toString('hex')}`;
}

/**
 * Reads and decrypts a user-data value of `client`'s store (the SDK's `StorageProvider::get`).
 * @returns the plaintext (the caller wipes it), or null when the key is absent
 * @throws StrongholdError `CorruptPayload` (too short), `InvalidArgument` (does not authenticate), `RecordNotFound`
 */
export async function readUserData(client: Client, key: StoreKey): Promise<Uint8Array | null> {
  const sealed = client.store.get(key);
  if (sealed === null) return null;
  const { nonce, tag, ciphertext } = split(sealed, key);
  return client.execute(aeadDecrypt({ cipher: 'xchacha20poly1305', key: storeKeyLocation(), nonce, tag, ciphertext }));
}

/** Encrypts and stores a user-data value (the SDK's `storage::insert`), creating the store key record if needed. */
export async function writeUserData(client: Client, key: StoreKey, value: Uint8Array): Promise<void> {
  const loc = storeKeyLocation();
  if (!client.recordExists(loc)) {
    const fresh = randomFillSync(new Uint8Array(32));
    try {
      client.writeSecret(loc, fresh);
    } finally {
      wipe(fresh);
    }
  }
  const nonce = randomFillSync(new Uint8Array(NONCE));
  const tagAndCiphertext = await client.execute(aeadEncrypt({ cipher: 'xchacha20poly1305', key: loc, nonce, plaintext: value }));
  const sealed = new Uint8Array(NONCE + tagAndCiphertext.length);
  sealed.set(nonce, 0);
  sealed.set(tagAndCiphertext, NONCE);
  client.store.insert(key, sealed);
}

/**
 * The format version in bytes 5..6 of a snapshot file (`PARTI` magic), read without a key, so that a v2 file is
 * reported as such instead of as a wrong password. Null when the file is missing, short or not a snapshot
 * (opening it then gives the precise error).
 */
export async function peekSnapshotVersion(path: string): Promise<2 | 3 | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const head = new Uint8Array(SNAPSHOT_PREFIX_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNAPSHOT_PREFIX_BYTES, 0);
    return snapshotVersionOf(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** The `PARTI` magic and the two version bytes before the age file (spec `snapshot-format.md`). */
const SNAPSHOT_PREFIX_BYTES = 7;
/** Enough for the age header with its one scrypt stanza (about 190 bytes); the payload is not needed. */
const HEADER_PEEK_BYTES = 1024;
/** age's scrypt salt label (C2SP age.md, scrypt recipient). */
const SCRYPT_LABEL = new TextEncoder().encode('age-encryption.org/v1/scrypt');

/**
 * What the SDK's constructor finds out synchronously about a snapshot before anything else: a v2 file
 * (`UnsupportedVersion`) or a v3 file that `key` does not open (`WrongPassword`, from the scrypt stanza alone, as
 * age decrypts). A missing file, or one whose header the full open must judge, passes: the open reports those.
 * This costs one scrypt run on the calling thread, as the SDK's native constructor does.
 */
export function checkSnapshotSync(path: string, key: Uint8Array, maxWorkFactor = DEFAULT_MAX_WORK_FACTOR): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  const head = new Uint8Array(HEADER_PEEK_BYTES);
  let length: number;
  try {
    length = readSync(fd, head, 0, HEADER_PEEK_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const version = snapshotVersionOf(head.subarray(0, length));
  if (version === 2) throw v2Refused(path);
  if (version !== 3) return;
  let header;
  try {
    header = parseHeader(head.subarray(SNAPSHOT_PREFIX_BYTES, length));
  } catch {
    return;
  }
  if (header.workFactor > maxWorkFactor) return;
  const salt = new Uint8Array(SCRYPT_LABEL.length + header.salt.length);
  salt.set(SCRYPT_LABEL);
  salt.set(header.salt, SCRYPT_LABEL.length);
  // node:crypto refuses N = 1 (work factor 0), which Stronghold's test files use.
  const wrapKey = header.workFactor === 0
    ? scryptSync(key, salt, 1, SCRYPT_R, SCRYPT_P, SCRYPT_KEY_BYTES)
    : nodeScryptSync(key, salt, SCRYPT_KEY_BYTES, { N: 2 ** header.workFactor, r: SCRYPT_R, p: SCRYPT_P, maxmem: scryptMaxmem(header.workFactor) });
  try {
    const decipher = createDecipheriv('chacha20-poly1305', wrapKey, new Uint8Array(12), { authTagLength: 16 });
    decipher.setAuthTag(header.wrappedKey.subarray(FILE_KEY_BYTES));
    const fileKey = decipher.update(header.wrappedKey.subarray(0, FILE_KEY_BYTES));
    try {
      decipher.final();
    } finally {
      wipe(fileKey);
    }
  } catch {
    throw new StrongholdError('WrongPassword', `wrong password for ${path} (the snapshot key does not unwrap its file key)`, {});
  } finally {
    wipe(wrapKey);
  }
}

function snapshotVersionOf(head: Uint8Array): 2 | 3 | null {
  if (head.length < SNAPSHOT_PREFIX_BYTES || Buffer.from(head.subarray(0, 5)).toString('latin1') !== 'PARTI' || head[6] !== 0) return null;
  return head[5] === 2 ? 2 : head[5] === 3 ? 3 : null;
}

export function v2Refused(path: string): StrongholdError<'UnsupportedVersion'> {
  return new StrongholdError('UnsupportedVersion', `${path} is a v2 snapshot: migrate it with migrateStrongholdSnapshotV2ToV3 first`, { found: '2', expected: '3' });
}

/**
 * Migrations in progress, by the absolute path of each file they read or write. The SDK's migration is
 * synchronous, so its examples call it without `await` and open the new file on the next line; a secret manager
 * for one of these paths waits here instead of creating an empty file beside the migration.
 */
const migrations = new Map<string, Promise<void>>();

/** The migration in progress that reads or writes `path`, if any. */
export function migrationOf(path: string): Promise<void> | undefined {
  return migrations.get(resolve(path));
}

export interface MigrateOptions {
  /** scrypt work factor of the v3 file; default 19, as Stronghold writes. */
  workFactor?: number;
  provider?: CryptoProvider;
}

/**
 * The SDK's `migrateStrongholdSnapshotV2ToV3`: opens the v2 file at `currentPath` with
 * PBKDF2-HMAC-SHA512(`currentPassword`, `salt`, `rounds`) (every SDK caller passes `'wallet.rs'`, 100), decrypts
 * each store value of client `iota_seed` with that same key and re-encrypts it under the `userdata-store-key`
 * record, then writes a v3 file keyed by the new password (default: the current one) to `newPath` (default: in
 * place), atomically. The SDK's function is synchronous; this one returns a Promise, and until it settles a
 * `SecretManager` for either path waits for it, so SDK code that does not `await` it still opens the migrated file.
 * @throws StrongholdError `UnsupportedVersion` (not a v2 file), `WrongPassword`, `CorruptPayload` (a store value
 *   that does not decrypt under the v2 key), `InvalidArgument`, `Io`, `SnapshotLocked`
 */
export function migrateStrongholdSnapshotV2ToV3(
  currentPath: string, currentPassword: string, salt: string, rounds: number, newPath?: string | null, newPassword?: string | null, options: MigrateOptions = {},
): Promise<void> {
  const paths = typeof currentPath === 'string' ? [resolve(currentPath), resolve(newPath ?? currentPath)] : [];
  const done = migrate(currentPath, currentPassword, salt, rounds, newPath, newPassword, options);
  for (const p of paths) migrations.set(p, done);
  const forget = (): void => {
    for (const p of paths) if (migrations.get(p) === done) migrations.delete(p);
  };
  // SDK code does not await the result, so a rejection here must not end the process: a failed migration is
  // reported by the secret manager that waits for it (its first call rejects with this error), and to an `await`.
  done.then(forget, forget);
  return done;
}

async function migrate(
  currentPath: string, currentPassword: string, salt: string, rounds: number, newPath: string | null | undefined, newPassword: string | null | undefined, options: MigrateOptions,
): Promise<void> {
  if (typeof currentPassword !== 'string') throw invalidArgument('currentPassword', 'a string');
  if (typeof salt !== 'string') throw invalidArgument('salt', 'a string');
  const v2Key = v2PasswordKey(currentPassword, salt, rounds);
  let sh: Stronghold | null = null;
  try {
    if (await peekSnapshotVersion(currentPath) === 3) throw notV2(currentPath);
    sh = await Stronghold.open(currentPath, { key: Uint8Array.from(v2Key) }, options.provider ? { provider: options.provider } : {});
    if (sh.snapshotVersion !== 2) throw notV2(currentPath);
    if (sh.hasClient(SDK_CLIENT_PATH)) await reencryptStore(sh, sh.loadClient(SDK_CLIENT_PATH), v2Key);
    await sh.saveAs(newPath ?? currentPath, newPassword ?? currentPassword, options.workFactor === undefined ? {} : { workFactor: options.workFactor });
  } finally {
    wipe(v2Key);
    await sh?.close();
  }
}

function notV2(path: string): StrongholdError<'UnsupportedVersion'> {
  return new StrongholdError('UnsupportedVersion', `${path} is not a v2 snapshot; nothing to migrate`, { found: '3', expected: '2' });
}

async function reencryptStore(sh: Stronghold, client: Client, v2Key: Uint8Array): Promise<void> {
  for (const key of client.store.keys()) {
    const sealed = client.store.get(key);
    if (sealed === null) continue;
    const { nonce, tag, ciphertext } = split(sealed, key);
    const plaintext = sh.provider.aeadDecrypt('xchacha20poly1305', v2Key, nonce, ciphertext, tag, new Uint8Array(0));
    if (plaintext === null) {
      throw new StrongholdError('CorruptPayload', `store value ${describeKey(key)} does not decrypt under the v2 password key`, { reason: 'user-data value not sealed under the v2 key' });
    }
    try {
      await writeUserData(client, key, plaintext);
    } finally {
      wipe(plaintext);
    }
  }
}
