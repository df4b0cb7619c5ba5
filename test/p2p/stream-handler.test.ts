/**
 * The server's stream handler against a peer that sends requests and never reads the answers (attack (d) of
 * issue 14): once a frame's worth of answers waits unsent, the handler reads no further request from the stream,
 * and a stream that does not drain within the stall time is aborted. The stream is a stand-in whose writes never
 * drain, as a libp2p stream's do when the peer's window is full.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Stream } from '@libp2p/interface';
import { Stronghold } from '../../src/client/stronghold.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/p2p/constants.js';
import { Dispatcher } from '../../src/p2p/dispatcher.js';
import { Firewall } from '../../src/p2p/firewall.js';
import { prefixed } from '../../src/p2p/frames.js';
import { requestLimits } from '../../src/p2p/limits.js';
import { encodeFrame, requestHeader } from '../../src/p2p/messages.js';
import { handleStream } from '../../src/p2p/stream-handler.js';

/** A stream whose peer sends `frames` and never reads: every send fills the buffer, and drain never comes. */
function neverReading(frames: Uint8Array[]): { stream: Stream; pulled: () => number; aborted: () => boolean; sent: () => number } {
  let pulled = 0;
  let sent = 0;
  let aborted = false;
  const stream = {
    async *[Symbol.asyncIterator]() {
      for (const f of frames) {
        pulled++;
        yield f;
      }
      // The peer keeps the stream open.
      await new Promise(() => {});
    },
    send: () => (sent++, false),
    onDrain: (options?: { signal?: AbortSignal }) => new Promise<void>((_, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal!.reason))),
    abort: () => {
      aborted = true;
    },
    close: async () => {},
  } as unknown as Stream;
  return { stream, pulled: () => pulled, aborted: () => aborted, sent: () => sent };
}

test('a peer that never reads: the handler stops reading its requests once a frame of answers waits, then aborts the stream', async () => {
  const sh = Stronghold.create();
  const value = new Uint8Array(1 << 20).fill(7);
  sh.createClient('wallet').store.insert('big', value);
  const dispatcher = new Dispatcher(sh, {
    firewall: new Firewall({ rules: { default: 'allow', peers: {} } }), self: 'PeerS', maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    maxInFlight: 64, requestTimeoutMs: 10_000, limits: requestLimits(),
  });
  const key = Buffer.from('big').toString('hex');
  const frames = Array.from({ length: 40 }, (_, i) => prefixed(encodeFrame(requestHeader(i + 1, 'storeGet', { client: 'wallet', key }))));
  const peer = neverReading(frames);
  const served = handleStream(peer.stream, dispatcher, { peer: 'PeerP', self: 'PeerS', maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, writeStallMs: 300 });
  await new Promise((resolve) => setTimeout(resolve, 150));
  // Each answer holds the 1 MiB value: after a few of them wait unsent (4 MiB), no more requests are read.
  assert.ok(peer.pulled() < 10, `read ${peer.pulled()} of 40 requests from a peer that reads nothing`);
  assert.equal(peer.aborted(), false);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(peer.aborted(), true);
  assert.ok(peer.pulled() < 40);
  void served;
});
