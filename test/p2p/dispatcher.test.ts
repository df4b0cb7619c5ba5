/**
 * The request dispatcher (src/p2p/dispatcher.ts) driven directly, as a server's stream handler drives it, with
 * frames built in memory and no libp2p node or socket: firewall denials (before anything runs, the same for
 * denied and absent), chains executed on the served Stronghold, cost limits refused before the firewall's
 * permission is spent on work, and the per-peer in-flight limit held until the work is over.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/p2p/constants.js';
import { Dispatcher } from '../../src/p2p/dispatcher.js';
import { Firewall, type Denial, type FirewallInit } from '../../src/p2p/firewall.js';
import { requestLimits, type RequestLimits } from '../../src/p2p/limits.js';
import { decodeFrame, encodeFrame, parseResponse, requestHeader, type RequestBody, type RequestType, type Response } from '../../src/p2p/messages.js';
import { parseChain } from '../../src/procedures/json.js';
import { zonePool } from '../../src/zone/pool.js';

// Base58 strings, as the rule file requires of peer ids; the dispatcher only compares them.
const ALLOWED = 'PeerA';
const RESTRICTED = 'PeerR';
const ASKED = 'PeerQ';
const UNKNOWN = 'PeerX';

const MSG = Buffer.from('signed without a socket');
const sign = (vault: string) => ({ type: 'Ed25519Sign', privateKey: { vault, record: 'k0' }, msg: MSG.toString('hex') });
const pub = (vault: string) => ({ type: 'PublicKey', keyType: 'ed25519', privateKey: { vault, record: 'k0' } });
const write = (record: string) => ({ type: 'WriteVault', data: '0102', location: { vault: 'scratch', record } });

async function provisioned(options: Parameters<typeof Stronghold.create>[0] = {}): Promise<Stronghold> {
  const sh = Stronghold.create(options);
  await sh.createClient('wallet').executeChain(parseChain([
    { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'keys', record: 'k0' } },
    { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'other', record: 'k0' } },
  ]));
  return sh;
}

function dispatcher(sh: Stronghold, firewall: FirewallInit, options: { limits?: Partial<RequestLimits>; maxInFlight?: number; requestTimeoutMs?: number } = {}): Dispatcher {
  return new Dispatcher(sh, {
    firewall: new Firewall(firewall),
    self: 'PeerServer',
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    maxInFlight: options.maxInFlight ?? 32,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    limits: requestLimits(options.limits),
  });
}

let nextId = 0;
/** One request as the stream handler passes it on: encoded to a frame, decoded again; the response decoded. */
async function ask(d: Dispatcher, peer: string, type: RequestType, body: RequestBody, blob?: Uint8Array): Promise<Response> {
  const id = nextId++;
  const { header, blob: received } = decodeFrame(encodeFrame(requestHeader(id, type, body), blob));
  const response = parseResponse(await d.dispatch(peer, id, header, received));
  assert.equal(response.id, id);
  return response;
}

function ok(r: Response): unknown {
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.result;
}

function failed(r: Response, code: string): Record<string, unknown> {
  assert.ok(!r.ok, `expected ${code}, got a result`);
  assert.equal(r.error.code, code, r.error.message);
  return r.error.details as Record<string, unknown>;
}

function verifies(publicKeyHex: unknown, signatureHex: unknown): boolean {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyHex as string, 'hex')]), format: 'der', type: 'spki' });
  return verify(null, MSG, key, Buffer.from(signatureHex as string, 'hex'));
}

const RULES = {
  default: 'deny' as const,
  peers: {
    [ALLOWED]: 'allow' as const,
    [RESTRICTED]: { clients: { wallet: { vaults: { keys: ['use' as const] } } } },
    [ASKED]: 'ask' as const,
  },
};

