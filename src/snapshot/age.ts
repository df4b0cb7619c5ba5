/**
 * age v1 (https://age-encryption.org/v1, C2SP age.md) as Stronghold uses it: exactly one scrypt stanza whose
 * passphrase is the 32-byte snapshot key, and the STREAM payload in 64 KiB chunks
 * (docs/spec/snapshot-v3.md §4; Rust: iota-crypto `src/keys/age.rs`).
 *
 * Parsing is strict and happens in one place (`parseHeader`), before any key derivation. Differences from
 * the age spec, all taken from the Rust reader:
 * - work factor 0 (N = 1) is accepted: the IOTA SDK's test fixtures use it;
 * - the caller's `maxWorkFactor` (23 for snapshots) replaces age's 22;
 * - only the exact Rust layout is accepted: no armor, no other or extra stanza, no extra arguments.
 * We refuse one thing the Rust reader accepts: a two-digit work factor with a leading zero (`05`). Rust never
 * writes one, the age spec forbids it, and refusing it keeps exactly one encoding per header.
 *
 * Error order: `Truncated` (too short to hold a header and payload) · `CorruptHeader` (malformed) ·
 * `WorkFactorTooHigh` · `CorruptPayload` (impossible payload length), all before scrypt runs; then
 * `WrongPassword` (the file-key unwrap fails) · `CorruptHeader` (header MAC) · `CorruptPayload` (a chunk fails).
 *
 * Sessions (issue 3, item 4): after an unlock, `AgeSession` keeps the unwrapped 16-byte file key (in guarded
 * memory) and the header bytes, and `encrypt` writes a new payload under the same header with only a fresh
 * 16-byte payload nonce, so a save costs no scrypt. This is safe because:
 * - the payload key is HKDF-SHA256(file key, salt = payload nonce, "payload"); a fresh random 128-bit nonce
 *   gives a fresh payload key, so no ChaCha20-Poly1305 key/nonce pair of the STREAM is ever reused
 *   (age itself relies on the same derivation to allow one file key per file);
 * - the header MAC is HMAC(HKDF(file key, "header"), header) and covers only the header, which is unchanged,
 *   so it stays valid; the header reveals nothing new because it is byte-identical to the previous file's;
 * - the passphrase still protects the file key exactly as before: the same salt, work factor and wrapped key.
 * A password change must not use the old session: `createAgeSession` makes a new salt, file key and header.
 * @module
 */
