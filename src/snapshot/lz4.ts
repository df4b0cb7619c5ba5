/**
 * Stronghold's LZ4-style block codec (docs/spec/snapshot-v3.md §6; Rust: engine/src/snapshot/compression).
 * It is neither the LZ4 frame format nor a conforming LZ4 block: no header, no size field, no end-of-block rules.
 *
 * `compress` is the exact greedy encoder of the Rust writer, so a decompressed fixture recompresses to the
 * same bytes. `decompress` accepts what the Rust decoder accepts (including a final token whose match
 * nibble is ignored) and adds a hard output cap, because one input byte can expand to 255 output bytes.
 * @module
 */
import { StrongholdError } from '../errors.js';

/** Entries in the encoder's position table (Rust `DICT_SIZE`). */
const TABLE_SIZE = 4096;
/** Multiplier of the encoder's hash (Rust `get_cursor_hash`). */
const HASH_MULTIPLIER = 0xa4d94a4f;
/** Shortest match; the token's low nibble stores length − 4. */
const MIN_MATCH = 4;
/** Largest back-reference distance (u16 offset). */
const MAX_OFFSET = 0xffff;

function read32(input: Uint8Array, p: number): number {
  // Little-endian: the Rust code uses native order and every known producer is little-endian (§6.2).
  return (input[p]! | (input[p + 1]! << 8) | (input[p + 2]! << 16) | (input[p + 3]! << 24)) >>> 0;
}

function hash(input: Uint8Array, p: number): number {
  let x = Math.imul(read32(input, p), HASH_MULTIPLIER) >>> 0;
  x = (x ^ ((x >>> 16) >>> (x >>> 30))) >>> 0;
  x = Math.imul(x, HASH_MULTIPLIER) >>> 0;
  return x % TABLE_SIZE;
}

/** Growable output buffer; `subarray` of the result aliases nothing else. */
class ByteSink {
  buf: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf.fill(0);
    this.buf = next;
  }
  push(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }
  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  /** A right-sized copy; the working buffer is wiped because it may hold secrets (vault keys). */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.wipe();
    return out;
  }
  wipe(): void {
    this.buf.fill(0);
    this.length = 0;
  }
}

function writeLength(out: ByteSink, n: number): void {
  while (n >= 0xff) {
    out.push(0xff);
    n -= 0xff;
  }
  out.push(n);
}

/**
 * Compresses exactly as Stronghold's Rust encoder does (spec §6.2).
 * @param input - bytes to compress
 * @returns the compressed block (an empty input gives the single byte `00`)
 */
export function compress(input: Uint8Array): Uint8Array {
  const n = input.length;
  const table = new Int32Array(TABLE_SIZE).fill(-1);
  const out = new ByteSink(n + (n >> 6) + 16);
  const hashable = (p: number): boolean => p + 4 < n;
  let cursor = 0;
  for (;;) {
    const start = cursor;
    let matchOffset = 0;
    let extension = 0;
    let isMatch = false;
    // Rust `pop_block`: advance one literal at a time until a match or the end of the input.
    while (cursor <= n) {
      if (hashable(cursor)) {
        const h = hash(input, cursor);
        const q = table[h]!;
        if (q >= 0 && cursor - q <= MAX_OFFSET && read32(input, q) === read32(input, cursor)) {
          while (cursor + MIN_MATCH + extension < n && input[cursor + MIN_MATCH + extension] === input[q + MIN_MATCH + extension]) extension++;
          matchOffset = cursor - q;
          isMatch = true;
          break;
        }
        table[h] = cursor;
      }
      cursor++;
    }
    const literals = (isMatch ? cursor : n) - start;
    out.push(((literals < 15 ? literals : 15) << 4) | (extension < 15 ? extension : 15));
    if (literals >= 15) writeLength(out, literals - 15);
    out.append(input.subarray(start, start + literals));
    if (!isMatch) break;
    out.push(matchOffset & 0xff);
    out.push(matchOffset >>> 8);
    if (extension >= 15) writeLength(out, extension - 15);
    // Every position the match covers goes into the table, as Rust `step_forward` does.
    const end = cursor + MIN_MATCH + extension;
    for (; cursor < end; cursor++) if (hashable(cursor)) table[hash(input, cursor)] = cursor;
  }
  return out.finish();
}

function corrupt(reason: string): StrongholdError<'CorruptPayload'> {
  return new StrongholdError('CorruptPayload', `snapshot payload does not decompress: ${reason}`, { reason });
}

/**
 * Decompresses a Stronghold block (spec §6.1), refusing to produce more than `maxOutput` bytes.
 * @param input - compressed bytes
 * @param maxOutput - hard cap on the decompressed size
 * @returns the decompressed bytes
 * @throws StrongholdError `CorruptPayload` for a malformed stream, `DecompressionLimit` past `maxOutput`
 */
export function decompress(input: Uint8Array, maxOutput: number): Uint8Array {
  const out = new ByteSink(Math.min(maxOutput, input.length * 2 + 64));
  const n = input.length;
  let i = 0;
  const limit = (extra: number): void => {
    if (out.length + extra > maxOutput) {
      throw new StrongholdError('DecompressionLimit', `snapshot payload decompresses to more than ${maxOutput} bytes`, { limit: maxOutput });
    }
  };
  const readLength = (base: number): number => {
    let size = base;
    for (;;) {
      if (i >= n) throw corrupt('unexpected end of input in a length');
      const b = input[i++]!;
      size += b;
      if (b !== 0xff) return size;
    }
  };
  try {
    while (i < n) {
      const token = input[i++]!;
      let literals = token >>> 4;
      if (literals === 15) literals = readLength(15);
      if (n - i < literals) throw corrupt('unexpected end of input in literals');
      limit(literals);
      out.append(input.subarray(i, i + literals));
      i += literals;
      // The Rust decoder stops after literals that end the input, whatever the match nibble says.
      if (i >= n) break;
      if (n - i < 2) throw corrupt('unexpected end of input in an offset');
      const offset = input[i]! | (input[i + 1]! << 8);
      i += 2;
      let length = MIN_MATCH + (token & 0x0f);
      if (length === MIN_MATCH + 15) length = readLength(length);
      if (offset === 0 || offset > out.length) throw corrupt('match offset outside the output');
      limit(length);
      out.reserve(length);
      const buf = out.buf;
      let from = out.length - offset;
      // Byte by byte: an overlapping copy repeats the last `offset` bytes.
      for (let k = 0; k < length; k++) buf[out.length++] = buf[from++]!;
    }
  } catch (e) {
    out.wipe();
    throw e;
  }
  return out.finish();
}
