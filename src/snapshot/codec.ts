/**
 * Snapshot files in and out of memory: `PARTI` + version + encrypted body, over Stronghold's compression,
 * over the bincode `SnapshotState` (docs/spec/snapshot-v3.md, docs/spec/snapshot-v2.md).
 *
 * API (everything a caller needs; keys are the raw 32-byte snapshot keys from `keys.ts`):
 * - `readSnapshot(fileBytes, key, { maxWorkFactor = 23, keepSession, onProgress })` → `{ version, workFactor?, state, session? }`.
 *   Reads v3 and v2. With `keepSession: true` a v3 read also returns an `AgeSession` (file key + header) that the
 *   caller keeps while the snapshot is unlocked and must `destroy()` when locking.
 * - `writeSnapshot(state, key, { workFactor = 19, session, onProgress })` → v3 file bytes. With `session` (same key)
 *   the header is reused and no scrypt runs; without it a new header is made (one scrypt at `workFactor`).
 * - `createSnapshotSession(key, { workFactor = 19 })`: a new header for a new key (password change, migration),
 *   to pass as `session` to every later write.
 * - `inspectHeader(fileBytes)` → `{ version, workFactor? }` without a key.
 * Errors (`StrongholdError` codes): NotASnapshot, UnsupportedVersion, Truncated, CorruptHeader, WorkFactorTooHigh,
 * WrongPassword, CorruptPayload, DecompressionLimit, InvalidArgument, Locked (destroyed session).
 * @module
 */
import { assertBytes, assertInt } from '../assert.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { ageDecrypt, ageEncrypt, type AgeRandom, AgeSession, createAgeSession, DEFAULT_MAX_WORK_FACTOR, MAX_WORK_FACTOR, parseHeader } from './age.js';
import { decodeState, encodeState } from './bincode.js';
import { assertSnapshotKey } from './keys.js';
import { compress, decompress } from './lz4.js';
import type { ScryptProgress } from './scrypt.js';
import type { SnapshotState } from './state.js';
import { decryptV2 } from './v2.js';

export { AgeSession } from './age.js';
export type { ScryptProgress as SnapshotProgress } from './scrypt.js';

/** "PARTI" (spec §2). */
export const SNAPSHOT_MAGIC = Uint8Array.of(0x50, 0x41, 0x52, 0x54, 0x49);
/** Magic plus the two version bytes. */
export const FILE_HEADER_BYTES = 7;
/** Rust `RECOMMENDED_MINIMUM_ENCRYPT_WORK_FACTOR`: scrypt N = 2^19, 512 MiB. */
export const DEFAULT_WORK_FACTOR = 19;
/** Rust `RECOMMENDED_MAXIMUM_DECRYPT_WORK_FACTOR`: 8 GiB. */
export const MAX_READ_WORK_FACTOR = DEFAULT_MAX_WORK_FACTOR;
/** Minimum v3 file length checked by Rust before decrypting (7 + 150 + 16, logic.rs). */
export const V3_MIN_FILE_BYTES = 173;
/** Minimum v2 file length (7 + 32 + 16). */
export const V2_MIN_FILE_BYTES = 55;
/** Our choice: no real state is near 1 GiB (100,000 records are about 35 MB), and a bigger one would not fit comfortably in memory. */
export const MAX_DECOMPRESSED_BYTES = 1024 ** 3;
/** Our choice: real states compress about 1.2x (their records are ciphertext); 64x leaves room for text-heavy stores. */
export const MAX_COMPRESSION_RATIO = 64;
/** Our choice: the ratio cap never bites below 1 MiB, so tiny files with repetitive stores still open. */
export const MIN_DECOMPRESSION_CAP = 1024 * 1024;

/** Options of `readSnapshot`. */
export interface ReadSnapshotOptions {
  /** Largest scrypt work factor accepted; default 23. Checked before scrypt runs. */
  maxWorkFactor?: number;
  /** Return the v3 `AgeSession` for later saves without scrypt. */
  keepSession?: boolean;
  onProgress?: (progress: ScryptProgress) => void;
  /** Overrides `MAX_DECOMPRESSED_BYTES` (never the ratio cap). */
  maxDecompressedBytes?: number;
}

