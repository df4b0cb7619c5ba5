/**
 * The remote protocol end to end without sockets: `RemoteStronghold` and the server's stream handler and
 * dispatcher over in-memory stream pairs (memory-pair.ts). The same methods as a local client, denied and
 * restricted peers, listVaults, concurrency, hostile frames, and timeouts. Signatures are checked with node:crypto.
 * What needs a real transport (TCP, WebSockets, relays, Noise identities, sync) stays in network.test.ts.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { vaultId } from '../../src/engine/ids.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError, type StrongholdError } from '../../src/errors.js';
import { encodeLength, prefixed, readFrames } from '../../src/p2p/frames.js';
import { encodeFrame, parseResponse, requestHeader, type Response } from '../../src/p2p/messages.js';
import { parseChain } from '../../src/procedures/json.js';
import { memoryServer } from './memory-pair.js';

const MSG = Buffer.from('a message signed in memory');
const ALICE = 'PeerA';
const BOB = 'PeerB';
const EVE = 'PeerE';
const LISTER = 'PeerLister';

const sign = (vault: string, record = 'k0') => ({ type: 'Ed25519Sign', privateKey: { vault, record }, msg: MSG.toString('hex') });
const pub = (vault: string, record = 'k0') => ({ type: 'PublicKey', keyType: 'ed25519', privateKey: { vault, record } });

function code(c: string) {
  return (e: unknown): boolean => {
    assert.ok(isStrongholdError(e), `expected a StrongholdError, got ${String(e)}`);
    assert.equal(e.code, c, `${e.code}: ${e.message}`);
    return true;
  };
}

function verifies(publicKeyHex: unknown, signatureHex: unknown): boolean {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyHex as string, 'hex')]), format: 'der', type: 'spki' });
  return verify(null, MSG, key, Buffer.from(signatureHex as string, 'hex'));
}

async function provisioned(): Promise<Stronghold> {
  const sh = Stronghold.create();
  const c = sh.createClient('wallet');
  await c.executeChain(parseChain([
    { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'keys', record: 'k0' } },
    { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'other', record: 'k0' } },
  ]));
  c.writeSecret(Location.generic('keys', 'raw'), new Uint8Array(32).fill(1));
  c.writeSecret(Location.generic('other', 'raw'), new Uint8Array(32).fill(2));
  c.writeSecret(Location.generic('seeds', 'raw'), new Uint8Array(32).fill(3));
  return sh;
}

const RULES = {
  default: 'deny' as const,
  peers: {
    [ALICE]: 'allow' as const,
    [BOB]: { clients: { wallet: { vaults: { keys: ['use' as const], scratch: ['use' as const, 'write' as const] } } } },
    [LISTER]: { clients: { wallet: { vaults: { keys: ['list' as const], other: ['use' as const, 'list' as const], seeds: ['use' as const] } } } },
  },
};

describe('remote over in-memory streams', { timeout: 30_000 }, () => {
  test('the same methods as a local client: write, list, exists, revoke, delete, store', async () => {
    const sh = await provisioned();
    const r = memoryServer(sh, { firewall: { rules: RULES, onDenied: () => {} } }).connect(ALICE);
    try {
      const c = r.client('wallet');
      await c.writeSecret({ vault: 'remote', record: 'x' }, new Uint8Array(32).fill(5));
      assert.equal(await c.vaultExists('remote'), true);
      assert.equal(await c.recordExists({ vault: 'remote', record: 'x' }), true);
      const listed = await c.listRecords('remote');
      assert.deepEqual(listed.map((x) => x.id), sh.getClient('wallet').listRecords('remote').map((x) => x.id));
      assert.equal(listed[0]!.length, 32);
      await c.revokeSecret({ vault: 'remote', record: 'x' });
      assert.equal(await c.recordExists({ vault: 'remote', record: 'x' }), false);
      await c.writeSecret({ vault: 'remote', record: 'y' }, new Uint8Array(8));
      await c.deleteSecret({ vault: 'remote', record: 'y' });
      assert.deepEqual(await c.listRecords('remote'), []);
      assert.equal(await c.store.insert('setting', 'on'), null);
      assert.deepEqual(await c.store.insert('setting', Uint8Array.of(1, 2)), new TextEncoder().encode('on'));
      assert.deepEqual(await c.store.get('setting'), Uint8Array.of(1, 2));
      assert.deepEqual(await c.store.keys(), [new TextEncoder().encode('setting')]);
      assert.deepEqual(await c.store.delete('setting'), Uint8Array.of(1, 2));
      assert.equal(await c.store.has('setting'), false);
      await assert.rejects(r.client('nobody').vaultExists('v'), code('ClientNotFound'));
      await assert.rejects(c.json.execute(sign('nowhere')), code('VaultNotFound'));
      await assert.rejects(c.json.execute({ type: 'Ed25519Sign' }), code('InvalidArgument'));
    } finally {
      await r.close();
    }
  });

  test('a denied peer learns nothing: the same error for denied and absent', async () => {
    const sh = await provisioned();
    const r = memoryServer(sh, { firewall: { rules: RULES, onDenied: () => {} } }).connect(EVE);
    try {
      const errors: unknown[] = [];
      for (const attempt of [
        () => r.client('wallet').json.execute(sign('keys')),
        () => r.client('wallet').vaultExists('keys'),
        () => r.client('wallet').vaultExists('absent'),
        () => r.client('absent').vaultExists('keys'),
      ]) {
        await assert.rejects(attempt(), (e: unknown) => (errors.push(e), isStrongholdError(e, 'PermissionDenied')));
      }
      const shape = (e: unknown) => ({ ...(e as StrongholdError).toJSON(), details: {} });
      assert.deepEqual(shape(errors[1]), shape(errors[2]));
      assert.deepEqual(shape(errors[2]), shape(errors[3]));
      assert.deepEqual((errors[1] as StrongholdError).toJSON(), (errors[2] as StrongholdError).toJSON());
    } finally {
      await r.close();
    }
  });

  test('listVaults: `list` on two of three vaults shows exactly those two; `allow` shows all; no `list` is denied', async () => {
    const server = memoryServer(await provisioned(), { firewall: { rules: RULES, onDenied: () => {} } });
    const id = (path: string) => Buffer.from(vaultId(new TextEncoder().encode(path))).toString('hex');
    const handles = [server.connect(LISTER), server.connect(ALICE), server.connect(BOB)];
    try {
      const [lister, alice, bob] = handles.map((h) => h.client('wallet'));
      assert.deepEqual((await lister!.listVaults()).sort(), [id('keys'), id('other')].sort());
      assert.deepEqual((await alice!.listVaults()).sort(), ['seeds', 'keys', 'other'].map(id).sort());
      await assert.rejects(bob!.listVaults(), code('PermissionDenied'));
    } finally {
      for (const h of handles) await h.close();
    }
  });

  test('a restricted peer signs with one vault only and cannot write', async () => {
    const sh = await provisioned();
    const r = memoryServer(sh, { firewall: { rules: RULES, onDenied: () => {} } }).connect(BOB);
    try {
      const c = r.client('wallet');
      const [pk, sig] = await c.json.executeChain([pub('keys'), sign('keys')]);
      assert.ok(verifies(pk, sig));
      await assert.rejects(c.json.execute(sign('other')), code('PermissionDenied'));
      await assert.rejects(c.writeSecret({ vault: 'keys', record: 'new' }, new Uint8Array(32)), code('PermissionDenied'));
      await assert.rejects(c.listRecords('keys'), code('PermissionDenied'));
      // Two inputs: the second one is in a vault bob may not use.
      const wrap = (second: string) => ({ type: 'AesKeyWrapEncrypt', cipher: 'aes256', encryptionKey: { vault: 'keys', record: 'raw' }, wrapKey: { vault: second, record: 'raw' } });
      await assert.rejects(c.json.execute(wrap('other')), code('PermissionDenied'));
      assert.equal(typeof (await c.json.execute(wrap('keys'))), 'string');
      const denied = await c.json.execute(sign('other')).catch((e: StrongholdError) => e.toJSON());
      const absent = await c.json.execute(sign('absent')).catch((e: StrongholdError) => e.toJSON());
      assert.deepEqual(denied, absent);
      assert.equal(sh.getClient('wallet').recordExists(Location.generic('keys', 'new')), false);
    } finally {
      await r.close();
    }
  });

  test('100 concurrent requests on one stream', async () => {
    const r = memoryServer(await provisioned(), { firewall: { rules: RULES, onDenied: () => {} } }).connect(ALICE);
    try {
      const c = r.client('wallet');
      const [pk] = await c.json.executeChain([pub('keys')]);
      const sigs = await Promise.all(Array.from({ length: 100 }, () => c.json.execute(sign('keys'))));
      assert.equal(new Set(sigs).size, 1);
      assert.ok(verifies(pk, sigs[0]));
    } finally {
      await r.close();
    }
  });

  test('hostile frames: malformed, unknown types, oversized, without an id, a low-order key; others keep being served', async () => {
    const server = memoryServer(await provisioned(), { firewall: { rules: RULES, onDenied: () => {} } });
    const raw = async () => {
      const stream = await server.stream(ALICE);
      const responses = readFrames(stream, 1 << 20);
      const next = async (): Promise<Response | null> => {
        const n = await responses.next();
        return n.done ? null : parseResponse(n.value);
      };
      return { stream, next };
    };
    // Not JSON: an error without an id, then the stream closes.
    let s = await raw();
    s.stream.send(prefixed(Uint8Array.of(0, 0, 0, 2, 0x7b, 0x7b)));
    let r = await s.next();
    assert.ok(r && !r.ok && r.id === null && r.error.code === 'ProtocolError');
    assert.equal(await s.next(), null);
    // An unknown request type: a typed error for that id, and the stream stays usable.
    s = await raw();
    s.stream.send(prefixed(encodeFrame({ id: 5, type: 'readSecret', client: 'wallet' })));
    r = await s.next();
    assert.ok(r && !r.ok && r.id === 5 && r.error.code === 'ProtocolError');
    s.stream.send(prefixed(encodeFrame(requestHeader(6, 'vaultExists', { client: 'wallet', vault: 'keys' }))));
    r = await s.next();
    assert.ok(r && r.ok && r.id === 6);
    await s.stream.close();
    // A frame above the limit: refused before it is read, then the stream closes.
    s = await raw();
    s.stream.send(encodeLength(64 * 1024 * 1024));
    r = await s.next();
    assert.ok(r && !r.ok && r.id === null && r.error.code === 'ProtocolError');
    assert.equal(await s.next(), null);
    // A request without an id.
    s = await raw();
    s.stream.send(prefixed(encodeFrame({ type: 'storeKeys', client: 'wallet' })));
    r = await s.next();
    assert.ok(r && !r.ok && r.id === null);
    // A sync export for a low-order X25519 key (all zeros): a typed error, no export.
    s = await raw();
    s.stream.send(prefixed(encodeFrame(requestHeader(7, 'syncExport', { client: 'wallet', records: {}, publicKey: '00'.repeat(32) }))));
    r = await s.next();
    assert.ok(r && !r.ok && r.id === 7 && isStrongholdError(r.error, 'ProtocolError') && r.error.details.reason === 'invalid X25519 public key');
    await s.stream.close();
    const alice = server.connect(ALICE);
    try {
      const [pk, sig] = await alice.client('wallet').json.executeChain([pub('keys'), sign('keys')]);
      assert.ok(verifies(pk, sig));
    } finally {
      await alice.close();
    }
  });

  test('the server\'s timeout answers Timeout; a write answered Timeout while the firewall asked never happens; the client\'s own timeout', async () => {
    const sh = await provisioned();
    let approve: (yes: boolean) => void = () => {};
    const asking = memoryServer(sh, {
      requestTimeoutMs: 100,
      firewall: { onDenied: () => {}, rules: { default: 'ask', peers: {} }, ask: () => new Promise<boolean>((resolve) => (approve = resolve)) },
    });
    const r = asking.connect(EVE);
    const silent = memoryServer(sh, { firewall: { onDenied: () => {}, rules: { default: 'ask', peers: {} }, ask: () => new Promise<boolean>(() => {}) } }).connect(EVE, null, { requestTimeoutMs: 30 });
    try {
      await assert.rejects(r.client('wallet').writeSecret({ vault: 'late', record: 'x' }, new Uint8Array(8).fill(1)), (e: unknown) => code('Timeout')(e) && (e as { details: { operation?: unknown } }).details.operation === 'writeSecret');
      approve(true);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(sh.getClient('wallet').vaultExists('late'), false);
      await assert.rejects(silent.client('wallet').vaultExists('keys'), code('Timeout'));
    } finally {
      await r.close();
      await silent.close();
    }
  });
});
