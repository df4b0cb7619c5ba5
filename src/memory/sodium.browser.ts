/**
 * The browser's sodium.ts: the same calls on @noble/@scure and WebCrypto's random, for the code below the crypto
 * provider (snapshot format, record sealing). A browser gives JavaScript no guard pages, no mlock and no page
 * protection, so those calls do nothing and `memoryProtection` says so; wiping still zeroes every buffer we hold.
 * @module
 */
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import type { MemoryProtection, Sodium } from './sodium.js';

export type { MemoryProtection, Sodium } from './sodium.js';

export const memoryProtection: MemoryProtection = {
  guardPages: false,
  locked: false,
  noAccessWhileIdle: false,
  wiped: true,
  limits: 'no guard pages, mlock or page protection in a browser; buffers we hold are zeroed after use, but the JavaScript engine may copy '
    + 'them (garbage collection, JIT) and noble turns keys into bigints, which nothing can wipe',
};

/** WebCrypto refuses more than 65,536 bytes per getRandomValues call. */
const RANDOM_CHUNK = 65536;

function randomFill(buf: Uint8Array): void {
  for (let at = 0; at < buf.length; at += RANDOM_CHUNK) crypto.getRandomValues(buf.subarray(at, Math.min(buf.length, at + RANDOM_CHUNK)));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Copies `from` into `to` and zeroes `from` (noble's fresh output). */
function move(from: Uint8Array, to: Uint8Array): void {
  to.set(from);
  from.fill(0);
}

function encryptDetached(aead: typeof chacha20poly1305, c: Uint8Array, mac: Uint8Array, m: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): number {
  const sealed = aead(k, npub, ad ?? undefined).encrypt(m);
  c.set(sealed.subarray(0, m.length));
  mac.set(sealed.subarray(m.length));
  sealed.fill(0);
  return m.length;
}

/** As sodium-native: throws when the tag does not verify, leaving `m` untouched. */
function decryptDetached(aead: typeof chacha20poly1305, m: Uint8Array, c: Uint8Array, mac: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): void {
  const sealed = new Uint8Array(c.length + mac.length);
  sealed.set(c);
  sealed.set(mac, c.length);
  move(aead(k, npub, ad ?? undefined).decrypt(sealed), m);
}

export const sodium: Sodium = {
  sodium_malloc: (size) => Object.assign(new Uint8Array(size), { secure: false }),
  sodium_free: (buf) => buf.fill(0),
  sodium_memzero: (buf) => buf.fill(0),
  sodium_mlock: () => {},
  sodium_mprotect_noaccess: () => {},
  sodium_mprotect_readonly: () => {},
  sodium_mprotect_readwrite: () => {},
  sodium_memcmp: equal,
  sodium_is_zero: (buf, len = buf.length) => buf.subarray(0, len).every((b) => b === 0),
  randombytes_buf: randomFill,
  crypto_generichash: (out, input, key) => move(blake2b(input, { dkLen: out.length, ...(key ? { key } : {}) }), out),
  crypto_sign_seed_keypair: (pk, sk, seed) => {
    pk.set(ed25519.getPublicKey(seed));
    sk.set(seed);
    sk.set(pk, 32);
  },
  crypto_sign_detached: (sig, msg, sk) => sig.set(ed25519.sign(msg, sk.subarray(0, 32))),
  crypto_sign_verify_detached: (sig, msg, pk) => ed25519.verify(sig, msg, pk),
  crypto_scalarmult: (out, sk, pk) => move(x25519.getSharedSecret(sk, pk), out),
  crypto_scalarmult_base: (out, sk) => out.set(x25519.getPublicKey(sk)),
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached: (c, mac, m, ad, _nsec, npub, k) => encryptDetached(xchacha20poly1305, c, mac, m, ad, npub, k),
  crypto_aead_xchacha20poly1305_ietf_decrypt_detached: (m, _nsec, c, mac, ad, npub, k) => decryptDetached(xchacha20poly1305, m, c, mac, ad, npub, k),
  crypto_aead_chacha20poly1305_ietf_encrypt_detached: (c, mac, m, ad, _nsec, npub, k) => encryptDetached(chacha20poly1305, c, mac, m, ad, npub, k),
  crypto_aead_chacha20poly1305_ietf_decrypt_detached: (m, _nsec, c, mac, ad, npub, k) => decryptDetached(chacha20poly1305, m, c, mac, ad, npub, k),
};
