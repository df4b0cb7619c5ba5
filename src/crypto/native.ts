/**
 * The default crypto provider: native code wherever it exists. libsodium (through sodium-native) for Ed25519,
 * X25519, ChaCha20-Poly1305, XChaCha20-Poly1305 and BLAKE2b; node:crypto (OpenSSL) for AES-256-GCM, AES key wrap,
 * HKDF, PBKDF2, HMAC and SHA-2; @noble only for secp256k1 and Keccak-256, which neither offers.
 *
 * Buffers returned by node:crypto are turned into plain Uint8Arrays over memory they alone own (see `own`).
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, hash as nodeHash, hkdfSync, pbkdf2Sync } from 'node:crypto';
import { sodium } from '../memory/sodium.js';
import { secretBytes, wipe } from '../memory/guarded.js';
import * as check from './checks.js';
import { secp256k1AndKeccak } from './noble.js';
import type { AeadCipher, AeadSealed, CryptoProvider, HashName } from './provider.js';

/** RFC 3394 §2.2.3.1 default initial value. */
const KEY_WRAP_IV = new Uint8Array(8).fill(0xa6);

/** node:crypto's hkdfSync refuses an info longer than this (ERR_OUT_OF_RANGE); RFC 5869 sets no limit. */
const NODE_HKDF_MAX_INFO = 1024;

/**
 * libsodium signs with a 64-byte secret key (seed || public key) derived from the seed on every call.
 * These two scratch buffers are reused so that signing allocates only the signature; the secret half
 * is zeroed before each call returns, so nothing secret outlives a call.
 */
const scratchPublicKey = secretBytes(32);
const scratchSecretKey = secretBytes(64);

/**
 * A Buffer from node:crypto as a plain Uint8Array. When the Buffer is a slice of a larger (pooled)
 * allocation, the bytes are copied out and the slice is wiped, so no one else's memory aliases the result.
 */
function own(buf: Buffer): Uint8Array {
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) return new Uint8Array(buf.buffer, 0, buf.length);
  const copy = secretBytes(buf.length);
  copy.set(buf);
  wipe(buf);
  return copy;
}

/** RFC 5869 with HMAC, for info longer than hkdfSync takes. */
function hkdfByHmac(hash: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const prk = createHmac(hash, salt).update(ikm).digest();
  const okm = new Uint8Array(length);
  let t: Buffer = Buffer.alloc(0);
  for (let i = 1, off = 0; off < length; i++) {
    const next = createHmac(hash, prk).update(t).update(info).update(Uint8Array.of(i)).digest();
    wipe(t);
    t = next;
    okm.set(t.subarray(0, Math.min(t.length, length - off)), off);
    off += t.length;
  }
  wipe(prk, t);
  return okm;
}

function sodiumSeal(cipher: 'xchacha20poly1305' | 'chacha20poly1305') {
  return cipher === 'xchacha20poly1305'
    ? sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached
    : sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached;
}

function sodiumOpen(cipher: 'xchacha20poly1305' | 'chacha20poly1305') {
  return cipher === 'xchacha20poly1305'
    ? sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached
    : sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached;
}

function gcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): AeadSealed {
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: check.AEAD_TAG_LENGTH });
  c.setAAD(associatedData);
  const ciphertext = own(c.update(plaintext));
  c.final();
  return { ciphertext, tag: own(c.getAuthTag()) };
}

function gcmOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, associatedData: Uint8Array,
  out: Uint8Array | undefined): Uint8Array | null {
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: check.AEAD_TAG_LENGTH });
  d.setAuthTag(tag);
  d.setAAD(associatedData);
  // OpenSSL releases GCM plaintext before it checks the tag; it is wiped if the check then fails.
  const plain = d.update(ciphertext);
  try {
    d.final();
  } catch {
    wipe(plain);
    return null;
  }
  if (out === undefined) return own(plain);
  out.set(plain);
  wipe(plain);
  return out;
}

