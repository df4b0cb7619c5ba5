/**
 * The version-2 snapshot body (docs/spec/snapshot-v2.md; spec §5; Rust: engine/src/snapshot/migration/v2.rs):
 * ephemeral X25519 public key E (32) || Poly1305 tag (16) || XChaCha20 ciphertext.
 * The 32-byte snapshot key K is used as an X25519 secret: shared = X25519(K, E) is the AEAD key with no
 * hashing, and the nonce is BLAKE2b-256(E || X25519(K, base))[0..24]. AAD is empty.
 * Stronghold 2.x only reads v2 to migrate it; we read it for the same reason and write it only in tests.
 * @module
 */
import { assertBytes } from '../assert.js';
import { StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';
import { assertSnapshotKey } from './keys.js';

/** Ephemeral X25519 public key. */
export const V2_EPHEMERAL_BYTES = 32;
/** Poly1305 tag, stored before the ciphertext. */
export const V2_TAG_BYTES = 16;
/** Smallest v2 body: key and tag around an empty ciphertext. */
export const V2_MIN_BODY_BYTES = V2_EPHEMERAL_BYTES + V2_TAG_BYTES;
const NONCE_BYTES = 24;

function x25519(secret: Uint8Array, pub: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(32);
  try {
    sodium.crypto_scalarmult(out, secret, pub);
  } catch {
    // libsodium refuses an all-zero result: E is a low-order point, which no honest writer produces.
    return null;
  }
  return out;
}

function nonceFor(ephemeral: Uint8Array, key: Uint8Array): Uint8Array {
  const pub = new Uint8Array(32);
  sodium.crypto_scalarmult_base(pub, key);
  const input = new Uint8Array(64);
  input.set(ephemeral);
  input.set(pub, 32);
  const digest = new Uint8Array(32);
  sodium.crypto_generichash(digest, input);
  return digest.slice(0, NONCE_BYTES);
}

/**
 * Decrypts a v2 body.
 * @param key - the 32-byte snapshot key (for wallet.rs files: `v2PasswordKey(password)`)
 * @param body - the file after `PARTI 02 00`
 * @returns the compressed state; the caller wipes it
 * @throws StrongholdError `Truncated`, `CorruptHeader` (low-order ephemeral key), `WrongPassword` (tag mismatch)
 */
export function decryptV2(key: Uint8Array, body: Uint8Array, reportOffset = 0): Uint8Array {
  assertSnapshotKey(key);
  if (body.length < V2_MIN_BODY_BYTES) {
    throw new StrongholdError('Truncated', `snapshot is truncated: ${body.length + reportOffset} bytes, at least ${V2_MIN_BODY_BYTES + reportOffset} needed`,
      { length: body.length + reportOffset, minimum: V2_MIN_BODY_BYTES + reportOffset });
  }
  const ephemeral = body.subarray(0, V2_EPHEMERAL_BYTES);
  const tag = body.subarray(V2_EPHEMERAL_BYTES, V2_MIN_BODY_BYTES);
  const ciphertext = body.subarray(V2_MIN_BODY_BYTES);
  const shared = x25519(key, ephemeral);
  if (shared === null) throw new StrongholdError('CorruptHeader', 'snapshot header is malformed: ephemeral key is a low-order point', { reason: 'ephemeral key' });
  const out = new Uint8Array(ciphertext.length);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(out, null, ciphertext, tag, null, nonceFor(ephemeral, key), shared);
  } catch {
    // A v2 file has no separate key check: a wrong key and a corrupted body look the same (Rust: DecryptFailed).
    throw new StrongholdError('WrongPassword', 'wrong password or corrupted v2 snapshot (the authentication tag does not match)', {});
  } finally {
    wipe(shared);
  }
  return out;
}

/** Test-only inputs: a fixed ephemeral secret, or the public key E read from an existing file. */
export interface V2Random {
  ephemeralSecret?: Uint8Array;
  ephemeralPublicKey?: Uint8Array;
}

/**
 * Encrypts a compressed state as a v2 body (Rust `migration/v2.rs::write`). Only tests need it.
 * With `ephemeralPublicKey` the shared secret is computed from the recipient side, X25519(K, E), which equals
 * the writer's X25519(e, P); that lets a test re-create a file whose ephemeral secret is gone.
 * @returns E || tag || ciphertext
 */
export function encryptV2(key: Uint8Array, plaintext: Uint8Array, random: V2Random = {}): Uint8Array {
  assertSnapshotKey(key);
  let ephemeral: Uint8Array;
  let shared: Uint8Array | null;
  if (random.ephemeralPublicKey) {
    ephemeral = Uint8Array.from(assertBytes(random.ephemeralPublicKey, { field: 'ephemeralPublicKey', length: 32 }));
    shared = x25519(key, ephemeral);
  } else {
    const secret = random.ephemeralSecret ? Uint8Array.from(assertBytes(random.ephemeralSecret, { field: 'ephemeralSecret', length: 32 })) : new Uint8Array(32);
    if (!random.ephemeralSecret) sodium.randombytes_buf(secret);
    ephemeral = new Uint8Array(32);
    sodium.crypto_scalarmult_base(ephemeral, secret);
    const recipient = new Uint8Array(32);
    sodium.crypto_scalarmult_base(recipient, key);
    shared = x25519(secret, recipient);
    wipe(secret);
  }
  if (shared === null) throw new StrongholdError('CorruptHeader', 'snapshot header is malformed: ephemeral key is a low-order point', { reason: 'ephemeral key' });
  const out = new Uint8Array(V2_MIN_BODY_BYTES + plaintext.length);
  out.set(ephemeral);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out.subarray(V2_MIN_BODY_BYTES), out.subarray(V2_EPHEMERAL_BYTES, V2_MIN_BODY_BYTES),
    plaintext, null, null, nonceFor(ephemeral, key), shared);
  wipe(shared);
  return out;
}
