/**
 * The few hash-based primitives the snapshot format and the engine's ids need below the crypto provider, from
 * node:crypto (native code). The browser build replaces this module with crypto.browser.ts, the same functions on
 * @noble/hashes; test/platform.test.ts checks that both give the same bytes.
 * @module
 */
import { createHmac, hkdfSync, pbkdf2Sync, scrypt as nodeScrypt, timingSafeEqual } from 'node:crypto';

export type Sha2 = 'sha256' | 'sha512';

/** Copies a Node Buffer into a plain Uint8Array and zeroes the Buffer (it may come from Node's shared pool). */
function own(buf: Buffer): Uint8Array {
  const out = Uint8Array.from(buf);
  buf.fill(0);
  return out;
}

/** HMAC (RFC 2104) of `data` under `key`. */
export function hmac(hash: Sha2, key: Uint8Array, data: Uint8Array): Uint8Array {
  return own(createHmac(hash, key).update(data).digest());
}

/** HKDF (RFC 5869), extract then expand. */
export function hkdf(hash: Sha2, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync(hash, ikm, salt, info, length));
}

/** PBKDF2 (RFC 8018) with HMAC-`hash`. */
export function pbkdf2(hash: Sha2, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
  return own(pbkdf2Sync(password, salt, iterations, length, hash));
}

/** Equal length and equal bytes, in time independent of where they differ. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  dkLen: number;
  /** Bytes the derivation may allocate; more is refused. */
  maxmem: number;
  /** Fraction done, 0..1, where the implementation can tell (the browser's); node:crypto cannot. */
  onProgress?: (fraction: number) => void;
}

/** scrypt (RFC 7914) on the libuv thread pool, so the event loop stays free. N = 1 is refused here. */
export function scrypt(password: Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    nodeScrypt(password, salt, params.dkLen, { N: params.N, r: params.r, p: params.p, maxmem: params.maxmem }, (err, key) =>
      (err ? reject(err) : resolve(own(key))));
  });
}