/** The default provider: libsodium and node:crypto, noble for secp256k1 and Keccak-256. */
export const nativeProvider: CryptoProvider = Object.freeze({
  name: 'native',

  randomFill(out: Uint8Array): Uint8Array {
    sodium.randombytes_buf(check.bytes(out, 'out'));
    return out;
  },

  sha2(hash: HashName, data: Uint8Array): Uint8Array {
    return own(nodeHash(check.hashName(hash), check.bytes(data, 'data'), 'buffer'));
  },

  blake2b256(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(32);
    sodium.crypto_generichash(out, check.bytes(data, 'data'));
    return out;
  },

  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
    return own(createHmac(check.hashName(hash), check.bytes(key, 'key')).update(check.bytes(data, 'data')).digest());
  },

  hkdf(hash: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    const h = check.hashName(hash);
    check.bytes(ikm, 'ikm');
    check.bytes(salt, 'salt');
    check.bytes(info, 'info');
    const n = check.hkdfLength(h, length);
    if (info.length > NODE_HKDF_MAX_INFO) return hkdfByHmac(h, ikm, salt, info, n);
    return new Uint8Array(hkdfSync(h, ikm, salt, info, n));
  },

  pbkdf2(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
    const h = check.hashName(hash);
    return own(pbkdf2Sync(check.bytes(password, 'password'), check.bytes(salt, 'salt'),
      check.pbkdf2Iterations(iterations), check.pbkdf2Length(length), h));
  },

  ed25519PublicKey(seed: Uint8Array): Uint8Array {
    check.bytes(seed, 'seed', 32);
    const pk = new Uint8Array(32);
    try {
      sodium.crypto_sign_seed_keypair(pk, scratchSecretKey, seed);
    } finally {
      sodium.sodium_memzero(scratchSecretKey);
    }
    return pk;
  },

  ed25519Sign(seed: Uint8Array, message: Uint8Array, publicKey?: Uint8Array): Uint8Array {
    check.bytes(seed, 'seed', 32);
    check.bytes(message, 'message');
    const sig = new Uint8Array(64);
    try {
      if (publicKey) {
        check.bytes(publicKey, 'publicKey', 32);
        scratchSecretKey.set(seed, 0);
        scratchSecretKey.set(publicKey, 32);
      } else {
        sodium.crypto_sign_seed_keypair(scratchPublicKey, scratchSecretKey, seed);
      }
      sodium.crypto_sign_detached(sig, message, scratchSecretKey);
    } finally {
      sodium.sodium_memzero(scratchSecretKey);
    }
    return sig;
  },

  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    check.bytes(publicKey, 'publicKey', 32);
    check.bytes(message, 'message');
    if (check.bytes(signature, 'signature').length !== 64) return false;
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  },

  x25519PublicKey(secretKey: Uint8Array): Uint8Array {
    const pk = new Uint8Array(32);
    sodium.crypto_scalarmult_base(pk, check.bytes(secretKey, 'secretKey', 32));
    return pk;
  },

  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null {
    check.bytes(secretKey, 'secretKey', 32);
    check.bytes(publicKey, 'publicKey', 32);
    const shared = secretBytes(32);
    try {
      sodium.crypto_scalarmult(shared, secretKey, publicKey);
    } catch {
      // libsodium returns -1 (sodium-native throws) exactly when the result would be all zero.
      wipe(shared);
      return null;
    }
    return shared;
  },

  ...secp256k1AndKeccak,

  aeadEncrypt(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): AeadSealed {
    const c = check.aeadArgs(cipher, key, nonce, plaintext, 'plaintext', associatedData);
    if (c === 'aes256gcm') return gcmSeal(key, nonce, plaintext, associatedData);
    const ciphertext = new Uint8Array(plaintext.length);
    const tag = new Uint8Array(check.AEAD_TAG_LENGTH);
    sodiumSeal(c)(ciphertext, tag, plaintext, associatedData, null, nonce, key);
    return { ciphertext, tag };
  },

  aeadDecrypt(cipher: AeadCipher, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array,
    associatedData: Uint8Array, out?: Uint8Array): Uint8Array | null {
    const c = check.aeadArgs(cipher, key, nonce, ciphertext, 'ciphertext', associatedData);
    const target = check.aeadOpenArgs(ciphertext, tag, out);
    if (c === 'aes256gcm') return gcmOpen(key, nonce, ciphertext, tag, associatedData, target);
    const plain = target ?? new Uint8Array(ciphertext.length);
    try {
      sodiumOpen(c)(plain, null, ciphertext, tag, associatedData, nonce, key);
    } catch {
      // Arguments are checked above, so the only failure left is the tag; libsodium has already zeroed `plain`.
      return null;
    }
    return plain;
  },

  aesKeyWrap(kek: Uint8Array, keyData: Uint8Array): Uint8Array {
    check.bytes(kek, 'kek', 32);
    const c = createCipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
    // OpenSSL's wrap modes are one-shot: update returns everything and final nothing.
    const wrapped = c.update(check.keyWrapData(keyData));
    c.final();
    return own(wrapped);
  },

  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array | null {
    check.bytes(kek, 'kek', 32);
    check.keyWrapWrapped(wrapped);
    const d = createDecipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
    let keyData: Buffer;
    try {
      keyData = d.update(wrapped);
      d.final();
    } catch {
      // Lengths are checked above, so OpenSSL fails only on the integrity check.
      return null;
    }
    return own(keyData);
  },
});
