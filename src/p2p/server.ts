/**
 * Serving a Stronghold over `/stronghold/rpc/1.0.0` (docs/spec/p2p-protocol.md §4).
 *
 * A peer opens a stream and sends request frames; the server answers each, in any order, with the request's
 * id. This module is the libp2p side: the node, the protocol handler and its streams-per-connection limit. Each
 * stream is stream-handler.ts's (framing, frame size: a larger frame gets an error and the stream is closed,
 * since it cannot be resynchronised); what a request gets is the dispatcher's (dispatcher.ts: in flight, the
 * firewall, the cost limits and the peer's budget, the timeout). Nothing one peer does reaches another peer's streams.
 * @module
 */
import type { Libp2p, PrivateKey } from '@libp2p/interface';
import type { Stronghold } from '../client/stronghold.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, MAX_INBOUND_STREAMS, PROTOCOL } from './constants.js';
import { Dispatcher } from './dispatcher.js';
import { Firewall, type FirewallInit } from './firewall.js';
import { requestLimits, type RequestLimits } from './limits.js';
import { peerIdentity } from './identity.js';
import { createNode } from './node.js';
import { handleStream } from './stream-handler.js';

export interface ServeInit {
  /** Multiaddrs to listen on; default `/ip4/127.0.0.1/tcp/0`. Add `<relay multiaddr>/p2p-circuit` to be reachable through a relay. */
  listen?: string[];
  /** A firewall, or its options. Default: deny everyone. */
  firewall?: Firewall | FirewallInit;
  /** Largest frame read or written, in bytes. */
  maxMessageBytes?: number;
  /** Requests one peer may have in flight. */
  maxInFlight?: number;
  /** Time one request may take, the firewall's "ask" included. */
  requestTimeoutMs?: number;
  /** Cost limits of a peer's request and the per-peer budget; each option defaults to constants.ts. */
  limits?: Partial<RequestLimits>;
  /** The node identity; default the Stronghold's own (identity.ts). */
  privateKey?: PrivateKey;
  /** Serve on an existing node instead of creating one (the caller stops it). */
  node?: Libp2p;
}

/** A running server. */
export interface StrongholdServer {
  readonly node: Libp2p;
  readonly peerId: string;
  readonly firewall: Firewall;
  /** Dialable addresses, each ending in `/p2p/<peer id>`. */
  addresses(): string[];
  /** Stops serving (and the node, if this server created it). Does not save the Stronghold. */
  stop(): Promise<void>;
}

/**
 * Serves `sh` until `stop()`. Clients that peers name are loaded on first use.
 * @throws StrongholdError `Locked` and what the firewall options or libp2p listening throw
 * @example
 * const server = await serve(sh, { listen: ['/ip4/127.0.0.1/tcp/4001'], firewall: { rules: { default: 'deny', peers: { [peer]: 'allow' } } } })
 * console.log(server.peerId, server.addresses())
 */
export async function serve(sh: Stronghold, init: ServeInit = {}): Promise<StrongholdServer> {
  const firewall = init.firewall instanceof Firewall ? init.firewall : new Firewall(init.firewall ?? {});
  const maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const limits = requestLimits(init.limits);
  const ownNode = init.node === undefined;
  const node = init.node ?? (await createNode({ privateKey: init.privateKey ?? (await peerIdentity(sh)), listen: init.listen ?? ['/ip4/127.0.0.1/tcp/0'] }));
  const self = node.peerId.toString();
  const dispatcher = new Dispatcher(sh, {
    firewall, self, maxMessageBytes, limits,
    maxInFlight: init.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    requestTimeoutMs: init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });

  await node.handle(PROTOCOL, (stream, connection) => {
    handleStream(stream, dispatcher, { peer: connection.remotePeer.toString(), self, maxMessageBytes })
      .catch((e: unknown) => stream.abort(e instanceof Error ? e : new Error('handler failed')));
  }, { maxInboundStreams: MAX_INBOUND_STREAMS, runOnLimitedConnection: true });

  return {
    node,
    peerId: self,
    firewall,
    addresses: () => node.getMultiaddrs().map((a) => a.toString()),
    async stop() {
      await node.unhandle(PROTOCOL);
      if (ownNode) await node.stop();
    },
  };
}
