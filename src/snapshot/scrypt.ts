/**
 * scrypt (RFC 7914) for the age scrypt recipient: r = 8, p = 1, 32-byte output, N = 2^W.
 *
 * W >= 1 runs in node:crypto's native scrypt on the libuv thread pool, so the event loop stays free during
 * an unlock at W = 19 (512 MiB, 1-2 s); in the browser build, in @noble/hashes' async scrypt, which yields to the
 * event loop every few milliseconds and reports how far it is (`fraction`). Node and noble refuse N = 1, which
 * Stronghold writes at W = 0 (the IOTA SDK test fixtures), so W = 0 uses the small RFC 7914 implementation
 * below; at N = 1 it costs microseconds. Progress: start, a tick per interval with the elapsed time, done.
 * @module
 */
import { StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { pbkdf2, scrypt } from '../platform/crypto.js';

/** age fixes the block size (age spec, scrypt recipient). */
export const SCRYPT_R = 8;
/** age fixes the parallelisation (age spec, scrypt recipient). */
export const SCRYPT_P = 1;
/** age derives a 32-byte ChaCha20-Poly1305 wrap key. */
export const SCRYPT_KEY_BYTES = 32;
/** Extra room above node's own requirement 128·r·(N + p + 2), which node checks exactly (one byte less fails). */
const MAXMEM_SLACK_BYTES = 1024 * 1024;
/** How often a running derivation reports its elapsed time. Our choice: often enough for a CLI spinner. */
export const PROGRESS_INTERVAL_MS = 250;

/** One progress report of a key derivation. */
export interface ScryptProgress {
  phase: 'start' | 'tick' | 'done';
  workFactor: number;
  elapsedMs: number;
  /** Fraction done, 0..1, where the implementation tells (the browser build); absent with node:crypto. */
  fraction?: number;
}

/** Options of `ageScrypt`. */
export interface ScryptOptions {
  onProgress?: (progress: ScryptProgress) => void;
}

// Node refuses parameters it cannot allocate (W in the 30s and up on most machines): a caller's choice, not the file's fault.
function tooBig(workFactor: number, cause: unknown): StrongholdError<'InvalidArgument'> {
  return new StrongholdError('InvalidArgument', `"workFactor" expected a work factor this machine can compute, got ${workFactor}`,
    { field: 'workFactor', expected: 'a work factor this machine can compute' }, { cause });
}

/** Bytes node must be allowed to use for N = 2^W with age's r and p. */
export function scryptMaxmem(workFactor: number): number {
  return 128 * SCRYPT_R * (2 ** workFactor + SCRYPT_P + 2) + MAXMEM_SLACK_BYTES;
}

/**
 * age's scrypt: scrypt(P = passphrase, S = salt, N = 2^workFactor, r = 8, p = 1, dkLen = 32).
 * @param passphrase - not modified
 * @param salt - the full scrypt salt (age label || 16-byte salt)
 * @param workFactor - log2 N, 0..63 (the caller enforces its own maximum before calling)
 * @returns a fresh 32-byte key the caller wipes
 */
export async function ageScrypt(passphrase: Uint8Array, salt: Uint8Array, workFactor: number, opts: ScryptOptions = {}): Promise<Uint8Array> {
  const started = performance.now();
  let fraction: number | undefined;
  const report = (phase: ScryptProgress['phase']): void =>
    opts.onProgress?.({ phase, workFactor, elapsedMs: performance.now() - started, ...(fraction === undefined ? {} : { fraction }) });
  report('start');
  if (workFactor === 0) {
    const key = scryptSync(passphrase, salt, 1, SCRYPT_R, SCRYPT_P, SCRYPT_KEY_BYTES);
    report('done');
    return key;
  }
  // Ticks come from a timer (node:crypto says nothing until it is done) and from noble's own progress callback,
  // whose yields (scheduler.yield in browsers) run ahead of timers, which can then starve until the end.
  let lastTick = started;
  const tick = (): void => {
    const now = performance.now();
    if (now - lastTick < PROGRESS_INTERVAL_MS) return;
    lastTick = now;
    report('tick');
  };
  const timer = opts.onProgress ? setInterval(tick, PROGRESS_INTERVAL_MS) : undefined;
  // Node's timers keep the process alive unless unref'd; a browser's have no unref.
  (timer as { unref?: () => void } | undefined)?.unref?.();
  try {
    let key: Uint8Array;
    try {
      key = await scrypt(passphrase, salt, {
        N: 2 ** workFactor, r: SCRYPT_R, p: SCRYPT_P, dkLen: SCRYPT_KEY_BYTES, maxmem: scryptMaxmem(workFactor),
        onProgress: (f) => {
          fraction = f;
          if (opts.onProgress) tick();
        },
      });
    } catch (err) {
      throw tooBig(workFactor, err);
    }
    report('done');
    return key;
  } finally {
    clearInterval(timer);
  }
}

// --- RFC 7914 in plain TypeScript, for the N that node refuses ---

const rotl = (a: number, b: number): number => (a << b) | (a >>> (32 - b));

/** RFC 7914 §3: Salsa20/8 core applied in place to the 16 words of `b`. */
function salsa208(b: Uint32Array): void {
  let x0 = b[0]!, x1 = b[1]!, x2 = b[2]!, x3 = b[3]!, x4 = b[4]!, x5 = b[5]!, x6 = b[6]!, x7 = b[7]!;
  let x8 = b[8]!, x9 = b[9]!, x10 = b[10]!, x11 = b[11]!, x12 = b[12]!, x13 = b[13]!, x14 = b[14]!, x15 = b[15]!;
  for (let i = 0; i < 8; i += 2) {
    x4 ^= rotl(x0 + x12, 7); x8 ^= rotl(x4 + x0, 9); x12 ^= rotl(x8 + x4, 13); x0 ^= rotl(x12 + x8, 18);
    x9 ^= rotl(x5 + x1, 7); x13 ^= rotl(x9 + x5, 9); x1 ^= rotl(x13 + x9, 13); x5 ^= rotl(x1 + x13, 18);
    x14 ^= rotl(x10 + x6, 7); x2 ^= rotl(x14 + x10, 9); x6 ^= rotl(x2 + x14, 13); x10 ^= rotl(x6 + x2, 18);
    x3 ^= rotl(x15 + x11, 7); x7 ^= rotl(x3 + x15, 9); x11 ^= rotl(x7 + x3, 13); x15 ^= rotl(x11 + x7, 18);
    x1 ^= rotl(x0 + x3, 7); x2 ^= rotl(x1 + x0, 9); x3 ^= rotl(x2 + x1, 13); x0 ^= rotl(x3 + x2, 18);
    x6 ^= rotl(x5 + x4, 7); x7 ^= rotl(x6 + x5, 9); x4 ^= rotl(x7 + x6, 13); x5 ^= rotl(x4 + x7, 18);
    x11 ^= rotl(x10 + x9, 7); x8 ^= rotl(x11 + x10, 9); x9 ^= rotl(x8 + x11, 13); x10 ^= rotl(x9 + x8, 18);
    x12 ^= rotl(x15 + x14, 7); x13 ^= rotl(x12 + x15, 9); x14 ^= rotl(x13 + x12, 13); x15 ^= rotl(x14 + x13, 18);
  }
  const x = [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15];
  for (let i = 0; i < 16; i++) b[i] = (b[i]! + x[i]!) >>> 0;
}

/** RFC 7914 §4: scryptBlockMix of the 2r 64-byte blocks `b` (as words), result in `out`. */
function blockMix(b: Uint32Array, out: Uint32Array, r: number, t: Uint32Array): void {
  const last = (2 * r - 1) * 16;
  const y = t.subarray(0, 16);
  y.set(b.subarray(last, last + 16));
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) y[k] = y[k]! ^ b[i * 16 + k]!;
    salsa208(y);
    // Even blocks go to the first half of the output, odd ones to the second (Y0, Y2, ..., Y1, Y3, ...).
    const dst = ((i & 1) * r + (i >> 1)) * 16;
    out.set(y, dst);
  }
}

