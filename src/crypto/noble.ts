/**
 * The pure-JavaScript crypto provider: only @noble/curves, @noble/hashes and @noble/ciphers, with
 * `crypto.getRandomValues` for randomness. It runs wherever JavaScript does and is the reference the
 * native provider is checked against (test/crypto/differential.test.ts).
 *
 * Wiping is best effort: noble turns secret keys into bigints internally, which JavaScript cannot wipe.
 * @module
 */
import { gcm, aeskw } from '@noble/ciphers/aes.js';
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { invalidArgument } from '../errors.js';
import { assertBoolean } from '../assert.js';
import { wipe } from '../memory/guarded.js';
import * as check from './checks.js';
import type { AeadCipher, AeadSealed, CryptoProvider, HashName } from './provider.js';

const HASH = { sha256, sha384, sha512 } as const;

/** WebCrypto refuses more than 65,536 bytes per getRandomValues call. */
const RANDOM_CHUNK = 65536;

function hashFn(hash: unknown) {
  return HASH[check.hashName(hash)];
}

function secretScalar(secretKey: unknown): Uint8Array {
  const key = check.bytes(secretKey, 'secretKey', 32);
  if (!secp256k1.utils.isValidSecretKey(key)) throw invalidArgument('secretKey', 'a secp256k1 scalar in [1, n-1]');
  return key;
}

/**
 * secp256k1 ECDSA and Keccak-256, which neither libsodium nor node:crypto offers in the form we need
 * (RFC 6979 with a recovery id), so the native provider uses these very functions too.
 */
export const secp256k1AndKeccak: Pick<CryptoProvider,
  'keccak256' | 'secp256k1IsValidSecretKey' | 'secp256k1PublicKey' | 'secp256k1SignRecoverable' | 'secp256k1Verify'> = Object.freeze({
  keccak256(data: Uint8Array): Uint8Array {
    return keccak_256(check.bytes(data, 'data'));
  },

  secp256k1IsValidSecretKey(secretKey: Uint8Array): boolean {
    return secp256k1.utils.isValidSecretKey(check.bytes(secretKey, 'secretKey', 32));
  },

  secp256k1PublicKey(secretKey: Uint8Array, compressed: boolean): Uint8Array {
    return secp256k1.getPublicKey(secretScalar(secretKey), assertBoolean(compressed, 'compressed'));
  },

  secp256k1SignRecoverable(secretKey: Uint8Array, digest: Uint8Array): Uint8Array {
    const key = secretScalar(secretKey);
    check.bytes(digest, 'digest', 32);
    // noble's recovered format is recovery id || r || s; Ethereum and Stronghold put the id last.
    const rec = secp256k1.sign(digest, key, { prehash: false, format: 'recovered', lowS: true, extraEntropy: false });
    const out = new Uint8Array(65);
    out.set(rec.subarray(1, 65), 0);
    out[64] = rec[0]!;
    return out;
  },

  secp256k1Verify(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
    const key = check.secp256k1PublicKeyBytes(publicKey);
    check.bytes(digest, 'digest', 32);
    if (check.bytes(signature, 'signature').length !== 64) return false;
    // High S is accepted, as ECDSA itself (and Wycheproof) does; our own signatures are always low S.
    return secp256k1.verify(signature, digest, key, { prehash: false, lowS: false, format: 'compact' });
  },
});

function aead(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array) {
  switch (cipher) {
    case 'aes256gcm': return gcm(key, nonce, associatedData);
    case 'chacha20poly1305': return chacha20poly1305(key, nonce, associatedData);
    case 'xchacha20poly1305': return xchacha20poly1305(key, nonce, associatedData);
  }
}

/** The @noble-only provider. */
export const nobleProvider: CryptoProvider = Object.freeze({
  name: 'noble',

  randomFill(out: Uint8Array): Uint8Array {
    check.bytes(out, 'out');
    for (let i = 0; i < out.length; i += RANDOM_CHUNK) crypto.getRandomValues(out.subarray(i, i + RANDOM_CHUNK));
    return out;
  },

  sha2(hash: HashName, data: Uint8Array): Uint8Array {
    return hashFn(hash)(check.bytes(data, 'data'));
  },

  blake2b256(data: Uint8Array): Uint8Array {
    return blake2b(check.bytes(data, 'data'), { dkLen: 32 });
  },

  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
    return hmac(hashFn(hash), check.bytes(key, 'key'), check.bytes(data, 'data'));
  },

  hkdf(hash: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    const h = check.hashName(hash);
    return hkdf(HASH[h], check.bytes(ikm, 'ikm'), check.bytes(salt, 'salt'), check.bytes(info, 'info'), check.hkdfLength(h, length));
  },

  pbkdf2(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
    const h = hashFn(hash);
    return pbkdf2(h, check.bytes(password, 'password'), check.bytes(salt, 'salt'),
      { c: check.pbkdf2Iterations(iterations), dkLen: check.pbkdf2Length(length) });
  },

  ed25519PublicKey(seed: Uint8Array): Uint8Array {
    return ed25519.getPublicKey(check.bytes(seed, 'seed', 32));
  },

  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
    return ed25519.sign(check.bytes(message, 'message'), check.bytes(seed, 'seed', 32));
  },

  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    check.bytes(publicKey, 'publicKey', 32);
    check.bytes(message, 'message');
    if (check.bytes(signature, 'signature').length !== 64) return false;
    // RFC 8032 decoding (canonical encodings only), as libsodium does; ZIP-215 would accept more.
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  },

  x25519PublicKey(secretKey: Uint8Array): Uint8Array {
    return x25519.getPublicKey(check.bytes(secretKey, 'secretKey', 32));
  },

  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null {
    check.bytes(secretKey, 'secretKey', 32);
    check.bytes(publicKey, 'publicKey', 32);
    try {
      return x25519.getSharedSecret(secretKey, publicKey);
    } catch {
      // With lengths checked, noble throws only for a low-order point, whose shared secret is all zero.
      return null;
    }
  },

  ...secp256k1AndKeccak,

  aeadEncrypt(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): AeadSealed {
    const c = check.aeadArgs(cipher, key, nonce, plaintext, 'plaintext', associatedData);
    const sealed = aead(c, key, nonce, associatedData).encrypt(plaintext);
    const n = plaintext.length;
    return { ciphertext: sealed.subarray(0, n), tag: sealed.slice(n) };
  },

  aeadDecrypt(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array,
    associatedData: Uint8Array, out?: Uint8Array): Uint8Array | null {
    const c = check.aeadArgs(cipher, key, nonce, ciphertext, 'ciphertext', associatedData);
    const target = check.aeadOpenArgs(ciphertext, tag, out);
    const sealed = new Uint8Array(ciphertext.length + tag.length);
    sealed.set(ciphertext);
    sealed.set(tag, ciphertext.length);
    let plain: Uint8Array;
    try {
      plain = aead(c, key, nonce, associatedData).decrypt(sealed);
    } catch {
      // Arguments are checked above, so the only failure left is the tag.
      return null;
    }
    if (target === undefined) return plain;
    target.set(plain);
    wipe(plain);
    return target;
  },

  aesKeyWrap(kek: Uint8Array, keyData: Uint8Array): Uint8Array {
    check.bytes(kek, 'kek', 32);
    return aeskw(kek).encrypt(check.keyWrapData(keyData));
  },

  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array | null {
    check.bytes(kek, 'kek', 32);
    check.keyWrapWrapped(wrapped);
    try {
      return aeskw(kek).decrypt(wrapped);
    } catch {
      return null;
    }
  },
});
