/**
 * Length-prefixed framing on a libp2p stream (docs/spec/p2p-protocol.md §2): each frame is an unsigned
 * varint length (multiformats unsigned-varint, minimal encoding) followed by that many bytes, the same
 * framing `lpStream` from @libp2p/utils writes. Reading is done here over whole chunks rather than byte by byte,
 * and every length is checked against the limit before anything is buffered for it.
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
 */
export async function* readFrames(stream: AsyncIterable<Uint8Array | { subarray(): Uint8Array }>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let buf: Uint8Array = new Uint8Array(0);
  let need = -1;
  for await (const chunk of stream) {
    const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    if (buf.length === 0) buf = bytes;
    else {
      const joined = new Uint8Array(buf.length + bytes.length);
      joined.set(buf);
      joined.set(bytes, buf.length);
      buf = joined;
    }
    for (;;) {
      if (need < 0) {
        let n = 0;
        let scale = 1;
        let i = 0;
        for (; i < buf.length && i < MAX_VARINT_BYTES; i++) {
          const b = buf[i]!;
          n += (b & 0x7f) * scale;
          scale *= 0x80;
          if ((b & 0x80) === 0) break;
        }
        if (i === buf.length) break;
        if (i === MAX_VARINT_BYTES) throw new StrongholdError('ProtocolError', 'frame length prefix is too long', { reason: 'malformed length' });
        if (i > 0 && buf[i] === 0) throw new StrongholdError('ProtocolError', 'frame length prefix is not minimal', { reason: 'malformed length' });
        if (n > maxBytes) throw tooLarge(n, maxBytes);
        need = n;
        buf = buf.subarray(i + 1);
      }
      if (buf.length < need) break;
      // A view, not a copy: wiping a secret blob then wipes the received bytes themselves.
      const frame = buf.subarray(0, need);
      buf = buf.subarray(need);
      need = -1;
      yield frame;
    }
  }
  if (need >= 0 || buf.length > 0) throw new StrongholdError('ProtocolError', 'the stream ended inside a frame', { reason: 'truncated frame' });
}

/** Sends one frame, waiting for the stream to drain when its buffer is full. */
export async function writeFrame(stream: Stream, frame: Uint8Array): Promise<void> {
  if (!stream.send(prefixed(frame))) await stream.onDrain();
}
