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

const ID_END = ID_LENGTH;
const BLOB_ID_END = ID_END + ID_LENGTH;
const HINT_END = BLOB_ID_END + HINT_LENGTH;
const DATA_END = HINT_END + SEALED_TRANSACTION_LENGTH;

/**
 * A record as the vault holds it: its sealed boxes and the metadata of its data transaction, packed in one
 * buffer `id | blob id | hint | data | blob` (one allocation instead of five keeps 100k records small).
 */
export class StoredRecord implements RecordMeta {
  readonly bytes: Uint8Array;
  readonly length: number;
  revoke: Uint8Array | null;

  constructor(bytes: Uint8Array, length: number, revoke: Uint8Array | null) {
    this.bytes = bytes;
    this.length = length;
    this.revoke = revoke;
  }

  /** Packs a record read from a file (its boxes are copied). */
  static from(id: Uint8Array, meta: RecordMeta, data: Uint8Array, blob: Uint8Array, revoke: Uint8Array | null): StoredRecord {
    const bytes = new Uint8Array(DATA_END + blob.length);
    bytes.set(id, 0);
    bytes.set(meta.blobId, ID_END);
    bytes.set(meta.hint, BLOB_ID_END);
    bytes.set(data, HINT_END);
    bytes.set(blob, DATA_END);
    return new StoredRecord(bytes, meta.length, revoke);
  }

  /**
   * Seals a new version of a record under the vault key: a fresh BlobId and box nonces, one call for all
   * the randomness. Without a hint, a random one as Rust makes it (1..23 random bytes, zero-padded).
   * `blobId` keeps an existing one: re-sealing under another vault key is not a new version (sync).
   */
  static seal(key: Uint8Array, id: Uint8Array, hint: Uint8Array | null, secret: Uint8Array, blobId?: Uint8Array): StoredRecord {
    const bytes = new Uint8Array(DATA_END + BOX_OVERHEAD + secret.length);
    const random = new Uint8Array(ID_LENGTH + 2 * NONCE_LENGTH + HINT_LENGTH);
    sodium.randombytes_buf(random);
    bytes.set(id, 0);
    bytes.set(blobId ?? random.subarray(0, ID_LENGTH), ID_END);
    if (hint) bytes.set(hint, BLOB_ID_END);
    else bytes.set(random.subarray(ID_LENGTH + 2 * NONCE_LENGTH, ID_LENGTH + 2 * NONCE_LENGTH + 1 + (random[0]! % 23)), BLOB_ID_END);
    const rec = new StoredRecord(bytes, secret.length, null);
    const tx = encodeDataTransaction(id, rec);
    sealInto(key, id, tx, random.subarray(ID_LENGTH, ID_LENGTH + NONCE_LENGTH), rec.data);
    sealInto(key, rec.blobId, secret, random.subarray(ID_LENGTH + NONCE_LENGTH, ID_LENGTH + 2 * NONCE_LENGTH), rec.blob);
    return rec;
  }

  get id(): Uint8Array {
    return this.bytes.subarray(0, ID_END);
  }

  get blobId(): Uint8Array {
    return this.bytes.subarray(ID_END, BLOB_ID_END);
  }

  get hint(): Uint8Array {
    return this.bytes.subarray(BLOB_ID_END, HINT_END);
  }

  get data(): Uint8Array {
    return this.bytes.subarray(HINT_END, DATA_END);
  }

  get blob(): Uint8Array {
    return this.bytes.subarray(DATA_END);
  }
}

function sealInto(key: Uint8Array, ad: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array, out: Uint8Array): void {
  out.set(nonce, TAG_LENGTH);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
    out.subarray(BOX_OVERHEAD), out.subarray(0, TAG_LENGTH), plaintext, ad, null, out.subarray(TAG_LENGTH, BOX_OVERHEAD), key);
}

/** Seals `plaintext` under `key` (32 bytes) with a fresh random nonce: tag || nonce || ciphertext. */
export function seal(key: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array(BOX_OVERHEAD + plaintext.length);
  const nonce = new Uint8Array(NONCE_LENGTH);
  sodium.randombytes_buf(nonce);
  sealInto(key, ad, plaintext, nonce, out);
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

export function randomId(): Uint8Array {
  const id = new Uint8Array(ID_LENGTH);
  sodium.randombytes_buf(id);
  return id;
}

/** Constant-time for equal lengths. Ids are public, but the same helper serves key comparison. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
