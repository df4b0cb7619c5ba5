/**
 * Vault records in the Rust layout (docs/spec/snapshot-v3.md §9), so they go to and from files unchanged.
 *
 * Every sealed item is `tag(16) || nonce(24) || ciphertext`, XChaCha20-Poly1305 under the vault key:
 * - `data`:   the 112-byte data transaction, associated data = RecordId
 * - `revoke`: the 112-byte revocation transaction, associated data = RecordId
 * - `blob`:   the secret, associated data = the BlobId named in the data transaction
 * @module
 */
import { sodium } from '../memory/sodium.js';
import { ID_LENGTH } from './ids.js';

export const TAG_LENGTH = 16;
export const NONCE_LENGTH = 24;
/** Bytes a sealed box adds to its plaintext. */
export const BOX_OVERHEAD = TAG_LENGTH + NONCE_LENGTH;
/** Rust `TRANSACTION_MAX_BYTES`. */
export const TRANSACTION_LENGTH = 112;
export const SEALED_TRANSACTION_LENGTH = TRANSACTION_LENGTH + BOX_OVERHEAD;
export const HINT_LENGTH = 24;
const DATA_TYPE = 1n;
const REVOKE_TYPE = 2n;

/** What the data transaction says about a record. None of it is secret. */
export interface RecordMeta {
  length: number;
  blobId: Uint8Array;
  hint: Uint8Array;
}

/** A record as the vault holds it: sealed boxes plus the metadata read from its data transaction. */
export interface RecordEntry extends RecordMeta {
  id: Uint8Array;
  data: Uint8Array;
  revoke: Uint8Array | null;
  blob: Uint8Array;
}

/** Seals `plaintext` under `key` (32 bytes) with a fresh random nonce: tag || nonce || ciphertext. */
export function seal(key: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array(BOX_OVERHEAD + plaintext.length);
  const tag = out.subarray(0, TAG_LENGTH);
  const nonce = out.subarray(TAG_LENGTH, BOX_OVERHEAD);
  sodium.randombytes_buf(nonce);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out.subarray(BOX_OVERHEAD), tag, plaintext, ad, null, nonce, key);
  return out;
}

/** Opens a sealed box into `out` (exactly box length − 40 bytes). Returns false when authentication fails. */
export function openInto(key: Uint8Array, ad: Uint8Array, sealed: Uint8Array, out: Uint8Array): boolean {
  if (sealed.length < BOX_OVERHEAD || out.length !== sealed.length - BOX_OVERHEAD) return false;
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
      out, null, sealed.subarray(BOX_OVERHEAD), sealed.subarray(0, TAG_LENGTH), ad, sealed.subarray(TAG_LENGTH, BOX_OVERHEAD), key);
    return true;
  } catch {
    return false;
  }
}

/** Data transaction: type 1 (u64 BE) | length (u64 BE) | id | blob id | hint | 24 zero bytes. */
export function encodeDataTransaction(id: Uint8Array, meta: RecordMeta): Uint8Array {
  const tx = new Uint8Array(TRANSACTION_LENGTH);
  const view = new DataView(tx.buffer);
  view.setBigUint64(0, DATA_TYPE);
  view.setBigUint64(8, BigInt(meta.length));
  tx.set(id, 16);
  tx.set(meta.blobId, 16 + ID_LENGTH);
  tx.set(meta.hint, 16 + 2 * ID_LENGTH);
  return tx;
}

/** Parses a data transaction; null unless it is type 1 for this record id. */
export function decodeDataTransaction(id: Uint8Array, tx: Uint8Array): RecordMeta | null {
  if (tx.length !== TRANSACTION_LENGTH) return null;
  const view = new DataView(tx.buffer, tx.byteOffset, tx.length);
  if (view.getBigUint64(0) !== DATA_TYPE) return null;
  const length = view.getBigUint64(8);
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  if (!equalBytes(tx.subarray(16, 16 + ID_LENGTH), id)) return null;
  return {
    length: Number(length),
    blobId: tx.slice(16 + ID_LENGTH, 16 + 2 * ID_LENGTH),
    hint: tx.slice(16 + 2 * ID_LENGTH, 16 + 3 * ID_LENGTH),
  };
}

/** Revocation transaction: type 2 (u64 BE) | id | 80 zero bytes. */
export function encodeRevocationTransaction(id: Uint8Array): Uint8Array {
  const tx = new Uint8Array(TRANSACTION_LENGTH);
  new DataView(tx.buffer).setBigUint64(0, REVOKE_TYPE);
  tx.set(id, 8);
  return tx;
}

export function isRevocationTransaction(id: Uint8Array, tx: Uint8Array): boolean {
  if (tx.length !== TRANSACTION_LENGTH) return false;
  const view = new DataView(tx.buffer, tx.byteOffset, tx.length);
  return view.getBigUint64(0) === REVOKE_TYPE && equalBytes(tx.subarray(8, 8 + ID_LENGTH), id);
}

/** Rust's random hint: 1..23 random bytes, zero-padded to 24. */
export function randomHint(): Uint8Array {
  const hint = new Uint8Array(HINT_LENGTH);
  const len = 1 + (randomByte() % 23);
  sodium.randombytes_buf(hint.subarray(0, len));
  return hint;
}

export function randomId(): Uint8Array {
  const id = new Uint8Array(ID_LENGTH);
  sodium.randombytes_buf(id);
  return id;
}

function randomByte(): number {
  const b = new Uint8Array(1);
  sodium.randombytes_buf(b);
  return b[0]!;
}

/** Constant-time for equal lengths. Ids are public, but the same helper serves key comparison. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