/** What `readSnapshot` returns. */
export interface SnapshotRead {
  version: 2 | 3;
  /** v3 only. */
  workFactor?: number;
  state: SnapshotState;
  /** v3 with `keepSession` only; the caller destroys it. */
  session?: AgeSession;
}

function notASnapshot(): StrongholdError<'NotASnapshot'> {
  return new StrongholdError('NotASnapshot', 'not a Stronghold snapshot (the file does not start with "PARTI")', {});
}

/** Checks magic and version; returns the version. */
function fileVersion(file: Uint8Array): 2 | 3 {
  if (file.length === 0) throw notASnapshot();
  for (let i = 0; i < Math.min(file.length, SNAPSHOT_MAGIC.length); i++) if (file[i] !== SNAPSHOT_MAGIC[i]) throw notASnapshot();
  if (file.length < FILE_HEADER_BYTES) {
    throw new StrongholdError('Truncated', `snapshot is truncated: ${file.length} bytes, at least ${FILE_HEADER_BYTES} needed`, { length: file.length, minimum: FILE_HEADER_BYTES });
  }
  const major = file[5]!;
  const minor = file[6]!;
  if (minor === 0 && (major === 3 || major === 2)) return major;
  throw new StrongholdError('UnsupportedVersion', `unsupported snapshot version [${major}, ${minor}]; this library reads [3, 0] and [2, 0]`,
    { found: `[${major}, ${minor}]`, expected: '[3, 0] or [2, 0]' });
}

function requireLength(file: Uint8Array, minimum: number): void {
  if (file.length < minimum) throw new StrongholdError('Truncated', `snapshot is truncated: ${file.length} bytes, at least ${minimum} needed`, { length: file.length, minimum });
}

/** The decompression cap for a compressed payload of `n` bytes. */
export function decompressionCap(n: number, max = MAX_DECOMPRESSED_BYTES): number {
  return Math.min(max, Math.max(MIN_DECOMPRESSION_CAP, n * MAX_COMPRESSION_RATIO));
}

/**
 * Reads a v3 or v2 snapshot.
 * @param fileBytes - the whole file; not modified
 * @param key - the 32-byte snapshot key
 * @throws StrongholdError `NotASnapshot`, `UnsupportedVersion`, `Truncated`, `CorruptHeader`, `WorkFactorTooHigh`,
 *   `WrongPassword`, `CorruptPayload`, `DecompressionLimit`, `InvalidArgument`
 * @example const { state } = await readSnapshot(await readSnapshotFile(path), passwordKey(pw))
 */
