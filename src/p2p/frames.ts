/**
 * Length-prefixed framing on a libp2p stream (docs/spec/p2p-protocol.md §2): each frame is an unsigned
 * varint length (multiformats unsigned-varint, minimal encoding) followed by that many bytes, the same
 * framing `lpStream` from @libp2p/utils writes. Every length is checked against the limit before anything is
 * buffered for it, and each received byte is copied at most once.
 * @module
 */
import type { Stream } from '@libp2p/interface';
import { StrongholdError } from '../errors.js';

/** The largest varint prefix we accept: 5 bytes encode up to 2^35 - 1, far above any frame limit. */
const MAX_VARINT_BYTES = 5;

function tooLarge(length: number, max: number): StrongholdError<'ProtocolError'> {
  return new StrongholdError('ProtocolError', `frame of ${length} bytes is above the limit of ${max}`, { reason: 'frame larger than the limit' });
}

/** The varint prefix of `n`. */
export function encodeLength(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** `varint(length) || frame`, ready to send in one write. */
export function prefixed(frame: Uint8Array): Uint8Array {
  const prefix = encodeLength(frame.length);
  const out = new Uint8Array(prefix.length + frame.length);
  out.set(prefix);
  out.set(frame, prefix.length);
  return out;
}

/**
 * Yields the frames of `stream` until it ends. Throws ProtocolError for a frame above `maxBytes`, a malformed
 * or non-minimal length, or a stream that ends inside a frame; a clean end between frames just returns.
 *
 * The work is linear in the bytes received, however they are chunked (docs/spec/p2p-protocol.md §2): a frame
 * that arrives whole inside one chunk is yielded as a view of it, and a frame split across chunks is copied
 * once into a buffer allocated when its length is known. Joining everything received so far on every chunk
 * was quadratic: a peer trickling a 4 MiB frame in small writes cost the server seconds of CPU before the
 * firewall ever saw the request.
 */
export async function* readFrames(stream: AsyncIterable<Uint8Array | { subarray(): Uint8Array }>, maxBytes: number): AsyncGenerator<Uint8Array> {
  // The varint prefix being read, which may itself be split across chunks.
  const prefix = new Uint8Array(MAX_VARINT_BYTES);
  let prefixLength = 0;
  // The frame being filled from several chunks, and how much of it has arrived.
  let frame: Uint8Array | null = null;
  let filled = 0;
  for await (const chunk of stream) {
    let bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    while (bytes.length > 0) {
      if (frame === null) {
        const b = bytes[0]!;
        bytes = bytes.subarray(1);
        if (prefixLength === MAX_VARINT_BYTES) throw new StrongholdError('ProtocolError', 'frame length prefix is too long', { reason: 'malformed length' });
        prefix[prefixLength++] = b;
        if ((b & 0x80) !== 0) continue;
        if (prefixLength > 1 && b === 0) throw new StrongholdError('ProtocolError', 'frame length prefix is not minimal', { reason: 'malformed length' });
        const need = decodeLength(prefix, prefixLength);
        prefixLength = 0;
        if (need > maxBytes) throw tooLarge(need, maxBytes);
        if (bytes.length >= need) {
          // Whole in this chunk: a view, not a copy, so wiping a secret blob wipes the received bytes themselves.
          const whole = bytes.subarray(0, need);
          bytes = bytes.subarray(need);
          yield whole;
          continue;
        }
        frame = new Uint8Array(need);
        filled = 0;
      }
      const take = Math.min(frame.length - filled, bytes.length);
      frame.set(bytes.subarray(0, take), filled);
      // The copy is what the frame's reader wipes; the received piece must not outlive it.
      bytes.fill(0, 0, take);
      filled += take;
      bytes = bytes.subarray(take);
      if (filled === frame.length) {
        const done = frame;
        frame = null;
        yield done;
      }
    }
  }
  if (frame !== null || prefixLength > 0) throw new StrongholdError('ProtocolError', 'the stream ended inside a frame', { reason: 'truncated frame' });
}

/** The value of a complete varint prefix (little-endian groups of 7 bits). */
function decodeLength(prefix: Uint8Array, length: number): number {
  let n = 0;
  let scale = 1;
  for (let i = 0; i < length; i++) {
    n += (prefix[i]! & 0x7f) * scale;
    scale *= 0x80;
  }
  return n;
}

/**
 * Sends one frame as a copy (the caller may wipe `frame` once this resolves: the client does, for secrets),
 * waiting for the stream to drain when its buffer is full.
 */
export async function writeFrame(stream: Stream, frame: Uint8Array): Promise<void> {
  if (!stream.send(prefixed(frame))) await stream.onDrain();
}

/**
 * Sends one frame without copying it (a server's answers: a large one is not copied again), so `frame` must not
 * change afterwards. A stream that does not drain within `stallMs` (a peer that does not read) is aborted and the
 * write fails.
 */
export async function sendFrame(stream: Stream, frame: Uint8Array, stallMs: number): Promise<void> {
  stream.send(encodeLength(frame.length));
  if (stream.send(frame)) return;
  try {
    await stream.onDrain({ signal: AbortSignal.timeout(stallMs) });
  } catch (e) {
    stream.abort(new Error('the peer did not read its answers'));
    throw e;
  }
}
