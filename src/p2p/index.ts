/**
 * @packageDocumentation
 *
 * Peer-to-peer Strongholds over libp2p (TCP/WebSockets, Noise XX, yamux, circuit relay v2):
 * a server mode with a firewall, remote procedures and store access, relays, and sync.
 * The protocol is specified in docs/spec/p2p-protocol.md.
 *
 * @example Serve, then sign remotely
 * ```ts
 * import { serve, remote, peerIdOf } from 'stronghold-ts/p2p'
 * // terminal 1: the server allows one peer to sign with vault "keys" of client "wallet"
 * const server = await serve(sh, {
 *   listen: ['/ip4/127.0.0.1/tcp/4001'],
 *   firewall: { rules: { default: 'deny', peers: { [callerPeerId]: { clients: { wallet: { vaults: { keys: ['use'] } } } } } } },
 * })
 * // terminal 2: the caller's identity lives in its own snapshot
 * const r = await remote(mine, server.addresses()[0])
 * // the typed calls and outputs of a local client (a ProcedureClient); `.json` for the JSON form
 * const sig: Uint8Array = await r.client('wallet').execute(ed25519Sign({ privateKey: Location.generic('keys', 'k'), msg }))
 * await r.close(); await server.stop()
 * ```
 *
 * The identity key is stored in the snapshot (identity.ts) but, while a node runs, `@libp2p/crypto` keeps
 * the expanded key in an ordinary JS object that cannot be wiped.
 */
export { PROTOCOL, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_ASK_TIMEOUT_MS } from './constants.js';
export {
  Firewall, loadFirewallRules, parseFirewallRules, parseRule,
  type Access, type ClientRule, type Denial, type FirewallInit, type FirewallQuery, type FirewallRules, type RestrictedRule, type Rule,
  type StoreOperation, type VaultOperation,
} from './firewall.js';
export {
  DEFAULT_MAX_CHAIN_LENGTH, DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_PEER_BUDGET_MS, DEFAULT_BUDGET_WINDOW_MS,
} from './constants.js';
export { requestLimits, type RequestLimits } from './limits.js';
export { peerIdentity, peerIdOf } from './identity.js';
export { relay, waitForCircuitAddress, circuitAddresses, type RelayInit, type RelayNode } from './relay.js';
export { remote, RemoteClient, RemoteStore, RemoteStronghold, type LocationLike, type RemoteInit, type RemoteJsonClient, type RemoteTransport } from './remote.js';
export type { ProcedureClient } from '../client/client.js';
export { serve, type ServeInit, type StrongholdServer } from './server.js';
export { syncClients, syncSnapshots, type SyncOptions, type SyncResult } from './sync.js';
