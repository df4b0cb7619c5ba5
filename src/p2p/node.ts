/**
 * The libp2p node every Stronghold peer runs: TCP and WebSockets, the circuit relay v2 transport (to dial and
 * to be reached through relays), Noise XX encryption, yamux multiplexing, identify and ping. A relay node adds
 * the circuit relay v2 server. Addresses are multiaddrs.
 * @module
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import type { Libp2p, PrivateKey } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';

export interface NodeInit {
  privateKey: PrivateKey;
  /** Multiaddrs to listen on, e.g. `/ip4/127.0.0.1/tcp/0`, `/ip4/0.0.0.0/tcp/4002/ws`, or `<relay>/p2p-circuit`. */
  listen?: string[];
  /** Run a circuit relay v2 server (see relay.ts for its limits). */
  relayServer?: { maxReservations?: number; limited?: boolean };
}

/** Creates and starts a node. The caller stops it. */
export async function createNode(init: NodeInit): Promise<Libp2p> {
  const services: Record<string, (components: any) => unknown> = { identify: identify(), ping: ping() };
  if (init.relayServer) {
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations: init.relayServer.maxReservations ?? 128,
        // Stronghold traffic must not be cut after 128 KiB or 2 minutes (the relay v2 defaults), so a relay
        // built here applies no per-connection limit unless asked to.
        applyDefaultLimit: init.relayServer.limited === true,
      },
    });
  }
  return createLibp2p({
    privateKey: init.privateKey,
    addresses: { listen: init.listen ?? ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services,
  });
}
