/**
 * One inbound stream of `/stronghold/rpc/1.0.0` (docs/spec/p2p-protocol.md §4), apart from libp2p: reads the
 * request frames, hands each to the dispatcher (which answers in any order, by id) and writes the answers in the
 * order they are ready. A frame that cannot be attributed (malformed, oversized, truncated, without a valid id)
 * gets an error with id `null` and closes this stream only. The stream ends once every answer is written.
 *
 * A peer that sends requests and never reads the answers: answers not yet written are bounded per stream
 * (`MAX_UNSENT_BYTES`; past it no further frame is read until they drain, so the peer's own writes block), and a
 * stream that does not drain for `WRITE_STALL_MS` is aborted. The server's memory per stream stays bounded. A
 * peer the firewall keeps denying has its next request read only after the dispatcher's `readDelay`.
 * server.ts registers it on a libp2p node; tests drive it over in-memory stream pairs.
 * @module
 */
import type { Stream } from '@libp2p/interface';
import { wipe } from '../memory/guarded.js';
import { MAX_UNSENT_BYTES, WRITE_STALL_MS } from './constants.js';
import { wireError, type Dispatcher } from './dispatcher.js';
import { decodeFrame, errorFrame, protocolError, requestId } from './messages.js';
import { readFrames, sendFrame } from './frames.js';

export interface StreamContext {
  /** The peer at the other end of the stream (its authenticated peer id). */
  peer: string;
  /** This server's peer id, named in the error that stands for an internal failure. */
  self: string;
  /** Largest frame read. */
  maxMessageBytes: number;
  /** Milliseconds an answer may wait for the peer to read before the stream is aborted; default `WRITE_STALL_MS`. */
  writeStallMs?: number;
}

/** Serves one stream until it ends or a frame cannot be attributed, then closes it. */
export async function handleStream(stream: Stream, dispatcher: Dispatcher, ctx: StreamContext): Promise<void> {
  const { peer, self, maxMessageBytes, writeStallMs = WRITE_STALL_MS } = ctx;
  let writes: Promise<void> = Promise.resolve();
  // Bytes of answers queued and not yet handed to the stream.
  let unsent = 0;
  // A write failed (the stream was closed, or aborted because the peer did not read): read nothing more.
  let broken = false;
  const send = (frame: Uint8Array): Promise<void> => {
    unsent += frame.length;
    writes = writes.then(() => sendFrame(stream, frame, writeStallMs)).catch(() => {
      broken = true;
    }).finally(() => {
      unsent -= frame.length;
    });
    return writes;
  };
  const pending = new Set<Promise<void>>();
  const finish = async (): Promise<void> => {
    await Promise.allSettled(pending);
    await writes;
    await stream.close().catch(() => {});
  };
  try {
    for await (const bytes of readFrames(stream, maxMessageBytes)) {
      // A peer the firewall keeps denying is read slowly: its flood costs the server little.
      const delay = dispatcher.readDelay(peer);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      let frame: { header: Record<string, unknown>; blob: Uint8Array };
      let id: number | null;
      try {
        frame = decodeFrame(bytes);
        id = requestId(frame.header);
        if (id === null) throw protocolError('request without a valid id');
      } catch (e) {
        wipe(bytes);
        void send(errorFrame(null, wireError(e, self)));
        return await finish();
      }
      const p: Promise<void> = dispatcher.dispatch(peer, id, frame.header, frame.blob).then(send).finally(() => pending.delete(p));
      pending.add(p);
      // Backpressure: while the peer has not taken its answers, read nothing more from it.
      if (unsent > MAX_UNSENT_BYTES) await writes;
      if (broken) break;
    }
  } catch (e) {
    // An oversized, malformed or truncated frame: tell the peer if it still listens, then close this stream.
    void send(errorFrame(null, wireError(e, self)));
  }
  await finish();
}
