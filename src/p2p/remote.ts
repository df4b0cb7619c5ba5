/**
 * The client side of `/stronghold/rpc/1.0.0`: `remote(local, addr)` dials a server and gives a handle whose
 * `client(path)` has the same procedure, write, list and store methods as a local `Client`, made async.
 *
 * Requests share one stream per handle, each with its own id, so many can be in flight (up to `maxInFlight`,
 * the rest wait in order). If the stream fails, the requests in flight fail with `RemoteError` and the next
 * request dials again. Procedures take and return the JSON form (docs/procedures.md), which is what travels.
 * @module
 */
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { x25519 } from '@noble/curves/ed25519.js';
import { assertBytes, parseHex, toHex, toPathBytes } from '../assert.js';
import type { ListedRecord } from '../client/client.js';
import { syncEndpoint, type Stronghold } from '../client/stronghold.js';
import { clientId } from '../engine/ids.js';
import type { Location, Path } from '../engine/location.js';
import type { InsertOptions, StoreKey } from '../engine/store.js';
import { isStrongholdError, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { procedureToJSON } from '../procedures/json.js';
import type { ProcedureCall } from '../procedures/types.js';
import { readSnapshot } from '../snapshot/codec.js';
import type { ClientState } from '../snapshot/state.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, MAX_REQUEST_ID, PROTOCOL, SYNC_BATCH_RECORDS } from './constants.js';
import { hasPeerIdentity, peerIdentity } from './identity.js';
import { encodeFrame, parseResponse, parseWireRecords, parseWireVaultIds, protocolError, requestHeader, type RequestBody, type RequestType } from './messages.js';
import { createNode } from './node.js';
import { readFrames, writeFrame } from './frames.js';
import { agree, syncInto, wipeState, type Hierarchy, type Selection, type SyncOptions, type SyncResult, type SyncSource } from './sync.js';

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

interface Answer {
  result: unknown;
  blob: Uint8Array;
}

interface Pending {
  resolve(a: Answer): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

/** One stream to the server and the requests in flight on it. */
class Channel {
  readonly #stream: Stream;
  readonly #maxMessageBytes: number;
  readonly #pending = new Map<number, Pending>();
  readonly #peer: string;
  #nextId = 1;
  #writes: Promise<void> = Promise.resolve();
  failed: StrongholdError | null = null;

  constructor(stream: Stream, peer: string, maxMessageBytes: number) {
    this.#stream = stream;
    this.#peer = peer;
    this.#maxMessageBytes = maxMessageBytes;
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    try {
      for await (const frame of readFrames(this.#stream, this.#maxMessageBytes)) {
        const res = parseResponse(frame);
        if (!res.ok && res.id === null) {
          this.#stream.abort(res.error);
          return this.#fail(res.error);
        }
        const id = res.id as number;
        const p = this.#pending.get(id);
        if (!p) continue;
        this.#pending.delete(id);
        clearTimeout(p.timer);
        if (res.ok) p.resolve({ result: res.result, blob: res.blob });
        else p.reject(res.error);
      }
    } catch (e) {
      this.#stream.abort(e instanceof Error ? e : new Error('malformed response'));
      return this.#fail(isStrongholdError(e) ? (e as StrongholdError) : protocolError('malformed response'));
    }
    this.#fail(new StrongholdError('RemoteError', 'the connection to the server closed', { peer: this.#peer, reason: 'stream closed' }));
  }

  #fail(err: StrongholdError): void {
    this.failed ??= err;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
  }

  request(type: RequestType, body: RequestBody, blob: Uint8Array | undefined, timeoutMs: number): Promise<Answer> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.#nextId;
    this.#nextId = this.#nextId >= MAX_REQUEST_ID ? 1 : this.#nextId + 1;
    const frame = encodeFrame(requestHeader(id, type, body), blob);
    // A frame still queued when its request gives up is never sent (it would go out wiped).
    let abandoned = false;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new StrongholdError('Timeout', `no answer to ${type} within ${timeoutMs} ms`, { operation: type, ms: timeoutMs }));
      }, timeoutMs).unref();
      this.#pending.set(id, { resolve, reject, timer });
      this.#writes = this.#writes.then(() => (abandoned ? undefined : writeFrame(this.#stream, frame))).catch((e: unknown) => {
        this.#fail(new StrongholdError('RemoteError', 'could not send to the server', { peer: this.#peer, reason: 'write failed' }, { cause: e }));
      });
    }).finally(() => {
      abandoned = true;
      // The frame may hold a secret; it has been handed to the stream by now, or it never will be.
      if (blob) wipe(frame);
    });
  }

  async close(): Promise<void> {
    await this.#writes;
    await this.#stream.close().catch(() => this.#stream.abort(new Error('close failed')));
  }
}

