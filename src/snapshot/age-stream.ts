/**
 * The age v1 payload (age spec, "Payload"; docs/spec/snapshot-v3.md §4.2): a 16-byte nonce, then the plaintext
 * in 64 KiB ChaCha20-Poly1305 chunks under payload key = HKDF-SHA256(file key, nonce, "payload"), each chunk's
 * nonce an 11-byte big-endian counter and a last-chunk flag. Mirrors Rust iota-crypto `enc_payload`/`dec_payload`.
 * @module
 */
import { StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';
import { hkdf } from '../platform/crypto.js';

/** Plaintext bytes per STREAM chunk (age spec, payload). */
export const CHUNK_BYTES = 64 * 1024;
/** Poly1305 tag. */
export const TAG_BYTES = 16;
/** Payload nonce at the start of the payload, used only as HKDF salt. */
export const PAYLOAD_NONCE_BYTES = 16;
const PAYLOAD_INFO = new TextEncoder().encode('payload');

/** HKDF-SHA256 with a 32-byte output; the caller wipes it. */
export function hkdf32(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array): Uint8Array {
  return hkdf('sha256', ikm, salt, info, 32);
}

/** Rust `dec_payload_len`: the plaintext length for a payload of `n` bytes (nonce included), or -1. */
export function payloadPlaintextLength(n: number): number {
  if (n < PAYLOAD_NONCE_BYTES) return -1;
  const q = Math.floor((n - PAYLOAD_NONCE_BYTES) / (CHUNK_BYTES + TAG_BYTES));
  const r = (n - PAYLOAD_NONCE_BYTES) % (CHUNK_BYTES + TAG_BYTES);
  if (((q === 0 || r > 0) && r < TAG_BYTES) || (q > 0 && r === TAG_BYTES)) return -1;
  return n - PAYLOAD_NONCE_BYTES - (q + (r > 0 ? 1 : 0)) * TAG_BYTES;
}

/** 11-byte big-endian chunk counter, then the last-chunk flag (age spec, payload). */
function chunkNonce(index: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(7, index);
  n[11] = last ? 1 : 0;
  return n;
}

/** Decrypts a payload whose length `payloadPlaintextLength` accepted. @throws StrongholdError `CorruptPayload` */
export function decryptPayload(fileKey: Uint8Array, payload: Uint8Array, plaintextLength: number): Uint8Array {
  const key = hkdf32(fileKey, payload.subarray(0, PAYLOAD_NONCE_BYTES), PAYLOAD_INFO);
  const out = new Uint8Array(plaintextLength);
  try {
    let at = PAYLOAD_NONCE_BYTES;
    for (let index = 0, written = 0; ; index++) {
      const size = Math.min(CHUNK_BYTES, plaintextLength - written);
      const last = written + size === plaintextLength;
      try {
        sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(out.subarray(written, written + size), null,
          payload.subarray(at, at + size), payload.subarray(at + size, at + size + TAG_BYTES), null, chunkNonce(index, last), key);
      } catch {
        wipe(out);
        throw new StrongholdError('CorruptPayload', `snapshot payload chunk ${index} fails authentication; the file may be corrupted or tampered with`,
          { reason: `payload chunk ${index} authentication` });
      }
      at += size + TAG_BYTES;
      written += size;
      if (last) return out;
    }
  } finally {
    wipe(key);
  }
}

/** Writes nonce and chunks into `out` at `at`; `out` has room for `payloadLength(plaintext.length)` bytes. */
export function encryptPayload(fileKey: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, out: Uint8Array, at: number): void {
  const key = hkdf32(fileKey, nonce, PAYLOAD_INFO);
  out.set(nonce, at);
  at += PAYLOAD_NONCE_BYTES;
  // An empty plaintext is one empty final chunk; a non-zero multiple of 64 KiB has no empty trailing chunk.
  for (let index = 0, read = 0; ; index++) {
    const size = Math.min(CHUNK_BYTES, plaintext.length - read);
    const last = read + size === plaintext.length;
    sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(out.subarray(at, at + size), out.subarray(at + size, at + size + TAG_BYTES),
      plaintext.subarray(read, read + size), null, null, chunkNonce(index, last), key);
    at += size + TAG_BYTES;
    read += size;
    if (last) break;
  }
  wipe(key);
}

/** Total payload bytes (nonce, tags, ciphertext) for a plaintext of `n` bytes. */
export function payloadLength(n: number): number {
  return PAYLOAD_NONCE_BYTES + Math.max(1, Math.ceil(n / CHUNK_BYTES)) * TAG_BYTES + n;
}
