/**
 * Circuit relay v2: a relay node, and waiting for a server's `/p2p-circuit` address once its reservation is made.
 *
 * A server behind NAT listens on `<relay multiaddr>/p2p-circuit` (e.g. `serve(sh, { listen: [...] })`); the
 * transport reserves a slot on the relay and the server becomes reachable at
 * `<relay multiaddr>/p2p-circuit/p2p/<server id>`. Relay v2 limits relayed connections to 128 KiB and 2 minutes
 * by default, which would cut Stronghold traffic, so a relay made here applies no limit unless `limited` is set
 * (the Stronghold protocol is also registered to run on limited connections). Traffic stays end-to-end Noise.
 * @module
 */
import type { Libp2p, PrivateKey } from '@libp2p/interface';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { StrongholdError } from '../errors.js';
import { createNode } from './node.js';

/** Reservations a relay accepts. Our choice: the circuit relay v2 default of 15 is small for a dedicated relay. */
export const DEFAULT_MAX_RESERVATIONS = 128;

export interface RelayInit {
  /** Multiaddrs to listen on; default `/ip4/127.0.0.1/tcp/0`. */
  listen?: string[];
  /** A stable identity (so its address stays the same); default a fresh one. */
  privateKey?: PrivateKey;
  maxReservations?: number;
  /** Apply the relay v2 default limits (128 KiB, 2 minutes per relayed connection). Default false. */
  limited?: boolean;
}

export interface RelayNode {
  readonly node: Libp2p;
  readonly peerId: string;
  /** Addresses servers reserve on (each ending in `/p2p/<relay id>`). */
  addresses(): string[];
  stop(): Promise<void>;
}

/** Starts a circuit relay v2 node. */
export async function relay(init: RelayInit = {}): Promise<RelayNode> {
  const node = await createNode({
    privateKey: init.privateKey ?? (await generateKeyPair('Ed25519')),
    listen: init.listen ?? ['/ip4/127.0.0.1/tcp/0'],
    relayServer: { maxReservations: init.maxReservations ?? DEFAULT_MAX_RESERVATIONS, limited: init.limited === true },
  });
  return {
    node,
    peerId: node.peerId.toString(),
    addresses: () => node.getMultiaddrs().map((a) => a.toString()),
    stop: async () => {
      await node.stop();
    },
  };
}

/** The node's relayed addresses (`.../p2p-circuit/p2p/<id>`). */
export function circuitAddresses(node: Libp2p): string[] {
  return node.getMultiaddrs().map((a) => a.toString()).filter((a) => a.includes('/p2p-circuit'));
}

/**
 * Resolves with the node's relayed addresses once its reservation is made.
 * @throws StrongholdError `Timeout`
 */
export async function waitForCircuitAddress(node: Libp2p, timeoutMs = 10_000): Promise<string[]> {
  const now = circuitAddresses(node);
  if (now.length > 0) return now;
  return new Promise<string[]>((resolve, reject) => {
    const onUpdate = (): void => {
      const found = circuitAddresses(node);
      if (found.length === 0) return;
      cleanup();
      resolve(found);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new StrongholdError('Timeout', `no relay reservation within ${timeoutMs} ms`, { operation: 'relay reservation', ms: timeoutMs }));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      node.removeEventListener('self:peer:update', onUpdate);
    };
    node.addEventListener('self:peer:update', onUpdate);
  });
}
