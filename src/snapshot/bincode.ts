/**
 * The bincode 1.3 (legacy defaults) encoding of Stronghold's `SnapshotState` (docs/spec/snapshot-v3.md §7):
 * little-endian fixed-width integers, u64 lengths and counts, `00`/`01` option tags, HashMaps as a count
 * followed by key/value pairs in the order the file has (kept in `SnapshotState` lists).
 *
 * The decoder is stricter than Rust's `bincode::deserialize`, which a hostile file could drive into huge
 * allocations: every count and length is checked against the input that is left before anything is
 * allocated, trailing bytes are refused, and the fixed sizes of ids, keys and sealed transactions are enforced.
 * Rust never writes anything the decoder refuses. Every failure is `CorruptPayload` with a `reason`.
 * @module
 */
import { toHex } from '../assert.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import type { ClientState, KeystoreEntry, RecordState, SnapshotState, StoreEntryState, StoreState, Timestamp, VaultState } from './state.js';

/** ClientId, VaultId, RecordId (ChainId): 24 bytes (spec §8). */
export const ID_BYTES = 24;
/** Vault keys: 32 bytes, serialized as a length-prefixed `Buffer<u8>`. */
export const KEY_BYTES = 32;
/** A sealed 112-byte transaction: tag(16) || nonce(24) || ciphertext(112) (spec §9.1). */
export const SEALED_TRANSACTION_BYTES = 152;
/** The smallest sealed blob: tag and nonce around an empty secret. */
export const MIN_SEALED_BLOB_BYTES = 40;
/** Rust's `Duration`/`SystemTime` keep nanoseconds below one second. */
const NANOS_PER_SECOND = 1_000_000_000;
const MAX_U64 = (1n << 64n) - 1n;

// Smallest encoding of one map entry; a count must fit the bytes left, or the file lies about it.
/** ClientId + three empty maps' counts + scan_freq None + created_at + last_scan_at None. */
const MIN_CLIENT_BYTES = ID_BYTES + 8 + 8 + 8 + 1 + 12 + 1;
/** VaultId + length-prefixed key. */
const MIN_KEYSTORE_ENTRY_BYTES = ID_BYTES + 8 + KEY_BYTES;
/** VaultId + key + empty record map count. */
const MIN_VAULT_BYTES = ID_BYTES + 8 + KEY_BYTES + 8;
/** Map key + id + sealed data + revoke None + smallest blob. */
const MIN_RECORD_BYTES = 2 * ID_BYTES + 8 + SEALED_TRANSACTION_BYTES + 1 + 8 + MIN_SEALED_BLOB_BYTES;
/** Empty key, empty value, expiration None. */
const MIN_STORE_ENTRY_BYTES = 8 + 8 + 1;

function corrupt(reason: string): StrongholdError<'CorruptPayload'> {
  return new StrongholdError('CorruptPayload', `snapshot state is malformed: ${reason}`, { reason });
}

