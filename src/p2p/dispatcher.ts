/**
 * What a server answers to one request (docs/spec/p2p-protocol.md §4), apart from the transport: a function of
 * (peer id, request header, blob) → response frame, so that it can be driven without a libp2p node (the tests
 * do, with in-memory frames), while server.ts only reads and writes frames on streams.
 *
 * Every request is checked against the peer's requests in flight (over all its streams), validated
 * (messages.ts), checked by the firewall, then by the cost limits and the peer's budget (limits.ts), then run
 * under a timeout. The timeout answers the peer and aborts the request's signal (`RunOptions.signal`), which stops
 * the work where the runner can: in a zone pool (src/zone/pool.ts) or zone a chain still waiting never runs and
 * one running is killed with its zone, none of its writes kept; the inline runner finishes a synchronous step
 * first (the cost limits are what bound it there).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { describePath, toHex } from '../assert.js';
import type { Client } from '../client/client.js';
import { syncEndpoint, type Stronghold, type SyncEndpoint } from '../client/stronghold.js';
import { isStrongholdError, StrongholdError, type StrongholdErrorJSON } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { resultToJSON } from '../procedures/json.js';
import { writeSnapshot } from '../snapshot/codec.js';
import type { Firewall } from './firewall.js';
import { checkChainCost, DeniedPeerThrottle, limitExceeded, PeerBudget, type RequestLimits } from './limits.js';
import { errorFrame, okFrame, parseRequest, protocolError, type Request } from './messages.js';
import { encodeOutputs } from './outputs.js';
import { agree, wipeState } from './sync.js';

export interface DispatcherInit {
  firewall: Firewall;
  /** The server's peer id, named in the error that stands for an internal failure. */
  self: string;
  /** Largest frame written: a sync export that would not fit is refused. */
  maxMessageBytes: number;
  /** Requests one peer may have in flight. */
  maxInFlight: number;
  /** Time one request may take, the firewall's "ask" included. */
  requestTimeoutMs: number;
  limits: RequestLimits;
}

interface Reply {
  result: unknown;
  blob?: Uint8Array;
}

/** The wire form of `e`; anything but a StrongholdError becomes a `RemoteError` that reveals nothing of it. */
export function wireError(e: unknown, self: string): StrongholdErrorJSON {
  if (isStrongholdError(e)) return (e as StrongholdError).toJSON();
  return new StrongholdError('RemoteError', 'the server failed to process the request', { peer: self, reason: 'internal error' }).toJSON();
}

/** Answers the requests of every peer of one server; the state it keeps (in flight, budget, client handles) is per server. */
export class Dispatcher {
  readonly #sh: Stronghold;
  readonly #init: DispatcherInit;
  readonly #budget: PeerBudget;
  readonly #throttle = new DeniedPeerThrottle();
  readonly #inFlight = new Map<string, number>();
  // Client handles by path, so a request costs no id derivation. A handle the application unloaded or purged
  // fails with ClientNotFound before doing anything; it is then looked up again once.
  readonly #clients = new Map<string, Client>();

  constructor(sh: Stronghold, init: DispatcherInit) {
    this.#sh = sh;
    this.#init = init;
    this.#budget = new PeerBudget(init.limits);
  }

  /**
   * The response frame to request `id` of `peer` (its header decoded, the id valid). Never rejects: every
   * failure is an error frame for `id`. The peer's slot is held, and `blob` (a secret, a store value) kept, until
   * the work is over, which may be after a Timeout answer; then the blob is wiped.
   */
  /**
   * Milliseconds the transport waits before it reads `peer`'s next request: 0, except for a peer that caused more
   * denials than `DeniedPeerThrottle` allows.
   */
  readDelay(peer: string): number {
    return this.#throttle.delay(peer);
  }

