/**
 * The crypto provider interface: every primitive that procedures and the engine use, and nothing else.
 * Two implementations exist: `native.ts` (libsodium through sodium-native and node:crypto, noble only where
 * neither has the primitive) and `noble.ts` (only @noble / @scure). Both pass the same compliance suite.
 *
 * Conventions:
 * - Byte results are fresh Uint8Arrays (never pooled Buffers) that the caller owns and wipes when secret.
 * - Authentication failures return `null`; malformed arguments (wrong key length...) throw InvalidArgument.
 * - Inputs are never modified.
 * @module
 */

export type HashName = 'sha256' | 'sha384' | 'sha512';
export type AeadCipher = 'aes256gcm' | 'xchacha20poly1305' | 'chacha20poly1305';

/** Output length in bytes of each SHA-2 hash. */
export const HASH_LENGTH: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

export interface AeadSealed {
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

export interface CryptoProvider {
  readonly name: string;

  /** Fills `out` with cryptographically secure random bytes and returns it. */
  randomFill(out: Uint8Array): Uint8Array;

  sha2(hash: HashName, data: Uint8Array): Uint8Array;
  /** Unkeyed BLAKE2b with a 32-byte digest. */
  blake2b256(data: Uint8Array): Uint8Array;
  /** Original Keccak-256 (Ethereum), not FIPS SHA3-256. */
  keccak256(data: Uint8Array): Uint8Array;
  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 5869 extract-then-expand. */
  hkdf(hash: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  pbkdf2(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array;

  /** RFC 8032 Ed25519 from a 32-byte seed. */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /**
   * `publicKey`, when given, must be the seed's own public key (it saves deriving it again). A wrong one
   * would leak the key through two signatures of one message, so callers pass only keys they derived.
   */
  ed25519Sign(seed: Uint8Array, message: Uint8Array, publicKey?: Uint8Array): Uint8Array;
  /** RFC 8032 decoding (canonical encodings only, as libsodium); a signature that is not 64 bytes gives false. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  /** RFC 7748 X25519 with the base point. */
  x25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** RFC 7748 X25519; returns null when the result is all zero (low-order point). */
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null;

  /** True for a scalar in [1, n-1]. */
  secp256k1IsValidSecretKey(secretKey: Uint8Array): boolean;
  /** SEC1 public key, 33 bytes compressed or 65 bytes uncompressed. */
  secp256k1PublicKey(secretKey: Uint8Array, compressed: boolean): Uint8Array;
  /** RFC 6979 deterministic low-S ECDSA over a 32-byte digest: r(32) || s(32) || recovery id(1). */
  secp256k1SignRecoverable(secretKey: Uint8Array, digest: Uint8Array): Uint8Array;
  /** Verifies a 64-byte r || s signature over a 32-byte digest. High S is accepted (as ECDSA and Wycheproof do); any other length gives false. */
  secp256k1Verify(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean;

  /** Detached AEAD. Nonce sizes: aes256gcm 12, chacha20poly1305 12, xchacha20poly1305 24. Key 32, tag 16. */
  aeadEncrypt(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): AeadSealed;
  /** Returns the plaintext, or null when the tag does not verify. Writes into `out` when given (its length must equal the ciphertext's). */
  aeadDecrypt(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, associatedData: Uint8Array, out?: Uint8Array): Uint8Array | null;

  /** RFC 3394 AES key wrap with a 32-byte KEK; key data is a multiple of 8 bytes, at least 16. */
  aesKeyWrap(kek: Uint8Array, keyData: Uint8Array): Uint8Array;
  /** RFC 3394 unwrap; null when the integrity check fails. */
  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array | null;
}
