/**
 * What a peer's request may cost a server (src/p2p/limits.ts): PBKDF2 iterations and chain length are refused
 * before anything runs, with `LimitExceeded` naming the limit; with a wider limit under the secure zone, a chain
 * past the zone's deadline fails with Timeout and keeps none of its writes while another peer keeps signing; the
 * per-peer budget (on a fake clock) refuses a peer over its share only while another peer is busy.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { DEFAULT_MAX_CHAIN_LENGTH, DEFAULT_MAX_KDF_ITERATIONS, DENIED_PEER_BURST, DENIED_PEER_MEMORY_MS, DENIED_PEER_RATE } from '../../src/p2p/constants.js';
import { checkChainCost, DeniedPeerThrottle, PeerBudget, requestLimits } from '../../src/p2p/limits.js';
import { peerIdOf, remote, serve, type StrongholdServer } from '../../src/p2p/index.js';
import { parseChain } from '../../src/procedures/json.js';
import { processZone } from '../../src/zone/host.js';

const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const MSG = Buffer.from('a legitimate request');
const sign = { type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k0' }, msg: MSG.toString('hex') };
const pub = { type: 'PublicKey', keyType: 'ed25519', privateKey: { vault: 'keys', record: 'k0' } };
const pbkdf2 = (count: number, record = 'derived') => ({ type: 'Pbkdf2Hmac', hashType: 'sha512', password: '01', salt: '02', count, output: { vault: 'scratch', record } });
const write = (record: string) => ({ type: 'WriteVault', data: '0102', location: { vault: 'scratch', record } });

function verifies(publicKeyHex: unknown, signatureHex: unknown): boolean {
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI, Buffer.from(publicKeyHex as string, 'hex')]), format: 'der', type: 'spki' });
  return verify(null, MSG, key, Buffer.from(signatureHex as string, 'hex'));
}

const limit = (name: string, value?: number) => (e: unknown): boolean => {
  assert.ok(isStrongholdError(e, 'LimitExceeded'), `expected LimitExceeded, got ${String(e)}`);
  assert.equal(e.details.limit, name);
  if (value !== undefined) assert.equal(e.details.value, value);
  return true;
};

async function provisioned(options: Parameters<typeof Stronghold.create>[0] = {}): Promise<Stronghold> {
  const sh = Stronghold.create(options);
  await sh.createClient('wallet').executeChain(parseChain([{ type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'keys', record: 'k0' } }]));
  return sh;
}

const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
});

describe('cost limits of a chain', () => {
  test('iterations are summed over the chain, BIP-39 seeds included; the chain length is bounded', () => {
    const limits = requestLimits({ maxKdfIterations: 10_000, maxChainLength: 3 });
    checkChainCost(parseChain([pbkdf2(5_000), pbkdf2(5_000, 'b')]), limits);
    assert.throws(() => checkChainCost(parseChain([pbkdf2(5_000), pbkdf2(5_001, 'b')]), limits), limit('maxKdfIterations', 10_001));
    const recover = { type: 'BIP39Recover', mnemonic: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about', output: { vault: 'scratch', record: 's' } };
    assert.throws(() => checkChainCost(parseChain([pbkdf2(8_000), recover]), limits), limit('maxKdfIterations', 8_000 + 2048));
    assert.throws(() => checkChainCost(parseChain([sign, sign, sign, sign]), limits), limit('maxChainLength', 4));
  });

  test('defaults, and overrides validated by name', () => {
    assert.deepEqual([requestLimits().maxKdfIterations, requestLimits().maxChainLength], [DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_MAX_CHAIN_LENGTH]);
    assert.throws(() => requestLimits({ maxChainLength: 257 }), (e: unknown) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'limits.maxChainLength');
    assert.throws(() => requestLimits({ budgetWindowMs: 100, peerBudgetMs: 101 }), (e: unknown) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'limits.peerBudgetMs');
  });
});

describe('per-peer budget', () => {
  test('a peer over its share is refused while another is busy, served when alone, and anew in the next window', () => {
    let now = 0;
    const budget = new PeerBudget(requestLimits({ peerBudgetMs: 100, budgetWindowMs: 1000 }), () => now);
    const endA = budget.start('a');
    now = 150;
    endA();
    assert.equal(budget.used('a'), 150);
    // Alone on the server: not refused.
    budget.start('a')();
    const endB = budget.start('b');
    assert.throws(() => budget.start('a'), limit('peerBudgetMs', 150));
    // The busy peer itself is under budget and keeps being served.
    budget.start('b')();
    endB();
    budget.start('a')();
    // A new window starts from zero.
    const endB2 = budget.start('b');
    now = 1200;
    assert.equal(budget.used('a'), 0);
    budget.start('a')();
    endB2();
    // Pipelined requests count once: two overlapping 50 ms requests are 50 ms.
    const c1 = budget.start('c');
    const c2 = budget.start('c');
    now = 1250;
    c1();
    c2();
    assert.equal(budget.used('c'), 50);
  });
});

describe('denied-peer throttle', () => {
  test('only denials take tokens: a peer denied now and then is not slowed, a flood waits for its rate, a quiet peer is forgiven', () => {
    let now = 0;
    const t = new DeniedPeerThrottle(() => now);
    for (let i = 0; i < 1000; i++) assert.equal(t.delay('PeerOk'), 0);
    // The burst: that many denials in an instant cost no wait.
    for (let i = 0; i < DENIED_PEER_BURST; i++) t.denied('PeerBad');
    assert.equal(t.delay('PeerBad'), 0);
    // Past it, each denial puts the peer one token (1000 / rate ms) further behind; reads wait for the refill.
    const step = 1000 / DENIED_PEER_RATE;
    t.denied('PeerBad');
    assert.equal(Math.round(t.delay('PeerBad')), Math.round(step));
    t.denied('PeerBad');
    t.denied('PeerBad');
    assert.equal(Math.round(t.delay('PeerBad')), Math.round(3 * step));
    now += 3 * step;
    assert.equal(t.delay('PeerBad'), 0);
    // A peer denied once in a while stays within its bucket.
    for (let i = 0; i < 100; i++) {
      t.denied('PeerSometimes');
      now += 1000;
      assert.equal(t.delay('PeerSometimes'), 0);
    }
    // Not denied for the memory span: forgotten.
    for (let i = 0; i < 3 * DENIED_PEER_BURST; i++) t.denied('PeerBad');
    assert.ok(t.delay('PeerBad') > 0);
    now += DENIED_PEER_MEMORY_MS + 1;
    assert.equal(t.delay('PeerBad'), 0);
  });
});

describe('limits over loopback', { timeout: 60_000 }, () => {
  test('a huge PBKDF2 count and a long chain are refused by name before they run; another peer is served', async () => {
    const sh = await provisioned();
    stops.push(() => sh.close());
    const [hostile, legit] = [Stronghold.create(), Stronghold.create()];
    const server: StrongholdServer = await serve(sh, { firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [await peerIdOf(hostile)]: 'allow', [await peerIdOf(legit)]: 'allow' } } } });
    stops.push(() => server.stop());
    const h = await remote(hostile, server.addresses()[0]!);
    const l = await remote(legit, server.addresses()[0]!);
    stops.push(() => h.close(), () => l.close());
    await assert.rejects(h.client('wallet').json.executeChain([write('first'), pbkdf2(0x7fff_ffff)]), limit('maxKdfIterations', 0x7fff_ffff));
    await assert.rejects(h.client('wallet').json.executeChain(Array.from({ length: DEFAULT_MAX_CHAIN_LENGTH + 1 }, () => sign)), limit('maxChainLength', DEFAULT_MAX_CHAIN_LENGTH + 1));
    // Nothing of the refused chain ran.
    assert.equal(sh.getClient('wallet').vaultExists('scratch'), false);
    const [pk, sig] = await l.client('wallet').json.executeChain([pub, sign]);
    assert.ok(verifies(pk, sig));
    // Within the limit, the same procedure runs.
    await h.client('wallet').json.executeChain([pbkdf2(1000)]);
    assert.equal(sh.getClient('wallet').vaultExists('scratch'), true);
  });

  test('under the zone, a chain past the deadline fails with Timeout and keeps no writes; another peer keeps signing', async () => {
    const sh = await provisioned({ runner: processZone({ timeoutMs: 300 }) });
    stops.push(() => sh.close());
    const [hostile, legit] = [Stronghold.create(), Stronghold.create()];
    const server = await serve(sh, {
      limits: { maxKdfIterations: 0x7fff_ffff },
      firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [await peerIdOf(hostile)]: 'allow', [await peerIdOf(legit)]: 'allow' } } },
    });
    stops.push(() => server.stop());
    const h = await remote(hostile, server.addresses()[0]!);
    const l = await remote(legit, server.addresses()[0]!);
    stops.push(() => h.close(), () => l.close());
    const [pk] = await l.client('wallet').json.executeChain([pub]);
    const attack = h.client('wallet').json.executeChain([write('first'), pbkdf2(0x7fff_ffff)]);
    const signatures = Promise.all(Array.from({ length: 8 }, () => l.client('wallet').json.executeChain([sign])));
    await assert.rejects(attack, (e: unknown) => isStrongholdError(e, 'Timeout') && e.details.ms === 300);
    for (const [sig] of await signatures) assert.ok(verifies(pk, sig));
    assert.equal(sh.getClient('wallet').recordExists(Location.generic('scratch', 'first')), false);
    // The server keeps serving both peers on a new zone.
    assert.ok(verifies(pk, (await l.client('wallet').json.executeChain([sign]))[0]));
    await h.client('wallet').json.executeChain([write('second')]);
    assert.equal(sh.getClient('wallet').recordExists(Location.generic('scratch', 'second')), true);
  });
});
