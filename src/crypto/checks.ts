/**
 * Argument checks shared by both crypto providers, so that they reject the same inputs with the same
 * `InvalidArgument` details. Each helper returns its (narrowed) input and names the field; none echoes contents.
 * @module
 */
import { assertBytes, assertInt, assertOneOf } from '../assert.js';
import { invalidArgument } from '../errors.js';
import { HASH_LENGTH, type AeadCipher, type HashName } from './provider.js';

const HASHES: readonly HashName[] = ['sha256', 'sha384', 'sha512'];
const CIPHERS: readonly AeadCipher[] = ['aes256gcm', 'xchacha20poly1305', 'chacha20poly1305'];

/** AEAD nonce length in bytes per cipher; every cipher here takes a 32-byte key and a 16-byte tag. */
export const NONCE_LENGTH: Record<AeadCipher, number> = { aes256gcm: 12, chacha20poly1305: 12, xchacha20poly1305: 24 };
/** Key and tag lengths shared by every AEAD cipher of the interface. */
export const AEAD_KEY_LENGTH = 32;
export const AEAD_TAG_LENGTH = 16;

/** Node's pbkdf2Sync takes a signed 32-bit count and length; the noble provider keeps the same bound so both agree. */
export const PBKDF2_MAX = 0x7fffffff;

/** A Uint8Array, of exactly `length` bytes when given. */
export function bytes(value: unknown, field: string, length?: number): Uint8Array {
  // Hot path (every signature, every record open): no rule object unless the check fails.
  if (value instanceof Uint8Array && (length === undefined || value.length === length)) return value;
  return assertBytes(value, length === undefined ? { field } : { field, length });
}

/** One of the SHA-2 names of the interface. */
export function hashName(value: unknown): HashName {
  return assertOneOf(value, HASHES, 'hash');
}

/** One of the AEAD cipher names of the interface. */
export function aeadCipher(value: unknown): AeadCipher {
  return assertOneOf(value, CIPHERS, 'cipher');
}

/** RFC 5869 §2.3: L <= 255 * HashLen. An empty output has no use and node:crypto refuses it. */
export function hkdfLength(hash: HashName, length: unknown): number {
  return assertInt(length, { field: 'length', min: 1, max: 255 * HASH_LENGTH[hash] });
}

/** RFC 8018 requires at least one iteration. */
export function pbkdf2Iterations(value: unknown): number {
  return assertInt(value, { field: 'iterations', min: 1, max: PBKDF2_MAX });
}

/** Derived key length in bytes, at least 1. */
export function pbkdf2Length(value: unknown): number {
  return assertInt(value, { field: 'length', min: 1, max: PBKDF2_MAX });
}

/** Checks every AEAD argument except the tag; returns the cipher. */
export function aeadArgs(cipher: unknown, key: unknown, nonce: unknown, data: unknown, dataField: string, associatedData: unknown): AeadCipher {
  const c = aeadCipher(cipher);
  bytes(key, 'key', AEAD_KEY_LENGTH);
  bytes(nonce, 'nonce', NONCE_LENGTH[c]);
  bytes(data, dataField);
  bytes(associatedData, 'associatedData');
  return c;
}

/** Checks the tag and the optional output buffer of an AEAD decryption. */
export function aeadOpenArgs(ciphertext: Uint8Array, tag: unknown, out: unknown): Uint8Array | undefined {
  bytes(tag, 'tag', AEAD_TAG_LENGTH);
  return out === undefined ? undefined : bytes(out, 'out', ciphertext.length);
}

/** RFC 3394 §2: key data is n >= 2 64-bit blocks. */
export function keyWrapData(value: unknown): Uint8Array {
  const data = bytes(value, 'keyData');
  if (data.length < 16 || data.length % 8 !== 0) throw invalidArgument('keyData', `a multiple of 8 bytes, at least 16, got ${data.length}`);
  return data;
}

/** A wrapped key is the 8-byte integrity block plus n >= 2 blocks. */
export function keyWrapWrapped(value: unknown): Uint8Array {
  const data = bytes(value, 'wrapped');
  if (data.length < 24 || data.length % 8 !== 0) throw invalidArgument('wrapped', `a multiple of 8 bytes, at least 24, got ${data.length}`);
  return data;
}

/** SEC1 encodings: 33 bytes compressed or 65 uncompressed. Whether the point is on the curve is checked later. */
export function secp256k1PublicKeyBytes(value: unknown): Uint8Array {
  const key = bytes(value, 'publicKey');
  if (key.length !== 33 && key.length !== 65) throw invalidArgument('publicKey', `33 or 65 bytes, got ${key.length}`);
  return key;
}
