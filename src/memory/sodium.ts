/**
 * The part of sodium-native this project uses, typed here because @types/sodium-native lags the package
 * (it lacks sodium_free and the detached AEAD calls). sodium-native accepts any Uint8Array for buffers.
 * The browser build replaces this module with sodium.browser.ts (the same calls on @noble/@scure).
 * @module
 */
import sodiumNative from 'sodium-native';

/** What the memory module can promise where it runs (`memoryProtection`). */
export interface MemoryProtection {
  /** Guard pages and a canary around each guarded buffer. */
  guardPages: boolean;
  /** Guarded buffers are locked in RAM (not swapped), where the limit allows. */
  locked: boolean;
  /** Guarded buffers are unreadable (PROT_NONE) between uses. */
  noAccessWhileIdle: boolean;
  /** Buffers we hold are zeroed after use. */
  wiped: boolean;
  /** What is not protected, in words. */
  limits: string;
}

export const memoryProtection: MemoryProtection = {
  guardPages: true,
  locked: true,
  noAccessWhileIdle: true,
  wiped: true,
  limits: 'mlock fails silently above RLIMIT_MEMLOCK; copies the JavaScript engine makes (strings, bigints inside noble) cannot be wiped',
};

export interface Sodium {
  sodium_malloc(size: number): Uint8Array & { secure: boolean };
  sodium_free(buf: Uint8Array): void;
  sodium_memzero(buf: Uint8Array): void;
  sodium_mlock(buf: Uint8Array): void;
  sodium_mprotect_noaccess(buf: Uint8Array): void;
  sodium_mprotect_readonly(buf: Uint8Array): void;
  sodium_mprotect_readwrite(buf: Uint8Array): void;
  sodium_memcmp(a: Uint8Array, b: Uint8Array): boolean;
  sodium_is_zero(buf: Uint8Array, len?: number): boolean;
  randombytes_buf(buf: Uint8Array): void;
  crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(sig: Uint8Array, msg: Uint8Array, sk: Uint8Array): void;
  crypto_sign_verify_detached(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean;
  crypto_scalarmult(out: Uint8Array, sk: Uint8Array, pk: Uint8Array): void;
  crypto_scalarmult_base(out: Uint8Array, sk: Uint8Array): void;
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c: Uint8Array, mac: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m: Uint8Array, nsec: null, c: Uint8Array, mac: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): void;
  crypto_aead_chacha20poly1305_ietf_encrypt_detached(c: Uint8Array, mac: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_chacha20poly1305_ietf_decrypt_detached(m: Uint8Array, nsec: null, c: Uint8Array, mac: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): void;
}

export const sodium = sodiumNative as unknown as Sodium;
