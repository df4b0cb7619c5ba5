/**
 * The client side of `/stronghold/rpc/1.0.0`: `remote(local, addr)` dials a server and gives a handle whose
 * `client(path)` has the same procedure, write, list and store methods as a local `Client`, made async.
 *
 * Requests share one stream per handle (channel.ts), each with its own id, so many can be in flight (up to
 * `maxInFlight`, the rest wait in order). If the stream fails, the requests in flight fail with `RemoteError` and
 * the next request opens a new stream through the handle's transport (libp2p, or an in-memory pair in tests).
 * The store is remote-store.ts, sync batching remote-sync.ts.
 * @module
 */
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { assertBytes, toPathBytes } from '../assert.js';
import type { ListedRecord, ProcedureClient } from '../client/client.js';
import { syncEndpoint, type Stronghold } from '../client/stronghold.js';
import { clientId } from '../engine/ids.js';
import type { Location, Path } from '../engine/location.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { isCall } from '../procedures/fields.js';
import { isRegistered } from '../procedures/registry.js';
import { procedureToJSON } from '../procedures/json.js';
import type { ProcedureCall } from '../procedures/types.js';
import { Channel, type Answer } from './channel.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, PROTOCOL } from './constants.js';
import { hasPeerIdentity, peerIdentity } from './identity.js';
import { parseWireRecords, parseWireVaultIds, protocolError, type RequestBody, type RequestType } from './messages.js';
import { createNode } from './node.js';
import { decodeOutputs } from './outputs.js';
import { RemoteStore, type Ask } from './remote-store.js';
import { exportRecords, parseHierarchy } from './remote-sync.js';
import { expectBool, expectObject } from './results.js';
import { syncInto, type SyncOptions, type SyncResult, type SyncSource } from './sync.js';

export { RemoteStore } from './remote-store.js';

export interface RemoteInit {
  /** Dial from this node (the caller stops it); default: a new dial-only node with the local Stronghold's identity. */
  node?: Libp2p;
  /** The identity of the new node; default the local Stronghold's (identity.ts), or a fresh one without a Stronghold. */
  privateKey?: PrivateKey;
  maxMessageBytes?: number;
  /** Requests in flight at once; more wait. Keep it at or below the server's limit. */
  maxInFlight?: number;
  /** Time to wait for one answer; default a second more than the server's default, so its Timeout arrives first. */
  requestTimeoutMs?: number;
}

/** A location as `{vault, record}` / `{vault, counter}` or a Location. */
export type LocationLike = Location | { vault: Path; record: Path } | { vault: Path; counter: number };

/**
 * How a handle reaches its server: `open` gives a new stream of the protocol (over libp2p, or an in-memory pair
 * in tests), `stop` releases what the transport holds when the handle closes.
 */
export interface RemoteTransport {
  /** The server's peer id. */
  readonly peerId: string;
  /** The server's address, for messages. */
  readonly address: string;
  open(): Promise<Stream>;
  stop(): Promise<void>;
}

/** A connection to a remote Stronghold; `N` is the libp2p node it dials from (`undefined` over an in-memory transport). */
export class RemoteStronghold<N extends Libp2p | undefined = Libp2p> {
  /** The libp2p node that dials (`remote()`), or undefined when the transport is not libp2p. */
  readonly node: N;
  /** The server's peer id. */
  readonly peerId: string;
  readonly local: Stronghold | null;
  readonly #transport: RemoteTransport;
  readonly #maxMessageBytes: number;
  readonly #maxInFlight: number;
  readonly #timeoutMs: number;
  #channel: Channel | null = null;
  #dialing: Promise<Channel> | null = null;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  /** @internal Use `remote()`. */
  constructor(transport: RemoteTransport, local: Stronghold | null, init: RemoteInit, node: N) {
    this.#transport = transport;
    this.node = node;
    this.local = local;
    this.peerId = transport.peerId;
    this.#maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#maxInFlight = init.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.#timeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS + 1000;
  }

  /** A handle on client `path` of the server. Creates nothing; the server checks every request. */
  client(path: Path): RemoteClient {
    return new RemoteClient(this as RemoteStronghold<Libp2p | undefined>, toPathBytes(path, 'client'));
  }

