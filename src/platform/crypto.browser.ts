/**
 * The browser's crypto.ts: the same functions on @noble/hashes. scrypt runs asynchronously in small steps
 * (noble's `asyncTick`), so an unlock at work factor 19 keeps its thread responsive and reports progress.
 * @module
 */
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { ScryptParams, Sha2 } from './crypto.js';

export type { ScryptParams, Sha2 } from './crypto.js';

const HASH = { sha256, sha512 } as const;

export function hmac(hash: Sha2, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleHmac(HASH[hash], key, data);
}

export function hkdf(hash: Sha2, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return nobleHkdf(HASH[hash], ikm, salt, info, length);
}

export function pbkdf2(hash: Sha2, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
  return noblePbkdf2(HASH[hash], password, salt, { c: iterations, dkLen: length });
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Milliseconds of work between yields to the event loop: short enough for a page to stay smooth. */
const ASYNC_TICK_MS = 10;

export function scrypt(password: Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const { N, r, p, dkLen, maxmem, onProgress } = params;
  return scryptAsync(password, salt, { N, r, p, dkLen, maxmem, asyncTick: ASYNC_TICK_MS, ...(onProgress ? { onProgress } : {}) });
}