class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  pos = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get remaining(): number {
    return this.#bytes.length - this.pos;
  }
  #need(n: number, what: string): void {
    if (this.remaining < n) throw corrupt(`${what} runs past the end of the state`);
  }
  u8(what: string): number {
    this.#need(1, what);
    return this.#bytes[this.pos++]!;
  }
  u32(what: string): number {
    this.#need(4, what);
    const v = this.#view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(what: string): bigint {
    this.#need(8, what);
    const v = this.#view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** A copy, so the result never aliases the (wiped) decompressed buffer. */
  raw(n: number, what: string): Uint8Array {
    this.#need(n, what);
    const out = this.#bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** A map's entry count, refused when its entries cannot fit in what is left. */
  count(what: string, minEntryBytes: number): number {
    const n = this.u64(`${what} count`);
    if (n > BigInt(Math.floor(this.remaining / minEntryBytes))) {
      throw corrupt(`${what} count ${n} exceeds the ${this.remaining} bytes left`);
    }
    return Number(n);
  }
  /** A `Vec<u8>`: u64 length then bytes, the length checked against what is left and the given rule. */
  vec(what: string, rule: { length?: number; min?: number } = {}): Uint8Array {
    const n = this.u64(`${what} length`);
    if (n > BigInt(this.remaining)) throw corrupt(`${what} length ${n} exceeds the ${this.remaining} bytes left`);
    const len = Number(n);
    if (rule.length !== undefined && len !== rule.length) throw corrupt(`${what} must be ${rule.length} bytes, got ${len}`);
    if (rule.min !== undefined && len < rule.min) throw corrupt(`${what} must be at least ${rule.min} bytes, got ${len}`);
    return this.raw(len, what);
  }
  option(what: string): boolean {
    const tag = this.u8(`${what} option tag`);
    if (tag > 1) throw corrupt(`${what} option tag ${tag} is neither 0 nor 1`);
    return tag === 1;
  }
  time(what: string): Timestamp {
    const secs = this.u64(`${what} seconds`);
    const nanos = this.u32(`${what} nanoseconds`);
    if (nanos >= NANOS_PER_SECOND) throw corrupt(`${what} nanoseconds ${nanos} not below one second`);
    return { secs, nanos };
  }
}

const hex = toHex;

function unique(seen: Set<string>, id: Uint8Array, what: string): void {
  const k = hex(id);
  if (seen.has(k)) throw corrupt(`duplicate ${what}`);
  seen.add(k);
}

function readRecord(r: Reader): RecordState {
  const key = r.raw(ID_BYTES, 'record map key');
  const id = r.raw(ID_BYTES, 'record id');
  if (hex(key) !== hex(id)) throw corrupt('record map key differs from the record id');
  const data = r.vec('sealed data transaction', { length: SEALED_TRANSACTION_BYTES });
  const revoke = r.option('revoke') ? r.vec('sealed revocation transaction', { length: SEALED_TRANSACTION_BYTES }) : null;
  const blob = r.vec('sealed blob', { min: MIN_SEALED_BLOB_BYTES });
  return { id, data, revoke, blob };
}

function readVault(r: Reader): VaultState {
  const id = r.raw(ID_BYTES, 'vault id');
  const key = r.vec('vault key', { length: KEY_BYTES });
  const records: RecordState[] = [];
  const seen = new Set<string>();
  for (let n = r.count('record', MIN_RECORD_BYTES); n > 0; n--) {
    const record = readRecord(r);
    unique(seen, record.id, 'record id');
    records.push(record);
  }
  return { id, key, records };
}

function readStore(r: Reader): StoreState {
  const entries: StoreEntryState[] = [];
  const seen = new Set<string>();
  for (let n = r.count('store entry', MIN_STORE_ENTRY_BYTES); n > 0; n--) {
    const key = r.vec('store key');
    unique(seen, key, 'store key');
    const value = r.vec('store value');
    const expiration = r.option('store expiration') ? r.time('store expiration') : null;
    entries.push({ key, value, expiration });
  }
  const scanFreq = r.option('scan_freq') ? r.time('scan_freq') : null;
  const createdAt = r.time('created_at');
  const lastScanAt = r.option('last_scan_at') ? r.time('last_scan_at') : null;
  return { entries, scanFreq, createdAt, lastScanAt };
}

function readClient(r: Reader): ClientState {
  const id = r.raw(ID_BYTES, 'client id');
  const keystore: KeystoreEntry[] = [];
  const seenKeys = new Set<string>();
  for (let n = r.count('keystore entry', MIN_KEYSTORE_ENTRY_BYTES); n > 0; n--) {
    const vaultId = r.raw(ID_BYTES, 'keystore vault id');
    unique(seenKeys, vaultId, 'keystore vault id');
    keystore.push({ vaultId, key: r.vec('keystore key', { length: KEY_BYTES }) });
  }
  const vaults: VaultState[] = [];
  const seenVaults = new Set<string>();
  for (let n = r.count('vault', MIN_VAULT_BYTES); n > 0; n--) {
    const vault = readVault(r);
    unique(seenVaults, vault.id, 'vault id');
    vaults.push(vault);
  }
  return { id, keystore, vaults, store: readStore(r) };
}

/**
 * Decodes the bincode `SnapshotState` (spec §7.2).
 * @param bytes - the decompressed state; not kept (every field is a copy)
 * @returns the state, lists in file order
 * @throws StrongholdError `CorruptPayload` (details.reason names the field) for anything Rust would not have written
 */
export function decodeState(bytes: Uint8Array): SnapshotState {
  const r = new Reader(bytes);
  const clients: ClientState[] = [];
  const seen = new Set<string>();
  for (let n = r.count('client', MIN_CLIENT_BYTES); n > 0; n--) {
    const client = readClient(r);
    unique(seen, client.id, 'client id');
    clients.push(client);
  }
  if (r.remaining !== 0) throw corrupt(`${r.remaining} trailing bytes after the state`);
  return { clients };
}

// --- encoding: measure, then write into one exact buffer ---

const timeSize = 12;
const optTimeSize = (t: Timestamp | null): number => 1 + (t ? timeSize : 0);

function recordSize(rec: RecordState): number {
  return 2 * ID_BYTES + 8 + rec.data.length + 1 + (rec.revoke ? 8 + rec.revoke.length : 0) + 8 + rec.blob.length;
}

function clientSize(c: ClientState): number {
  let n = ID_BYTES + 8 + c.keystore.length * (ID_BYTES + 8 + KEY_BYTES) + 8;
  for (const v of c.vaults) {
    n += ID_BYTES + 8 + KEY_BYTES + 8;
    for (const rec of v.records) n += recordSize(rec);
  }
  n += 8;
  for (const e of c.store.entries) n += 8 + e.key.length + 8 + e.value.length + optTimeSize(e.expiration);
  return n + optTimeSize(c.store.scanFreq) + timeSize + optTimeSize(c.store.lastScanAt);
}

function check(bytes: Uint8Array, length: number, field: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw invalidArgument(field, `${length} bytes`);
  return bytes;
}

class Writer {
  readonly out: Uint8Array;
  readonly #view: DataView;
  pos = 0;
  constructor(size: number) {
    this.out = new Uint8Array(size);
    this.#view = new DataView(this.out.buffer);
  }
  u8(v: number): void {
    this.out[this.pos++] = v;
  }
  u64(v: number | bigint): void {
    this.#view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
  }
  raw(b: Uint8Array): void {
    this.out.set(b, this.pos);
    this.pos += b.length;
  }
  vec(b: Uint8Array): void {
    this.u64(b.length);
    this.raw(b);
  }
  time(t: Timestamp): void {
    if (typeof t.secs !== 'bigint' || t.secs < 0n || t.secs > MAX_U64) throw invalidArgument('timestamp.secs', 'a bigint in 0..2^64-1');
    if (!Number.isInteger(t.nanos) || t.nanos < 0 || t.nanos >= NANOS_PER_SECOND) throw invalidArgument('timestamp.nanos', 'an integer in 0..999999999');
    this.u64(t.secs);
    this.#view.setUint32(this.pos, t.nanos, true);
    this.pos += 4;
  }
  optTime(t: Timestamp | null): void {
    this.u8(t ? 1 : 0);
    if (t) this.time(t);
  }
}

function writeClient(w: Writer, c: ClientState): void {
  w.raw(check(c.id, ID_BYTES, 'client.id'));
  w.u64(c.keystore.length);
  for (const k of c.keystore) {
    w.raw(check(k.vaultId, ID_BYTES, 'keystore.vaultId'));
    w.vec(check(k.key, KEY_BYTES, 'keystore.key'));
  }
  w.u64(c.vaults.length);
  for (const v of c.vaults) {
    w.raw(check(v.id, ID_BYTES, 'vault.id'));
    w.vec(check(v.key, KEY_BYTES, 'vault.key'));
    w.u64(v.records.length);
    for (const rec of v.records) {
      w.raw(check(rec.id, ID_BYTES, 'record.id'));
      w.raw(rec.id);
      w.vec(check(rec.data, SEALED_TRANSACTION_BYTES, 'record.data'));
      w.u8(rec.revoke ? 1 : 0);
      if (rec.revoke) w.vec(check(rec.revoke, SEALED_TRANSACTION_BYTES, 'record.revoke'));
      if (rec.blob.length < MIN_SEALED_BLOB_BYTES) throw invalidArgument('record.blob', `at least ${MIN_SEALED_BLOB_BYTES} bytes`);
      w.vec(rec.blob);
    }
  }
  w.u64(c.store.entries.length);
  for (const e of c.store.entries) {
    w.vec(e.key);
    w.vec(e.value);
    w.optTime(e.expiration);
  }
  w.optTime(c.store.scanFreq);
  w.time(c.store.createdAt);
  w.optTime(c.store.lastScanAt);
}

/**
 * Encodes a `SnapshotState` exactly as Rust's `bincode::serialize` does, lists in the given order.
 * @param state - the state; its byte arrays are copied, not kept
 * @returns the serialized state (holds vault keys in clear: the caller wipes it after use)
 * @throws StrongholdError `InvalidArgument` for an id, key or sealed transaction of the wrong size
 */
export function encodeState(state: SnapshotState): Uint8Array {
  let size = 8;
  for (const c of state.clients) size += clientSize(c);
  const w = new Writer(size);
  w.u64(state.clients.length);
  try {
    for (const c of state.clients) writeClient(w, c);
  } catch (e) {
    w.out.fill(0);
    throw e;
  }
  return w.out;
}
