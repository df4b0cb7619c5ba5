/**
 * From a password to the 32-byte snapshot key (docs/spec/snapshot-v3.md §3). Nothing in a file says which
 * KDF made its key; these are the conventions of the producers:
 * - v3 (iota_stronghold 2.x through the IOTA SDK): BLAKE2b-256 of the UTF-8 password, no salt.
 * - v2 (wallet.rs / iota-sdk 0.x): PBKDF2-HMAC-SHA512(password, "wallet.rs", 100 rounds), 32 bytes.
 * Everything else in this folder takes the raw 32-byte key.
 * @module
 */
import { assertBytes, assertInt } from '../assert.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';
import { pbkdf2 } from '../platform/crypto.js';

/** Length of every snapshot key. */
export const SNAPSHOT_KEY_BYTES = 32;
/** The salt every v2 caller in iota-sdk passes to `migrate_snapshot_v2_to_v3`. */
export const V2_DEFAULT_SALT = 'wallet.rs';
/** The PBKDF2 rounds every v2 caller in iota-sdk passes. */
export const V2_DEFAULT_ROUNDS = 100;

function passwordBytes(password: string | Uint8Array): Uint8Array {
  if (typeof password === 'string') return new TextEncoder().encode(password);
  if (password instanceof Uint8Array) return Uint8Array.from(password);
  throw invalidArgument('password', 'a string or bytes');
}

/**
 * The v3 snapshot key the IOTA SDK uses: unkeyed BLAKE2b with a 32-byte digest of the UTF-8 password.
 * @returns a fresh 32-byte key the caller wipes
 * @example passwordKey('current_password') // 9768bc58…
 */
export function passwordKey(password: string | Uint8Array): Uint8Array {
  const bytes = passwordBytes(password);
  const key = new Uint8Array(SNAPSHOT_KEY_BYTES);
  sodium.crypto_generichash(key, bytes);
  wipe(bytes);
  return key;
}

/**
 * The v2 (wallet.rs) snapshot key: PBKDF2-HMAC-SHA512(password, salt, rounds) truncated to 32 bytes.
 * @returns a fresh 32-byte key the caller wipes
 * @throws StrongholdError `InvalidArgument` for a bad password, salt or round count
 * @example v2PasswordKey('current_password') // 0d0f5b8e…
 */
export function v2PasswordKey(password: string | Uint8Array, salt: string | Uint8Array = V2_DEFAULT_SALT, rounds = V2_DEFAULT_ROUNDS): Uint8Array {
  assertInt(rounds, { field: 'rounds', min: 1, max: 10_000_000 });
  const saltBytes = typeof salt === 'string' ? new TextEncoder().encode(salt) : assertBytes(salt, { field: 'salt' });
  const bytes = passwordBytes(password);
  const key = pbkdf2('sha512', bytes, saltBytes, rounds, SNAPSHOT_KEY_BYTES);
  wipe(bytes);
  return key;
}

/** Checks a raw snapshot key. @throws StrongholdError `InvalidArgument` unless 32 bytes */
export function assertSnapshotKey(key: unknown, field = 'key'): Uint8Array {
  return assertBytes(key, { field, length: SNAPSHOT_KEY_BYTES });
}