import { base64nopad } from '@scure/base';
import { assertBytes, assertInt } from '../assert.js';
import { StrongholdError } from '../errors.js';
import { GuardedBuffer, wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';
import { equalBytes, hmac } from '../platform/crypto.js';
import { decryptPayload, encryptPayload, hkdf32, PAYLOAD_NONCE_BYTES, payloadLength, payloadPlaintextLength, TAG_BYTES } from './age-stream.js';
import { ageScrypt, type ScryptProgress } from './scrypt.js';

/** age file key. */
export const FILE_KEY_BYTES = 16;
/** scrypt stanza salt. */
export const SALT_BYTES = 16;
/** Header length with a one-digit work factor; a two-digit one adds a byte (Rust `SCRYPT_MIN_HEADER_LEN`). */
export const MIN_HEADER_BYTES = 149;
/** The largest work factor that fits the two-digit header and a 64-bit N (spec §4.1). */
export const MAX_WORK_FACTOR = 63;
/** Rust `RECOMMENDED_MAXIMUM_DECRYPT_WORK_FACTOR`: 8 GiB of scrypt memory. */
export const DEFAULT_MAX_WORK_FACTOR = 23;

const enc = new TextEncoder();
const INTRO = enc.encode('age-encryption.org/v1\n');
const STANZA = enc.encode('-> scrypt ');
const MAC_LINE = enc.encode('\n--- ');
const SCRYPT_LABEL = enc.encode('age-encryption.org/v1/scrypt');
const HEADER_INFO = enc.encode('header');
const SALT_B64 = 22;
const WRAPPED_B64 = 43;
const MAC_B64 = 43;
const ZERO_NONCE = new Uint8Array(12);

/** The fields of a well-formed header. All public (the wrapped key is ciphertext). */
export interface AgeHeader {
  salt: Uint8Array;
  workFactor: number;
  wrappedKey: Uint8Array;
  mac: Uint8Array;
  /** Header bytes including the final LF; the payload starts here. */
  length: number;
}

function corruptHeader(reason: string): StrongholdError<'CorruptHeader'> {
  return new StrongholdError('CorruptHeader', `snapshot header is malformed: ${reason}`, { reason });
}

function truncated(length: number, minimum: number): StrongholdError<'Truncated'> {
  return new StrongholdError('Truncated', `snapshot is truncated: ${length} bytes, at least ${minimum} needed`, { length, minimum });
}

function startsWith(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (bytes.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** Canonical unpadded standard base64 of exactly `size` bytes, as Rust's `STANDARD_NO_PAD` (and age's `Strict()`) require. */
function base64Field(bytes: Uint8Array, at: number, chars: number, size: number, field: string): Uint8Array {
  const text = String.fromCharCode(...bytes.subarray(at, at + chars));
  const bad = (): StrongholdError<'CorruptHeader'> => corruptHeader(`${field} is not ${size} bytes of canonical base64`);
  let decoded: Uint8Array;
  try {
    decoded = base64nopad.decode(text);
  } catch {
    throw bad();
  }
  // Re-encoding catches every non-canonical form: padding, stray characters, non-zero trailing bits.
  if (!/^[A-Za-z0-9+/]+$/.test(text) || decoded.length !== size || base64nopad.encode(decoded) !== text) throw bad();
  return decoded;
}

function b64(bytes: Uint8Array): Uint8Array {
  return enc.encode(base64nopad.encode(bytes));
}

/**
 * Parses the header strictly (spec §4.1), without a passphrase. Lengths in errors count from `reportOffset`
 * so that a caller holding the whole file can report file offsets.
 * @throws StrongholdError `Truncated`, `CorruptHeader`
 */
export function parseHeader(body: Uint8Array, reportOffset = 0): AgeHeader {
  const tooShort = (need: number): StrongholdError => truncated(body.length + reportOffset, need + reportOffset);
  if (!startsWith(body, 0, INTRO.subarray(0, Math.min(INTRO.length, body.length)))) throw corruptHeader('not an age v1 file');
  if (body.length < MIN_HEADER_BYTES) throw tooShort(MIN_HEADER_BYTES);
  let i = INTRO.length;
  if (!startsWith(body, i, STANZA)) throw corruptHeader('the header must hold exactly one scrypt stanza');
  i += STANZA.length;
  const salt = base64Field(body, i, SALT_B64, SALT_BYTES, 'salt');
  i += SALT_B64;
  if (body[i++] !== 0x20) throw corruptHeader('salt is not followed by a space');
  if (!isDigit(body[i])) throw corruptHeader('work factor is not a decimal number');
  let workFactor = body[i++]! - 0x30;
  if (isDigit(body[i])) {
    if (workFactor === 0) throw corruptHeader('work factor has a leading zero');
    workFactor = workFactor * 10 + body[i++]! - 0x30;
  }
  if (body[i++] !== 0x0a) throw corruptHeader('work factor is not one or two digits followed by a line feed');
  if (workFactor > MAX_WORK_FACTOR) throw corruptHeader(`work factor ${workFactor} is above ${MAX_WORK_FACTOR}`);
  const length = i + WRAPPED_B64 + MAC_LINE.length + MAC_B64 + 1;
  if (body.length < length) throw tooShort(length);
  const wrappedKey = base64Field(body, i, WRAPPED_B64, FILE_KEY_BYTES + TAG_BYTES, 'wrapped file key');
  i += WRAPPED_B64;
  // Also where a longer stanza body, a second stanza or a missing MAC line is caught: only `\n--- ` may follow.
  if (!startsWith(body, i, MAC_LINE)) throw corruptHeader('the scrypt stanza must be alone, with a 32-byte body');
  i += MAC_LINE.length;
  const mac = base64Field(body, i, MAC_B64, 32, 'header MAC');
  i += MAC_B64;
  if (body[i++] !== 0x0a) throw corruptHeader('header MAC is not followed by a line feed');
  return { salt, workFactor, wrappedKey, mac, length };
}

function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  const macKey = hkdf32(fileKey, new Uint8Array(0), HEADER_INFO);
  const mac = hmac('sha256', macKey, macInput);
  wipe(macKey);
  return mac;
}

function scryptSalt(salt: Uint8Array): Uint8Array {
  const s = new Uint8Array(SCRYPT_LABEL.length + SALT_BYTES);
  s.set(SCRYPT_LABEL);
  s.set(salt, SCRYPT_LABEL.length);
  return s;
}

/** Fixed random values for byte-reproduction tests only; production code never passes them. */
export interface AgeRandom {
  salt?: Uint8Array;
  fileKey?: Uint8Array;
  payloadNonce?: Uint8Array;
}

function random(value: Uint8Array | undefined, length: number, field: string): Uint8Array {
  if (value !== undefined) return Uint8Array.from(assertBytes(value, { field, length }));
  const out = new Uint8Array(length);
  sodium.randombytes_buf(out);
  return out;
}

/**
 * An unlocked age header: the header bytes and the file key they wrap, kept in guarded memory.
 * `encrypt` writes new payloads under the same header without scrypt (safety argument in the module comment).
 * Call `destroy` when the snapshot is locked or closed.
 */
export class AgeSession {
  readonly header: Uint8Array;
  readonly workFactor: number;
  #fileKey: GuardedBuffer | null;
  readonly #checkSalt: Uint8Array;
  readonly #check: Uint8Array;

  /** Takes ownership of `fileKey` (wiped here); `passphrase` is only fingerprinted so `matches` can refuse another one. */
  constructor(header: Uint8Array, workFactor: number, fileKey: Uint8Array, passphrase: Uint8Array) {
    this.header = Uint8Array.from(header);
    this.workFactor = workFactor;
    this.#fileKey = GuardedBuffer.adopt(fileKey);
    this.#checkSalt = random(undefined, 32, 'checkSalt');
    this.#check = AgeSession.#fingerprint(passphrase, this.#checkSalt);
  }

  // A keyed BLAKE2b with a per-session random key: it recognises the passphrase and is useless anywhere else.
  static #fingerprint(passphrase: Uint8Array, salt: Uint8Array): Uint8Array {
    const out = new Uint8Array(32);
    sodium.crypto_generichash(out, passphrase, salt);
    return out;
  }

  get isDestroyed(): boolean {
    return this.#fileKey === null;
  }

  /** True if `passphrase` is the one this session's header was made or opened with. */
  matches(passphrase: Uint8Array): boolean {
    const fp = AgeSession.#fingerprint(passphrase, this.#checkSalt);
    return equalBytes(fp, this.#check);
  }

  /**
   * Encrypts a new payload under this header.
   * @param plaintext - not modified
   * @param payloadNonce - tests only: a fixed 16-byte payload nonce
   * @returns the complete age file (header, payload nonce, chunks)
   * @throws StrongholdError `Locked` after `destroy`
   */
  encrypt(plaintext: Uint8Array, payloadNonce?: Uint8Array): Uint8Array {
    const fileKey = this.#fileKey;
    if (fileKey === null) throw new StrongholdError('Locked', 'the snapshot session was closed; unlock the snapshot again', {});
    const nonce = random(payloadNonce, PAYLOAD_NONCE_BYTES, 'payloadNonce');
    const out = new Uint8Array(this.header.length + payloadLength(plaintext.length));
    out.set(this.header);
    fileKey.read((k) => encryptPayload(k, nonce, plaintext, out, this.header.length));
    return out;
  }

  /** Runs `fn` with read access to the file key (migration and byte-reproduction tests). Do not keep the view. */
  useFileKey<T>(fn: (fileKey: Uint8Array) => T): T {
    if (this.#fileKey === null) throw new StrongholdError('Locked', 'the snapshot session was closed; unlock the snapshot again', {});
    return this.#fileKey.read(fn);
  }

  /** Wipes and frees the file key. Idempotent. */
  destroy(): void {
    this.#fileKey?.free();
    this.#fileKey = null;
  }

  toJSON(): string {
    return '[AgeSession: hidden]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AgeSession(work factor ${this.workFactor}${this.isDestroyed ? ', destroyed' : ''})`;
  }
}

/** Options for a new header: the work factor, progress, and (tests only) fixed random values. */
export interface AgeEncryptOptions {
  workFactor: number;
  random?: AgeRandom;
  onProgress?: (progress: ScryptProgress) => void;
}

/**
 * Makes a new header for `passphrase`: random salt and file key, scrypt at `workFactor`, wrapped key, MAC.
 * @returns a session that encrypts payloads under that header
 * @throws StrongholdError `InvalidArgument` for a work factor outside 0..63
 */
export async function createAgeSession(passphrase: Uint8Array, opts: AgeEncryptOptions): Promise<AgeSession> {
  const workFactor = assertInt(opts.workFactor, { field: 'workFactor', min: 0, max: MAX_WORK_FACTOR });
  const salt = random(opts.random?.salt, SALT_BYTES, 'salt');
  const fileKey = random(opts.random?.fileKey, FILE_KEY_BYTES, 'fileKey');
  let wrapKey: Uint8Array;
  try {
    wrapKey = await ageScrypt(passphrase, scryptSalt(salt), workFactor, opts.onProgress ? { onProgress: opts.onProgress } : {});
  } catch (e) {
    wipe(fileKey);
    throw e;
  }
  const wrapped = new Uint8Array(FILE_KEY_BYTES + TAG_BYTES);
  sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(wrapped.subarray(0, FILE_KEY_BYTES), wrapped.subarray(FILE_KEY_BYTES), fileKey, null, null, ZERO_NONCE, wrapKey);
  wipe(wrapKey);
  const parts = [INTRO, STANZA, b64(salt), enc.encode(` ${workFactor}\n`), b64(wrapped), MAC_LINE];
  const size = parts.reduce((n, p) => n + p.length, 0);
  const header = new Uint8Array(size + MAC_B64 + 1);
  let at = 0;
  for (const p of parts) {
    header.set(p, at);
    at += p.length;
  }
  // The MAC covers the header up to and including `---`, not the space after it.
  const mac = headerMac(fileKey, header.subarray(0, at - 1));
  header.set(b64(mac), at);
  header[header.length - 1] = 0x0a;
  return new AgeSession(header, workFactor, fileKey, passphrase);
}

/**
 * age-encrypts `plaintext` under `passphrase` with a new header (one scrypt run).
 * @returns the complete age file
 */
export async function ageEncrypt(passphrase: Uint8Array, plaintext: Uint8Array, opts: AgeEncryptOptions): Promise<Uint8Array> {
  const session = await createAgeSession(passphrase, opts);
  try {
    return session.encrypt(plaintext, opts.random?.payloadNonce);
  } finally {
    session.destroy();
  }
}

/** Options of `ageDecrypt`. */
export interface AgeDecryptOptions {
  /** Largest work factor accepted before running scrypt; default 23. */
  maxWorkFactor?: number;
  /** Keep the header and file key in an `AgeSession` for later saves; the caller destroys it. */
  keepSession?: boolean;
  onProgress?: (progress: ScryptProgress) => void;
  /** Added to lengths in `Truncated` details (the caller's offset of the age body in its file). */
  reportOffset?: number;
}

/** What `ageDecrypt` returns. */
export interface AgeDecrypted {
  plaintext: Uint8Array;
  workFactor: number;
  session?: AgeSession;
}

/**
 * Decrypts an age file with one scrypt stanza.
 * @param passphrase - the scrypt passphrase (the 32-byte snapshot key for snapshots)
 * @param body - the whole age file
 * @returns the plaintext (the caller wipes it), the work factor and, if asked, a session
 * @throws StrongholdError `Truncated`, `CorruptHeader`, `WorkFactorTooHigh`, `WrongPassword`, `CorruptPayload`
 */
export async function ageDecrypt(passphrase: Uint8Array, body: Uint8Array, opts: AgeDecryptOptions = {}): Promise<AgeDecrypted> {
  const maxWorkFactor = assertInt(opts.maxWorkFactor ?? DEFAULT_MAX_WORK_FACTOR, { field: 'maxWorkFactor', min: 0, max: MAX_WORK_FACTOR });
  const reportOffset = opts.reportOffset ?? 0;
  const h = parseHeader(body, reportOffset);
  if (h.workFactor > maxWorkFactor) {
    throw new StrongholdError('WorkFactorTooHigh', `snapshot work factor ${h.workFactor} is above the limit ${maxWorkFactor}; raise maxWorkFactor if you trust the file`,
      { workFactor: h.workFactor, maxWorkFactor });
  }
  const payload = body.subarray(h.length);
  const plaintextLength = payloadPlaintextLength(payload.length);
  if (payload.length < PAYLOAD_NONCE_BYTES + TAG_BYTES) throw truncated(body.length + reportOffset, h.length + PAYLOAD_NONCE_BYTES + TAG_BYTES + reportOffset);
  if (plaintextLength < 0) throw new StrongholdError('CorruptPayload', `snapshot payload length ${payload.length} is impossible for age chunks`, { reason: 'payload length' });

  const wrapKey = await ageScrypt(passphrase, scryptSalt(h.salt), h.workFactor, opts.onProgress ? { onProgress: opts.onProgress } : {});
  const fileKey = new Uint8Array(FILE_KEY_BYTES);
  try {
    sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(fileKey, null, h.wrappedKey.subarray(0, FILE_KEY_BYTES), h.wrappedKey.subarray(FILE_KEY_BYTES), null, ZERO_NONCE, wrapKey);
  } catch {
    throw new StrongholdError('WrongPassword', 'wrong password (the snapshot key does not unwrap the file key)', {});
  } finally {
    wipe(wrapKey);
  }
  try {
    const mac = headerMac(fileKey, body.subarray(0, h.length - MAC_B64 - 2));
    const macOk = equalBytes(mac, h.mac);
    if (!macOk) throw corruptHeader('header MAC');
    const plaintext = decryptPayload(fileKey, payload, plaintextLength);
    if (!opts.keepSession) return { plaintext, workFactor: h.workFactor };
    return { plaintext, workFactor: h.workFactor, session: new AgeSession(body.subarray(0, h.length), h.workFactor, Uint8Array.from(fileKey), passphrase) };
  } finally {
    wipe(fileKey);
  }
}