export async function readSnapshot(fileBytes: Uint8Array, key: Uint8Array, opts: ReadSnapshotOptions = {}): Promise<SnapshotRead> {
  assertBytes(fileBytes, { field: 'fileBytes' });
  assertSnapshotKey(key);
  const maxOut = assertInt(opts.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES, { field: 'maxDecompressedBytes', min: 1, max: MAX_DECOMPRESSED_BYTES });
  const version = fileVersion(fileBytes);
  const body = fileBytes.subarray(FILE_HEADER_BYTES);
  let compressed: Uint8Array;
  let workFactor: number | undefined;
  let session: AgeSession | undefined;
  if (version === 3) {
    requireLength(fileBytes, V3_MIN_FILE_BYTES);
    const r = await ageDecrypt(key, body, {
      ...(opts.maxWorkFactor !== undefined ? { maxWorkFactor: opts.maxWorkFactor } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      keepSession: opts.keepSession === true,
      reportOffset: FILE_HEADER_BYTES,
    });
    compressed = r.plaintext;
    workFactor = r.workFactor;
    session = r.session;
  } else {
    requireLength(fileBytes, V2_MIN_FILE_BYTES);
    compressed = decryptV2(key, body, FILE_HEADER_BYTES);
  }
  let decompressed: Uint8Array | undefined;
  try {
    decompressed = decompress(compressed, decompressionCap(compressed.length, maxOut));
    const state = decodeState(decompressed);
    const result: SnapshotRead = { version, state };
    if (workFactor !== undefined) result.workFactor = workFactor;
    if (session) result.session = session;
    return result;
  } catch (e) {
    session?.destroy();
    throw e;
  } finally {
    wipe(compressed, decompressed);
  }
}

/** Options of `writeSnapshot`. */
export interface WriteSnapshotOptions {
  /** scrypt work factor for a new header; default 19. With `session`, it must be omitted or equal the session's. */
  workFactor?: number;
  /** Reuse this header and file key (from `readSnapshot` or `createSnapshotSession` with the same key): no scrypt. */
  session?: AgeSession;
  onProgress?: (progress: ScryptProgress) => void;
  /** Tests only: fixed salt, file key and payload nonce (with `session`, only the payload nonce applies). */
  random?: AgeRandom;
}

/**
 * Writes a v3 snapshot.
 * @param state - the state to write; lists are written in their order
 * @param key - the 32-byte snapshot key
 * @returns the complete file bytes
 * @throws StrongholdError `InvalidArgument` (bad key, work factor, state field, or a session for another key), `Locked` (destroyed session)
 */
export async function writeSnapshot(state: SnapshotState, key: Uint8Array, opts: WriteSnapshotOptions = {}): Promise<Uint8Array> {
  assertSnapshotKey(key);
  const { session } = opts;
  if (session) {
    if (!(session instanceof AgeSession)) throw invalidArgument('session', 'an AgeSession');
    if (opts.workFactor !== undefined && opts.workFactor !== session.workFactor) {
      throw invalidArgument('workFactor', `the session's work factor ${session.workFactor} (a new work factor needs createSnapshotSession)`);
    }
    if (!session.isDestroyed && !session.matches(key)) throw invalidArgument('session', 'a session opened with this key (after a password change, create a new one)');
  }
  const workFactor = assertInt(opts.workFactor ?? session?.workFactor ?? DEFAULT_WORK_FACTOR, { field: 'workFactor', min: 0, max: MAX_WORK_FACTOR });
  const encoded = encodeState(state);
  const compressed = compress(encoded);
  wipe(encoded);
  try {
    const age = session
      ? session.encrypt(compressed, opts.random?.payloadNonce)
      : await ageEncrypt(key, compressed, { workFactor, ...(opts.random ? { random: opts.random } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    const file = new Uint8Array(FILE_HEADER_BYTES + age.length);
    file.set(SNAPSHOT_MAGIC);
    file[5] = 3;
    file.set(age, FILE_HEADER_BYTES);
    return file;
  } finally {
    wipe(compressed);
  }
}

/**
 * A new v3 header for `key` (one scrypt run), for every later `writeSnapshot` under that key.
 * @throws StrongholdError `InvalidArgument`
 */
export async function createSnapshotSession(key: Uint8Array, opts: { workFactor?: number; onProgress?: (p: ScryptProgress) => void; random?: AgeRandom } = {}): Promise<AgeSession> {
  assertSnapshotKey(key);
  return createAgeSession(key, {
    workFactor: opts.workFactor ?? DEFAULT_WORK_FACTOR,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
}

/**
 * Version and (v3) work factor of a snapshot, without a key (for `stronghold info`).
 * @throws StrongholdError `NotASnapshot`, `UnsupportedVersion`, `Truncated`, `CorruptHeader`
 */
export function inspectHeader(fileBytes: Uint8Array): { version: 2 | 3; workFactor?: number } {
  assertBytes(fileBytes, { field: 'fileBytes' });
  const version = fileVersion(fileBytes);
  if (version === 2) {
    requireLength(fileBytes, V2_MIN_FILE_BYTES);
    return { version };
  }
  return { version, workFactor: parseHeader(fileBytes.subarray(FILE_HEADER_BYTES), FILE_HEADER_BYTES).workFactor };
}