/** A connection to a remote Stronghold. */
export class RemoteStronghold {
  readonly node: Libp2p;
  /** The server's peer id. */
  readonly peerId: string;
  readonly local: Stronghold | null;
  readonly #addr: Multiaddr;
  readonly #ownNode: boolean;
  readonly #maxMessageBytes: number;
  readonly #maxInFlight: number;
  readonly #timeoutMs: number;
  #channel: Channel | null = null;
  #dialing: Promise<Channel> | null = null;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  /** @internal Use `remote()`. */
  constructor(node: Libp2p, addr: Multiaddr, local: Stronghold | null, ownNode: boolean, init: RemoteInit) {
    this.node = node;
    this.#addr = addr;
    this.local = local;
    this.#ownNode = ownNode;
    this.peerId = addr.getComponents().filter((c) => c.name === 'p2p').at(-1)?.value ?? '';
    this.#maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#maxInFlight = init.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.#timeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS + 1000;
  }

  /** A handle on client `path` of the server. Creates nothing; the server checks every request. */
  client(path: Path): RemoteClient {
    return new RemoteClient(this, toPathBytes(path, 'client'));
  }

  async #channelNow(): Promise<Channel> {
    if (this.#channel && !this.#channel.failed) return this.#channel;
    this.#dialing ??= (async () => {
      try {
        const stream = await this.node.dialProtocol(this.#addr, PROTOCOL, { runOnLimitedConnection: true });
        this.#channel = new Channel(stream, this.peerId, this.#maxMessageBytes);
        return this.#channel;
      } catch (e) {
        if (isStrongholdError(e)) throw e;
        throw new StrongholdError('RemoteError', `cannot reach ${this.#addr.toString()}`, { peer: this.peerId, reason: 'dial failed' }, { cause: e });
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
    if (this.#ownNode) await this.node.stop();
  }
}

const enc = new TextEncoder();
const storeKey = (key: StoreKey): string => toHex(typeof key === 'string' ? enc.encode(key) : assertBytes(key, { field: 'key' }));

function expectObject(result: unknown): Record<string, unknown> {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw protocolError('result is not an object');
  return result as Record<string, unknown>;
}

function expectBool(result: unknown, field: string): boolean {
  const v = expectObject(result)[field];
  if (typeof v !== 'boolean') throw protocolError(`result.${field} is not a boolean`);
  return v;
}

/** A procedure for a remote client: the call a typed builder returns (what a local `Client` takes), or its JSON form. */
export type RemoteCall = ProcedureCall | Record<string, unknown>;

/** A JSON form always has a string `type`; a builder's call has none, only `procedure` and `input`. */
function isProcedureCall(c: RemoteCall): c is ProcedureCall {
  return typeof (c as { type?: unknown }).type !== 'string' && 'procedure' in c && 'input' in c;
}

/** A client of a remote Stronghold: the methods of a local `Client`, async; results in their JSON form. */
export class RemoteClient {
  readonly #remote: RemoteStronghold;
  readonly path: Uint8Array;

  /** @internal Use `RemoteStronghold.client`. */
  constructor(remote: RemoteStronghold, path: Uint8Array) {
    this.#remote = remote;
    this.path = path;
  }

  #ask(type: RequestType, body: Omit<RequestBody, 'client'> = {}, blob?: Uint8Array): Promise<Answer> {
    return this.#remote.request(type, { client: this.path, ...body }, blob);
  }

  /**
   * Runs one procedure: a call made by a typed builder (`ed25519Sign({...})`, as a local `Client` takes) or its JSON
   * form. Returns the JSON form of the output (hex for bytes), which is what travels.
   */
  async execute(procedure: RemoteCall): Promise<unknown> {
    const [out] = await this.executeChain([procedure]);
    return out;
  }

  /** Runs a chain (builder calls or JSON forms) on the server, with the same rollback as locally; returns the JSON results. */
  async executeChain(calls: readonly RemoteCall[]): Promise<unknown[]> {
    // A builder's call holds TS values (bytes, Locations) that JSON.stringify would mangle; its JSON form is what the server parses.
    const chain = calls.map((c) => (isProcedureCall(c) ? procedureToJSON(c) : c));
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
    return new RemoteStore((type, body, blob) => this.#ask(type, body, blob));
  }

  /** This client as a sync source: its hierarchy, and exports re-encrypted for this requester. */
  syncSource(): SyncSource {
    return {
      hierarchy: async () => parseHierarchy((await this.#ask('syncHierarchy')).result),
      export: (selection) => this.#export(selection),
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

  async #export(selection: Selection): Promise<ClientState> {
    const batches: Selection[] = [];
    let batch: Selection = new Map();
    let n = 0;
    for (const [vid, ids] of selection) {
      for (const id of ids ?? []) {
        if (n === SYNC_BATCH_RECORDS) {
          batches.push(batch);
          batch = new Map();
          n = 0;
        }
        const set = batch.get(vid) ?? new Set<string>();
        set.add(id);
        batch.set(vid, set);
        n++;
      }
    }
    if (n > 0) batches.push(batch);
    const merged: ClientState = { id: clientId(this.path), keystore: [], vaults: [], store: { entries: [], scanFreq: null, createdAt: { secs: 0n, nanos: 0 }, lastScanAt: null } };
    try {
      for (const b of batches) await this.#exportBatch(b, merged);
    } catch (e) {
      wipeState(merged);
      throw e;
    }
    return merged;
  }

  /** Exports one batch into `into`, halving it when the server says the answer would be too large. */
  async #exportBatch(batch: Selection, into: ClientState): Promise<void> {
    const secret = x25519.utils.randomSecretKey();
    let shared: Uint8Array | null = null;
    try {
      const records = Object.fromEntries([...batch].map(([v, ids]) => [v, ids ? [...ids] : null]));
      const { result, blob } = await this.#ask('syncExport', { records, publicKey: toHex(x25519.getPublicKey(secret)) });
      shared = agree(secret, parseHex(expectObject(result).publicKey, { field: 'publicKey', length: 32 }));
      const { state } = await readSnapshot(blob, shared, { maxWorkFactor: 0 });
      if (state.clients.length !== 1) {
        for (const c of state.clients) wipeState(c);
        throw protocolError('a sync export holds one client');
      }
      const c = state.clients[0]!;
      into.keystore.push(...c.keystore);
      into.vaults.push(...c.vaults);
    } catch (e) {
      const size = [...batch.values()].reduce((k, ids) => k + (ids?.size ?? 0), 0);
      if (!(isStrongholdError(e, 'ProtocolError') && e.details.reason === 'response too large' && size > 1)) throw e;
      const halves: Selection[] = [new Map(), new Map()];
      let i = 0;
      for (const [v, ids] of batch) for (const id of ids ?? []) {
        const h = halves[i++ % 2]!;
        h.set(v, (h.get(v) ?? new Set<string>()).add(id));
      }
      for (const h of halves) await this.#exportBatch(h, into);
    } finally {
      wipe(secret, shared);
    }
  }
}

function parseHierarchy(result: unknown): Hierarchy {
  const vaults = expectObject(result).vaults;
  if (!Array.isArray(vaults)) throw protocolError('hierarchy vaults is not an array');
  const hexId = /^[0-9a-f]{48}$/;
  const out: Hierarchy = new Map();
  for (const v of vaults as { id?: unknown; records?: unknown }[]) {
    if (typeof v?.id !== 'string' || !hexId.test(v.id) || !Array.isArray(v.records)) throw protocolError('malformed hierarchy entry');
    const records = new Map<string, string>();
    for (const r of v.records as unknown[]) {
      if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'string' && hexId.test(x))) throw protocolError('malformed hierarchy record');
      records.set(r[0] as string, r[1] as string);
    }
    out.set(v.id, records);
  }
  return out;
}

/** The store of a remote client. */
export class RemoteStore {
  readonly #ask: (type: RequestType, body: Omit<RequestBody, 'client'>, blob?: Uint8Array) => Promise<Answer>;

  constructor(ask: (type: RequestType, body: Omit<RequestBody, 'client'>, blob?: Uint8Array) => Promise<Answer>) {
    this.#ask = ask;
  }

  async get(key: StoreKey): Promise<Uint8Array | null> {
    const a = await this.#ask('storeGet', { key: storeKey(key) });
    return expectBool(a.result, 'found') ? new Uint8Array(a.blob) : null;
  }

  async has(key: StoreKey): Promise<boolean> {
    return (await this.get(key)) !== null;
  }

  /** Stores a value; returns the previous one. */
  async insert(key: StoreKey, value: Uint8Array | string, options: InsertOptions = {}): Promise<Uint8Array | null> {
    const bytes = typeof value === 'string' ? enc.encode(value) : assertBytes(value, { field: 'value' });
    const a = await this.#ask('storeSet', { key: storeKey(key), ttlMs: options.ttlMs }, bytes);
    return expectBool(a.result, 'found') ? new Uint8Array(a.blob) : null;
  }

  async delete(key: StoreKey): Promise<Uint8Array | null> {
    const a = await this.#ask('storeDelete', { key: storeKey(key) });
    return expectBool(a.result, 'found') ? new Uint8Array(a.blob) : null;
  }

  async keys(): Promise<Uint8Array[]> {
    const keys = expectObject((await this.#ask('storeKeys', {})).result).keys;
    if (!Array.isArray(keys)) throw protocolError('keys is not an array');
    return keys.map((k) => parseHex(k, { field: 'key' }));
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
 * const sig = await r.client('wallet').execute({ type: 'Ed25519Sign', privateKey: { vault: 'v', record: 'k' }, msg: '00' })
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
  const r = new RemoteStronghold(node, ma, local, ownNode, init);
  try {
    await r.connect();
  } catch (e) {
    if (ownNode) await node.stop();
    throw e;
  }
  return r;
}