  async #channelNow(): Promise<Channel> {
    if (this.#channel && !this.#channel.failed) return this.#channel;
    this.#dialing ??= (async () => {
      try {
        this.#channel = new Channel(await this.#transport.open(), this.peerId, this.#maxMessageBytes);
        return this.#channel;
      } catch (e) {
        if (isStrongholdError(e)) throw e;
        throw new StrongholdError('RemoteError', `cannot reach ${this.#transport.address}`, { peer: this.peerId, reason: 'dial failed' }, { cause: e });
      } finally {
        this.#dialing = null;
      }
    })();
    return this.#dialing;
  }

  /** Opens the stream now rather than at the first request. */
  async connect(): Promise<void> {
    await this.#channelNow();
  }

  /** @internal One request; waits for a slot when `maxInFlight` are out. */
  async request(type: RequestType, body: RequestBody, blob?: Uint8Array): Promise<Answer> {
    if (this.#active >= this.#maxInFlight) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      const channel = await this.#channelNow();
      return await channel.request(type, body, blob, this.#timeoutMs);
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  /** Closes the stream (and the node, if this handle created it). */
  async close(): Promise<void> {
    await this.#channel?.close();
    this.#channel = null;
    await this.#transport.stop();
  }
}

/** A remote client in the JSON form: procedures as `{type, ...fields}` objects, results as JSON. */
export interface RemoteJsonClient {
  /** Runs one procedure; returns the JSON form of its output (hex for bytes, null for none). */
  execute(procedure: Record<string, unknown>): Promise<unknown>;
  /** Runs a chain, with the same rollback as locally; returns the JSON results. */
  executeChain(chain: readonly Record<string, unknown>[]): Promise<unknown[]>;
}

/** True for a call a procedure builder or the parser made; not for its JSON form or a look-alike. */
function isBuilderCall(c: unknown): c is ProcedureCall {
  return isCall(c) && isRegistered((c as ProcedureCall).procedure);
}

/**
 * A client of a remote Stronghold: the methods of a local `Client`, async. `execute` and `executeChain` take the
 * typed calls a local client takes and return the same typed outputs (`ProcedureClient`, one type for both);
 * `json` takes and returns the JSON form (docs/procedures.md), as the command line does.
 */
export class RemoteClient implements ProcedureClient {
  readonly #remote: RemoteStronghold<Libp2p | undefined>;
  readonly path: Uint8Array;

  /** @internal Use `RemoteStronghold.client`. */
  constructor(remote: RemoteStronghold<Libp2p | undefined>, path: Uint8Array) {
    this.#remote = remote;
    this.path = path;
  }

  #ask(type: RequestType, body: Omit<RequestBody, 'client'> = {}, blob?: Uint8Array): Promise<Answer> {
    return this.#remote.request(type, { client: this.path, ...body }, blob);
  }

  /** Runs one procedure made by a typed builder (`ed25519Sign({...})`) on the server; returns its typed output. */
  async execute<O>(call: ProcedureCall<unknown, O>): Promise<O> {
    const [out] = await this.executeChain([call]);
    return out as O;
  }

  /**
   * Runs a chain of builder calls on the server, with the same rollback as locally; returns the outputs as a
   * local `executeChain` does (Uint8Array for bytes, undefined for none).
   */
  async executeChain(calls: readonly ProcedureCall[]): Promise<unknown[]> {
    if (!Array.isArray(calls)) throw invalidArgument('calls', 'an array of procedure calls');
    for (const [i, c] of calls.entries()) {
      if (!isBuilderCall(c)) throw invalidArgument(`calls[${i}]`, 'a procedure call made by a builder (for the JSON form use .json.execute / .json.executeChain)');
    }
    // A builder's call holds TS values (bytes, Locations) that JSON.stringify would mangle; its JSON form is what the server parses.
    const { result, blob } = await this.#ask('execute', { chain: calls.map((c) => procedureToJSON(c)), values: true });
    return decodeOutputs(result, blob, calls.length);
  }

  /**
   * This client in the JSON form of docs/procedures.md, as the command line and FROST coordinators use it (a
   * `ProcedureExecutor` of stronghold-ts/frost): procedures in, JSON results out (hex for bytes).
   */
  get json(): RemoteJsonClient {
    return {
      execute: async (procedure) => (await this.#executeJson([procedure]))[0],
      executeChain: (chain) => this.#executeJson(chain),
    };
  }

  async #executeJson(chain: readonly Record<string, unknown>[]): Promise<unknown[]> {
    const { result } = await this.#ask('execute', { chain });
    const results = expectObject(result).results;
    if (!Array.isArray(results) || results.length !== chain.length) throw protocolError('results do not match the chain');
    return results;
  }

  /** Creates or replaces the secret at `location`. The secret travels in the frame's blob, never as text. */
  async writeSecret(location: LocationLike, secret: Uint8Array): Promise<void> {
    await this.#ask('writeSecret', { location }, assertBytes(secret, { field: 'secret' }));
  }

  async revokeSecret(location: LocationLike): Promise<void> {
    await this.#ask('revokeSecret', { location });
  }

  async deleteSecret(location: LocationLike): Promise<void> {
    await this.#ask('deleteSecret', { location });
  }

  async vaultExists(vault: Path): Promise<boolean> {
    return expectBool((await this.#ask('vaultExists', { vault })).result, 'exists');
  }

  async recordExists(location: LocationLike): Promise<boolean> {
    return expectBool((await this.#ask('recordExists', { location })).result, 'exists');
  }

  async listRecords(vault: Path): Promise<ListedRecord[]> {
    return parseWireRecords(expectObject((await this.#ask('listRecords', { vault })).result).records);
  }

  /**
   * The ids (hex) of the vaults of this client that the server's firewall lets this peer `list`; vaults it
   * may not list are left out, not refused. Ids, since a Stronghold keeps no vault names.
   */
  async listVaults(): Promise<string[]> {
    return parseWireVaultIds(expectObject((await this.#ask('listVaults')).result).vaults);
  }

  /** The client's persisted store on the server. */
  get store(): RemoteStore {
    return new RemoteStore(this.#asker);
  }

  readonly #asker: Ask = (type, body, blob) => this.#ask(type, body, blob);

  /** This client as a sync source: its hierarchy, and exports re-encrypted for this requester. */
  syncSource(): SyncSource {
    return {
      hierarchy: async () => parseHierarchy((await this.#ask('syncHierarchy')).result),
      export: (selection) => exportRecords(this.#asker, this.path, selection),
    };
  }

  /**
   * Pulls records of this remote client into client `into` of the local Stronghold (created if missing).
   * Save the local Stronghold to keep them.
   */
  async pull(into: Path, options: SyncOptions = {}): Promise<SyncResult> {
    const local = this.#remote.local;
    if (!local) throw new StrongholdError('InvalidArgument', '"local" expected a Stronghold to pull into', { field: 'local', expected: 'a Stronghold' });
    const bytes = toPathBytes(into, 'into');
    if (!local.hasClient(bytes)) local.createClient(bytes);
    return syncInto(syncEndpoint(local, clientId(bytes))!, this.syncSource(), { ...options, fromPeer: true });
  }
}

/**
 * Connects to the Stronghold served at `addr` (a multiaddr ending in `/p2p/<peer id>`), with the identity of
 * `local`. On first use the identity is created in `local` and, when `local` was opened from a file, saved at
 * once (with whatever else was pending), so the server and `stronghold id` see the same peer id from then on;
 * `local` must then be open for writing (it holds the writer lock). An in-memory `local` keeps its identity only
 * for its own lifetime: save it with `saveAs` to keep the peer id.
 * @throws StrongholdError `RemoteError` (cannot dial), `InvalidArgument` (a bad address; a read-only `local`
 *   without an identity yet), `Io`
 * @example
 * const r = await remote(sh, '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...')
 * const sig = await r.client('wallet').execute(ed25519Sign({ privateKey: Location.generic('v', 'k'), msg })) // Uint8Array
 * const hex = await r.client('wallet').json.execute({ type: 'Ed25519Sign', privateKey: { vault: 'v', record: 'k' }, msg: '00' })
 */
export async function remote(local: Stronghold | null, addr: string | Multiaddr, init: RemoteInit = {}): Promise<RemoteStronghold> {
  let ma: Multiaddr;
  try {
    ma = typeof addr === 'string' ? multiaddr(addr) : addr;
  } catch {
    throw new StrongholdError('InvalidArgument', '"addr" expected a multiaddr', { field: 'addr', expected: 'a multiaddr such as /ip4/127.0.0.1/tcp/4001/p2p/<peer id>' });
  }
  const ownNode = init.node === undefined;
  const created = init.privateKey === undefined && local !== null && !hasPeerIdentity(local);
  const privateKey = init.privateKey ?? (local ? await peerIdentity(local) : await generateKeyPair('Ed25519'));
  // An identity that is not saved is a throw-away one: the server would see a new peer id on every run, and
  // rules written from its log or from `stronghold id` would never match. In memory there is no file to save to.
  if (created && local.path !== null) await local.save();
  const node = init.node ?? (await createNode({ privateKey, listen: [] }));
  const transport: RemoteTransport = {
    peerId: ma.getComponents().filter((c) => c.name === 'p2p').at(-1)?.value ?? '',
    address: ma.toString(),
    open: () => node.dialProtocol(ma, PROTOCOL, { runOnLimitedConnection: true }),
    stop: async () => {
      if (ownNode) await node.stop();
    },
  };
  const r = new RemoteStronghold<Libp2p>(transport, local, init, node);
  try {
    await r.connect();
  } catch (e) {
    if (ownNode) await node.stop();
    throw e;
  }
  return r;
}