  dispatch(peer: string, id: number, header: Record<string, unknown>, blob: Uint8Array): Promise<Uint8Array> {
    // Counted before anything awaits, so that requests arriving together cannot all pass the check.
    const n = this.#inFlight.get(peer) ?? 0;
    const { maxInFlight } = this.#init;
    if (n >= maxInFlight) {
      wipe(blob);
      return Promise.resolve(errorFrame(id, limitExceeded('maxInFlight', maxInFlight, undefined, 'too many requests in flight').toJSON()));
    }
    this.#inFlight.set(peer, n + 1);
    return this.#answer(peer, id, header, blob, () => {
      const left = (this.#inFlight.get(peer) ?? 1) - 1;
      if (left === 0) this.#inFlight.delete(peer);
      else this.#inFlight.set(peer, left);
    });
  }

  async #answer(peer: string, id: number, header: Record<string, unknown>, blob: Uint8Array, settled: () => void): Promise<Uint8Array> {
    const { firewall, requestTimeoutMs: timeoutMs, limits } = this.#init;
    let timer: NodeJS.Timeout | undefined;
    let work: Promise<Reply> | undefined;
    try {
      const req = parseRequest(id, header, blob);
      // The deadline: the peer is answered Timeout, and the signal tells the runner that the chain must not start
      // if it still waits for a zone, or must be stopped (its writes not kept) if it runs in one.
      const deadline = new AbortController();
      const timeoutError = new StrongholdError('Timeout', `${req.type} took longer than ${timeoutMs} ms`, { operation: req.type, ms: timeoutMs });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          deadline.abort(timeoutError);
          reject(timeoutError);
        }, timeoutMs).unref();
      });
      work = (async () => {
        await firewall.check(peer, req);
        // Answered with Timeout while the firewall was deciding: the request must not run afterwards.
        if (deadline.signal.aborted) throw timeoutError;
        // After the firewall: a peer without a rule learns nothing about the limits.
        if (req.type === 'execute') checkChainCost(req.calls, limits);
        const end = this.#budget.start(peer);
        try {
          return await this.#withClient(req.client, (client) => this.#run(client, peer, req, deadline.signal));
        } finally {
          end();
        }
      })();
      const reply = await Promise.race([work, timeout]);
      return okFrame(id, reply.result, reply.blob);
    } catch (e) {
      if (isStrongholdError(e, 'PermissionDenied')) this.#throttle.denied(peer);
      return errorFrame(id, wireError(e, this.#init.self));
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

  #clientFor(path: Uint8Array): Client {
    const sh = this.#sh;
    try {
      return sh.getClient(path);
    } catch (e) {
      if (!sh.hasClient(path)) throw new StrongholdError('ClientNotFound', 'the server has no such client', { client: describePath(path) });
      if (!isStrongholdError(e, 'ClientNotFound')) throw e;
      return sh.loadClient(path);
    }
  }

  async #withClient<T>(path: Uint8Array, fn: (client: Client) => Promise<T>): Promise<T> {
    const key = Buffer.from(path).toString('hex');
    const cached = this.#clients.get(key);
    if (cached) {
      try {
        return await fn(cached);
      } catch (e) {
        if (!isStrongholdError(e, 'ClientNotFound')) throw e;
        this.#clients.delete(key);
      }
    }
    const client = this.#clientFor(path);
    if (this.#clients.size >= 1024) this.#clients.clear();
    this.#clients.set(key, client);
    return fn(client);
  }

  async #run(client: Client, peer: string, req: Request, signal: AbortSignal): Promise<Reply> {
    const { firewall } = this.#init;
    switch (req.type) {
      case 'execute': {
        const outputs = await client.executeChain(req.calls, { signal, caller: peer });
        // Typed values when the caller asked for them (remote parity), else the JSON form.
        if (req.values) return encodeOutputs(outputs);
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
        const vaults = syncEndpoint(this.#sh, client.id)!.vaults();
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
        const endpoint = syncEndpoint(this.#sh, client.id)!;
        const offered = firewall.filterVaults(peer, req.client, 'sync', endpoint.vaults());
        const h = endpoint.hierarchy(new Map(offered.map((v) => [v, null])));
        return { result: { vaults: [...h].map(([id, records]) => ({ id, records: [...records] })) } };
      }
      case 'syncExport':
        return this.#export(syncEndpoint(this.#sh, client.id)!, req);
    }
  }

  async #export(endpoint: SyncEndpoint, req: Request & { type: 'syncExport' }): Promise<Reply> {
    const state = endpoint.export(req.selection);
    const secret = Uint8Array.from(randomBytes(32));
    let shared: Uint8Array | null = null;
    try {
      shared = agree(secret, req.publicKey);
      // age with the shared secret as scrypt passphrase at work factor 0 (Rust 2.0 sync); Noise already
      // encrypts the channel, this layer keeps the records sealed for the requester alone.
      const payload = await writeSnapshot({ clients: [state] }, shared, { workFactor: 0 });
      if (payload.length + 1024 > this.#init.maxMessageBytes) throw protocolError('response too large');
      return { result: { publicKey: toHex(x25519.getPublicKey(secret)) }, blob: payload };
    } finally {
      wipeState(state);
      wipe(secret, shared);
    }
  }
}
