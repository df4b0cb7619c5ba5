/**
 * Serving a Stronghold over `/stronghold/rpc/1.0.0` (docs/spec/p2p-protocol.md §4).
 *
 * A peer opens a stream and sends request frames; the server answers each, in any order, with the request's
 * id. Every request is validated (messages.ts), then checked by the firewall, then by the cost limits and the
 * peer's budget (limits.ts), then run under a timeout. Limits: frame size (a larger frame gets an error and the
 * stream is closed, since the stream cannot be resynchronised), requests in flight per peer over all its streams
 * (beyond it: an immediate `LimitExceeded` for that request), streams per connection.
 *
 * The timeout answers the peer; it stops the work only where the runner can: the secure zone
 * (`processZone({ timeoutMs })`) kills a chain past its deadline and keeps none of its writes, while the inline
 * runner finishes a synchronous step first (the cost limits are what bound it there). A malformed frame or one without a valid id gets an error with id `null` and closes
 * only that stream. Nothing one peer does reaches another peer's streams.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Connection, Libp2p, PrivateKey, Stream } from '@libp2p/interface';
import { x25519 } from '@noble/curves/ed25519.js';
import { describePath, toHex } from '../assert.js';
import type { Client } from '../client/client.js';
import { syncEndpoint, type Stronghold, type SyncEndpoint } from '../client/stronghold.js';
import { isStrongholdError, StrongholdError, type StrongholdErrorJSON } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { resultToJSON } from '../procedures/json.js';
import { writeSnapshot } from '../snapshot/codec.js';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, MAX_INBOUND_STREAMS, PROTOCOL } from './constants.js';
import { Firewall, type FirewallInit } from './firewall.js';
import { checkChainCost, limitExceeded, PeerBudget, requestLimits, type RequestLimits } from './limits.js';
import { peerIdentity } from './identity.js';
import { decodeFrame, errorFrame, okFrame, parseRequest, protocolError, requestId, type Request } from './messages.js';
import { createNode } from './node.js';
import { readFrames, writeFrame } from './frames.js';
import { agree, wipeState } from './sync.js';

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

interface Reply {
  result: unknown;
  blob?: Uint8Array;
}

function wireError(e: unknown, self: string): StrongholdErrorJSON {
  if (isStrongholdError(e)) return (e as StrongholdError).toJSON();
  return new StrongholdError('RemoteError', 'the server failed to process the request', { peer: self, reason: 'internal error' }).toJSON();
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
  const maxInFlight = init.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const timeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const limits = requestLimits(init.limits);
  const budget = new PeerBudget(limits);
  const ownNode = init.node === undefined;
  const node = init.node ?? (await createNode({ privateKey: init.privateKey ?? (await peerIdentity(sh)), listen: init.listen ?? ['/ip4/127.0.0.1/tcp/0'] }));
  const self = node.peerId.toString();
  const inFlight = new Map<string, number>();

  const clientFor = (path: Uint8Array): Client => {
    try {
      return sh.getClient(path);
    } catch (e) {
      if (!sh.hasClient(path)) throw new StrongholdError('ClientNotFound', 'the server has no such client', { client: describePath(path) });
      if (!isStrongholdError(e, 'ClientNotFound')) throw e;
      return sh.loadClient(path);
    }
  };
  // Client handles by path, so a request costs no id derivation. A handle the application unloaded or purged
  // fails with ClientNotFound before doing anything; it is then looked up again once.
  const clients = new Map<string, Client>();
  const withClient = async <T>(path: Uint8Array, fn: (client: Client) => Promise<T>): Promise<T> => {
    const key = Buffer.from(path).toString('hex');
    const cached = clients.get(key);
    if (cached) {
      try {
        return await fn(cached);
      } catch (e) {
        if (!isStrongholdError(e, 'ClientNotFound')) throw e;
        clients.delete(key);
      }
    }
    const client = clientFor(path);
    if (clients.size >= 1024) clients.clear();
    clients.set(key, client);
    return fn(client);
  };

  async function run(peer: string, req: Request): Promise<Reply> {
    return withClient(req.client, (client) => runOn(client, peer, req));
  }

  async function runOn(client: Client, peer: string, req: Request): Promise<Reply> {
    switch (req.type) {
      case 'execute': {
        const outputs = await client.executeChain(req.calls);
        return { result: { results: req.calls.map((call, i) => resultToJSON(call, outputs[i])) } };
      }
      case 'writeSecret':
        client.writeSecret(req.location, req.secret);
        return { result: null };
      case 'revokeSecret':
        client.revokeSecret(req.location);
        return { result: null };
      case 'deleteSecret':
        client.deleteSecret(req.location);
        return { result: null };
      case 'vaultExists':
        return { result: { exists: client.vaultExists(req.vault) } };
      case 'recordExists':
        return { result: { exists: client.recordExists(req.location) } };
      case 'listRecords':
        return { result: { records: client.listRecords(req.vault).map((r) => ({ id: r.id, hint: toHex(r.hint), length: r.length })) } };
      case 'listVaults': {
        const vaults = syncEndpoint(sh, client.id)!.vaults();
        return { result: { vaults: firewall.filterVaults(peer, req.client, 'list', vaults) } };
      }
      case 'storeGet': {
        const value = client.store.get(req.key);
        return value === null ? { result: { found: false } } : { result: { found: true }, blob: value };
      }
      case 'storeDelete': {
        const value = client.store.delete(req.key);
        return value === null ? { result: { found: false } } : { result: { found: true }, blob: value };
      }
      case 'storeSet': {
        const previous = client.store.insert(req.key, req.value, req.ttlMs === null ? {} : { ttlMs: req.ttlMs });
        return previous === null ? { result: { found: false } } : { result: { found: true }, blob: previous };
      }
      case 'storeKeys':
        return { result: { keys: client.store.keys().map(toHex) } };
      case 'syncHierarchy': {
        const endpoint = syncEndpoint(sh, client.id)!;
        const offered = firewall.filterVaults(peer, req.client, 'sync', endpoint.vaults());
        const h = endpoint.hierarchy(new Map(offered.map((v) => [v, null])));
        return { result: { vaults: [...h].map(([id, records]) => ({ id, records: [...records] })) } };
      }
      case 'syncExport':
        return exportFor(syncEndpoint(sh, client.id)!, req);
    }
  }

  async function exportFor(endpoint: SyncEndpoint, req: Request & { type: 'syncExport' }): Promise<Reply> {
    const state = endpoint.export(req.selection);
    const secret = Uint8Array.from(randomBytes(32));
    let shared: Uint8Array | null = null;
    try {
      shared = agree(secret, req.publicKey);
      // age with the shared secret as scrypt passphrase at work factor 0 (Rust 2.0 sync); Noise already
      // encrypts the channel, this layer keeps the records sealed for the requester alone.
      const payload = await writeSnapshot({ clients: [state] }, shared, { workFactor: 0 });
      if (payload.length + 1024 > maxMessageBytes) throw protocolError('response too large');
      return { result: { publicKey: toHex(x25519.getPublicKey(secret)) }, blob: payload };
    } finally {
      wipeState(state);
      wipe(secret, shared);
    }
  }

  /**
   * The answer frame for one request. `settled` runs once the work is over (which may be after a Timeout
   * answer): only then is the peer's slot released and the blob (a secret, a store value) wiped.
   */
  async function answer(peer: string, id: number, header: Record<string, unknown>, blob: Uint8Array, settled: () => void): Promise<Uint8Array> {
    let timer: NodeJS.Timeout | undefined;
    let work: Promise<Reply> | undefined;
    try {
      const req = parseRequest(id, header, blob);
      let expired = false;
      const timeoutError = new StrongholdError('Timeout', `${req.type} took longer than ${timeoutMs} ms`, { operation: req.type, ms: timeoutMs });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          expired = true;
          reject(timeoutError);
        }, timeoutMs).unref();
      });
      work = (async () => {
        await firewall.check(peer, req);
        // Answered with Timeout while the firewall was deciding: the request must not run afterwards.
        if (expired) throw timeoutError;
        // After the firewall: a peer without a rule learns nothing about the limits.
        if (req.type === 'execute') checkChainCost(req.calls, limits);
        const end = budget.start(peer);
        try {
          return await run(peer, req);
        } finally {
          end();
        }
      })();
      const reply = await Promise.race([work, timeout]);
      return okFrame(id, reply.result, reply.blob);
    } catch (e) {
      return errorFrame(id, wireError(e, self));
    } finally {
      clearTimeout(timer);
      const done = (): void => {
        wipe(blob);
        settled();
      };
      if (work) work.then(done, done);
      else done();
    }
  }

  async function handler(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    let writes: Promise<void> = Promise.resolve();
    const send = (frame: Uint8Array): Promise<void> => {
      writes = writes.then(() => writeFrame(stream, frame)).catch(() => {});
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
        const n = inFlight.get(peer) ?? 0;
        if (n >= maxInFlight) {
          wipe(bytes);
          void send(errorFrame(id, limitExceeded('maxInFlight', maxInFlight, undefined, 'too many requests in flight').toJSON()));
          continue;
        }
        inFlight.set(peer, n + 1);
        const release = (): void => {
          const left = (inFlight.get(peer) ?? 1) - 1;
          if (left === 0) inFlight.delete(peer);
          else inFlight.set(peer, left);
        };
        const p: Promise<void> = answer(peer, id, frame.header, frame.blob, release).then(send).finally(() => pending.delete(p));
        pending.add(p);
      }
    } catch (e) {
      // An oversized, malformed or truncated frame: tell the peer if it still listens, then close this stream.
      void send(errorFrame(null, wireError(e, self)));
    }
    await finish();
  }

  await node.handle(PROTOCOL, (stream, connection) => {
    handler(stream, connection).catch((e) => stream.abort(e instanceof Error ? e : new Error('handler failed')));
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