/** RFC 7914 §5: scryptROMix on one 128·r-byte block, in place. */
function roMix(block: Uint32Array, n: number, r: number): void {
  const words = 32 * r;
  const v = new Uint32Array(words * n);
  const x = new Uint32Array(words);
  const y = new Uint32Array(words);
  const t = new Uint32Array(16);
  x.set(block);
  for (let i = 0; i < n; i++) {
    v.set(x, i * words);
    blockMix(x, y, r, t);
    x.set(y);
  }
  for (let i = 0; i < n; i++) {
    // Integerify: the first word of the last 64-byte block; N <= 2^32 so the low word decides j.
    const j = x[(2 * r - 1) * 16]! % n;
    for (let k = 0; k < words; k++) x[k] = x[k]! ^ v[j * words + k]!;
    blockMix(x, y, r, t);
    x.set(y);
  }
  block.set(x);
  v.fill(0); x.fill(0); y.fill(0); t.fill(0);
}

/**
 * Synchronous RFC 7914 scrypt for small N (any power of two, including N = 1). Used for W = 0 only;
 * also the reference the tests compare with node:crypto at N = 16.
 * @returns a fresh key of `dkLen` bytes
 */
export function scryptSync(passphrase: Uint8Array, salt: Uint8Array, n: number, r: number, p: number, dkLen: number): Uint8Array {
  const b = pbkdf2('sha256', passphrase, salt, 1, p * 128 * r);
  const words = new Uint32Array(b.length / 4);
  const view = new DataView(b.buffer);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * 4, true);
  for (let i = 0; i < p; i++) roMix(words.subarray(i * 32 * r, (i + 1) * 32 * r), n, r);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i]!, true);
  words.fill(0);
  const key = pbkdf2('sha256', passphrase, b, 1, dkLen);
  wipe(b);
  return key;
}
