/**
 * A server without sockets, as js-libp2p tests its protocols: the dispatcher of a Stronghold behind the stream
 * handler, reached over in-memory stream pairs (`streamPair` of @libp2p/utils). Peers are named by plain strings
 * (the firewall only compares them), so no identity or Noise handshake is needed; the transports that need them
 * are covered by the few tests that still use TCP (network.test.ts).
 */
import type { Stream } from '@libp2p/interface';
import { streamPair, type StreamPairOptions } from '@libp2p/utils';
import type { Stronghold } from '../../src/client/stronghold.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS } from '../../src/p2p/constants.js';
import { Dispatcher } from '../../src/p2p/dispatcher.js';
import { Firewall, type FirewallInit } from '../../src/p2p/firewall.js';
import { requestLimits, type RequestLimits } from '../../src/p2p/limits.js';
import { RemoteStronghold, type RemoteInit } from '../../src/p2p/remote.js';
import { handleStream } from '../../src/p2p/stream-handler.js';

export const SERVER_PEER = 'PeerServer';

export interface MemoryServerInit {
  firewall: FirewallInit;
  limits?: Partial<RequestLimits>;
  maxInFlight?: number;
  requestTimeoutMs?: number;
  maxMessageBytes?: number;
  /** Options of each in-memory pair (`capacity`: messages sent before write backpressure applies). */
  pair?: StreamPairOptions;
}

export interface MemoryServer {
  readonly dispatcher: Dispatcher;
  readonly firewall: Firewall;
  /** A new stream to the server, as `peer` (what a dial would give). */
  stream(peer: string): Promise<Stream>;
  /** A remote handle for `peer`, each of its dials a new in-memory stream. */
  connect(peer: string, local?: Stronghold | null, init?: RemoteInit): RemoteStronghold<undefined>;
}

export function memoryServer(sh: Stronghold, init: MemoryServerInit): MemoryServer {
  const firewall = new Firewall(init.firewall);
  const maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const dispatcher = new Dispatcher(sh, {
    firewall, self: SERVER_PEER, maxMessageBytes,
    maxInFlight: init.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    requestTimeoutMs: init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    limits: requestLimits(init.limits),
  });
  const stream = async (peer: string): Promise<Stream> => {
    const [outbound, inbound] = await streamPair(init.pair);
    handleStream(inbound, dispatcher, { peer, self: SERVER_PEER, maxMessageBytes }).catch((e: unknown) => inbound.abort(e as Error));
    return outbound;
  };
  return {
    dispatcher,
    firewall,
    stream,
    connect: (peer, local = null, remoteInit = {}) => new RemoteStronghold<undefined>(
      { peerId: SERVER_PEER, address: 'memory', open: () => stream(peer), stop: async () => {} }, local, remoteInit, undefined,
    ),
  };
}