describe('the dispatcher without a transport', () => {
  test('firewall denial: nothing runs, the denial is reported, and denied looks the same as absent', async () => {
    const sh = await provisioned();
    const denials: Denial[] = [];
    const d = dispatcher(sh, { rules: RULES, onDenied: (x) => denials.push(x) });
    const secret = new Uint8Array(32).fill(7);
    failed(await ask(d, UNKNOWN, 'writeSecret', { client: 'wallet', location: { vault: 'keys', record: 'new' } }, secret), 'PermissionDenied');
    assert.equal(sh.getClient('wallet').recordExists(Location.generic('keys', 'new')), false);
    assert.deepEqual(denials.map((x) => [x.peer, x.request, x.reason]), [[UNKNOWN, 'writeSecret', 'rule']]);
    // The restricted peer may use `keys` only: `other` exists and `absent` does not, and the answers are equal.
    const denied = await ask(d, RESTRICTED, 'execute', { client: 'wallet', chain: [sign('other')] });
    const absent = await ask(d, RESTRICTED, 'execute', { client: 'wallet', chain: [sign('absent')] });
    failed(denied, 'PermissionDenied');
    assert.deepEqual(!denied.ok && denied.error.toJSON(), !absent.ok && absent.error.toJSON());
  });

  test('a chain is executed on the served Stronghold: a signature that verifies, a write that is kept', async () => {
    const sh = await provisioned();
    const d = dispatcher(sh, { rules: RULES, onDenied: () => {} });
    const { results } = ok(await ask(d, RESTRICTED, 'execute', { client: 'wallet', chain: [pub('keys'), sign('keys')] })) as { results: unknown[] };
    assert.ok(verifies(results[0], results[1]));
    ok(await ask(d, ALLOWED, 'execute', { client: 'wallet', chain: [write('w')] }));
    assert.equal(sh.getClient('wallet').recordExists(Location.generic('scratch', 'w')), true);
  });

  test('a limit refused: a chain over maxChainLength runs no step, and only after the firewall allowed the peer', async () => {
    const sh = await provisioned();
    const d = dispatcher(sh, { rules: RULES, onDenied: () => {} }, { limits: { maxChainLength: 2 } });
    const chain = [write('a'), write('b'), write('c')];
    const details = failed(await ask(d, ALLOWED, 'execute', { client: 'wallet', chain }), 'LimitExceeded');
    assert.deepEqual(details, { limit: 'maxChainLength', max: 2, value: 3 });
    for (const r of ['a', 'b', 'c']) assert.equal(sh.getClient('wallet').recordExists(Location.generic('scratch', r)), false);
    // A peer without the permission learns nothing about the server's limits.
    failed(await ask(d, UNKNOWN, 'execute', { client: 'wallet', chain }), 'PermissionDenied');
    ok(await ask(d, ALLOWED, 'execute', { client: 'wallet', chain: chain.slice(0, 2) }));
  });

  test('maxInFlight: a peer at its limit is refused until its work is over; another peer is served meanwhile', async () => {
    const sh = await provisioned();
    let decide!: (allowed: boolean) => void;
    const decided = new Promise<boolean>((resolve) => {
      decide = resolve;
    });
    const d = dispatcher(sh, { rules: RULES, onDenied: () => {}, ask: () => decided }, { maxInFlight: 1 });
    // Held by the firewall's question until `decide`, so this request stays in flight.
    const first = ask(d, ASKED, 'execute', { client: 'wallet', chain: [sign('keys')] });
    const details = failed(await ask(d, ASKED, 'vaultExists', { client: 'wallet', vault: 'keys' }), 'LimitExceeded');
    assert.deepEqual(details, { limit: 'maxInFlight', max: 1 });
    assert.deepEqual(ok(await ask(d, ALLOWED, 'vaultExists', { client: 'wallet', vault: 'keys' })), { exists: true });
    decide(true);
    assert.equal(typeof (ok(await first) as { results: unknown[] }).results[0], 'string');
    assert.deepEqual(ok(await ask(d, ASKED, 'vaultExists', { client: 'wallet', vault: 'keys' })), { exists: true });
  });

  test('a request answered Timeout does not run later: the one in a zone is stopped, the one waiting for it never starts', { timeout: 60_000 }, async () => {
    const sh = await provisioned({ runner: zonePool({ size: 1, inline: 'none' }) });
    try {
      const d = dispatcher(sh, { rules: RULES, onDenied: () => {} }, { requestTimeoutMs: 1500, limits: { maxKdfIterations: 0x7fff_ffff } });
      const endless = { type: 'Pbkdf2Hmac', hashType: 'sha512', password: '01', salt: '02', count: 0x7fff_ffff, output: { vault: 'derived', record: 'd' } };
      // One zone: the write waits behind the endless chain, and both are answered Timeout.
      const [slow, late] = await Promise.all([
        ask(d, ALLOWED, 'execute', { client: 'wallet', chain: [write('during'), endless] }),
        ask(d, ALLOWED, 'execute', { client: 'wallet', chain: [write('late')] }),
      ]);
      failed(slow, 'Timeout');
      failed(late, 'Timeout');
      // The zone was replaced; the next request runs, and neither answered request left a record behind.
      ok(await ask(d, ALLOWED, 'execute', { client: 'wallet', chain: [write('after')] }));
      const wallet = sh.getClient('wallet');
      assert.equal(wallet.recordExists(Location.generic('scratch', 'after')), true);
      for (const [v, r] of [['scratch', 'during'], ['scratch', 'late'], ['derived', 'd']] as const) assert.equal(wallet.recordExists(Location.generic(v, r)), false);
    } finally {
      await sh.close();
    }
  });
});
