/**
 * The firewall without a network: rule files, restricted rules over every location of a chain, "ask" with
 * its timeout, runtime changes, the reserved identity client, and denials that carry no secret.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isStrongholdError } from '../../src/errors.js';
import { Firewall, loadFirewallRules, parseFirewallRules, type Denial, type FirewallRules } from '../../src/p2p/firewall.js';
import { decodeFrame, encodeFrame, parseRequest, requestHeader, type Request, type RequestBody, type RequestType } from '../../src/p2p/messages.js';

const PEER = '12D3KooWGzh5ZJ6R9RZxrtRYqhiSKyKk8Yw3fjKZ9fj6Hd6K6fA1';
const OTHER = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK';

function req(type: RequestType, body: RequestBody, blob?: Uint8Array): Request {
  const f = decodeFrame(encodeFrame(requestHeader(1, type, body), blob));
  return parseRequest(1, f.header, f.blob);
}

const sign = (vault: string) => req('execute', { client: 'wallet', chain: [{ type: 'Ed25519Sign', privateKey: { vault, record: 'k' }, msg: '00' }] });

async function denied(p: Promise<unknown>, operation: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isStrongholdError(e, 'PermissionDenied') && e.details.operation === operation);
}

const restricted: FirewallRules = {
  default: 'deny',
  peers: {
    [PEER]: { clients: { wallet: { vaults: { keys: ['use'], scratch: ['use', 'write'] }, store: ['read'] } } },
  },
};

describe('firewall', () => {
  test('the default is deny', async () => {
    await denied(new Firewall({ onDenied: () => {} }).check(PEER, sign('keys')), 'execute');
  });

  test('restricted: per client, per vault, per operation', async () => {
    const fw = new Firewall({ rules: restricted, onDenied: () => {} });
    await fw.check(PEER, sign('keys'));
    await denied(fw.check(PEER, sign('other')), 'execute');
    await denied(fw.check(PEER, req('writeSecret', { client: 'wallet', location: { vault: 'keys', record: 'k' } }, Uint8Array.of(1))), 'writeSecret');
    await fw.check(PEER, req('writeSecret', { client: 'wallet', location: { vault: 'scratch', record: 'k' } }, Uint8Array.of(1)));
    await denied(fw.check(PEER, req('listRecords', { client: 'wallet', vault: 'keys' })), 'listRecords');
    await fw.check(PEER, req('storeGet', { client: 'wallet', key: '00' }));
    await denied(fw.check(PEER, req('storeSet', { client: 'wallet', key: '00' }, Uint8Array.of(1))), 'storeSet');
    await denied(fw.check(PEER, req('vaultExists', { client: 'other-client', vault: 'keys' })), 'vaultExists');
    await denied(fw.check(OTHER, sign('keys')), 'execute');
  });

  test('every input of a two-input procedure is checked, not only the first', async () => {
    const fw = new Firewall({ rules: restricted, onDenied: () => {} });
    const wrap = (second: string) => req('execute', {
      client: 'wallet',
      chain: [{ type: 'AesKeyWrapEncrypt', cipher: 'aes256', encryptionKey: { vault: 'keys', record: 'a' }, wrapKey: { vault: second, record: 'b' } }],
    });
    await fw.check(PEER, wrap('keys'));
    await denied(fw.check(PEER, wrap('other')), 'execute');
    const concat = (output: string) => req('execute', {
      client: 'wallet',
      chain: [{ type: 'ConcatSecret', locationA: { vault: 'keys', record: 'a' }, locationB: { vault: 'scratch', record: 'b' }, output: { vault: output, record: 'c' } }],
    });
    await fw.check(PEER, concat('scratch'));
    await denied(fw.check(PEER, concat('keys')), 'execute');
    // A later step of a chain is checked as well.
    const chain = req('execute', { client: 'wallet', chain: [
      { type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k' }, msg: '00' },
      { type: 'RevokeData', location: { vault: 'keys', record: 'k' } },
    ] });
    await denied(fw.check(PEER, chain), 'execute');
  });

  test('the identity client is refused even to an allowed peer', async () => {
    const log: Denial[] = [];
    const fw = new Firewall({ rules: { default: 'allow', peers: {} }, onDenied: (d) => log.push(d) });
    await denied(fw.check(PEER, req('listRecords', { client: 'stronghold-p2p', vault: 'identity' })), 'listRecords');
    assert.equal(log[0]?.reason, 'reserved-client');
  });

  test('ask: the callback decides, sees no payload, and silence denies', async () => {
    const seen: unknown[] = [];
    const fw = new Firewall({
      rules: { default: 'ask', peers: {} },
      ask: (q) => {
        seen.push(q);
        return q.accesses.every((a) => a.vault === 'keys');
      },
      onDenied: () => {},
    });
    await fw.check(PEER, sign('keys'));
    await denied(fw.check(PEER, sign('other')), 'execute');
    assert.deepEqual(seen[0], { peer: PEER, request: 'execute', client: 'wallet', accesses: [{ op: 'use', vault: 'keys' }] });
    const log: Denial[] = [];
    const silent = new Firewall({ rules: { default: 'ask', peers: {} }, ask: () => new Promise(() => {}), askTimeoutMs: 20, onDenied: (d) => log.push(d) });
    await denied(silent.check(PEER, sign('keys')), 'execute');
    assert.equal(log[0]?.reason, 'ask-timeout');
    const throwing = new Firewall({ rules: { default: 'ask', peers: {} }, ask: () => { throw new Error('boom'); }, onDenied: () => {} });
    await denied(throwing.check(PEER, sign('keys')), 'execute');
  });

  test('rules change at runtime', async () => {
    const fw = new Firewall({ onDenied: () => {} });
    fw.setPeerRule(PEER, 'allow');
    await fw.check(PEER, sign('anything'));
    fw.removePeerRule(PEER);
    await denied(fw.check(PEER, sign('anything')), 'execute');
    fw.setDefault('allow');
    await fw.check(OTHER, sign('anything'));
    fw.setRules(restricted);
    await denied(fw.check(OTHER, sign('keys')), 'execute');
    assert.deepEqual(fw.rules, restricted);
  });

  test('denials are logged with paths and ids, never the secret or message', async () => {
    const log: Denial[] = [];
    const fw = new Firewall({ onDenied: (d) => log.push(d) });
    const secret = Uint8Array.from(Buffer.from('c0ffee'.repeat(8), 'hex'));
    await denied(fw.check(PEER, req('writeSecret', { client: 'wallet', location: { vault: 'keys', record: 'k' } }, secret)), 'writeSecret');
    await denied(fw.check(PEER, req('execute', { client: 'wallet', chain: [{ type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k' }, msg: 'c0ffee'.repeat(8) }] })), 'execute');
    const text = JSON.stringify(log);
    assert.ok(!text.includes('c0ffee'));
    assert.deepEqual(log[0], { peer: PEER, request: 'writeSecret', client: 'wallet', accesses: [{ op: 'write', vault: 'keys' }], reason: 'rule' });
  });

  test('rule files: loaded, validated strictly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stronghold-fw-'));
    try {
      const file = join(dir, 'rules.json');
      await writeFile(file, JSON.stringify(restricted));
      assert.deepEqual(await loadFirewallRules(file), restricted);
      await writeFile(file, '{"default": "maybe"}');
      await assert.rejects(loadFirewallRules(file), (e: unknown) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'default');
      await assert.rejects(loadFirewallRules(join(dir, 'missing.json')), (e: unknown) => isStrongholdError(e, 'Io'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const bad = (json: unknown, field: string) => assert.throws(() => parseFirewallRules(json), (e: unknown) => isStrongholdError(e, 'InvalidArgument') && e.details.field === field);
    bad({ peers: { [PEER]: { clients: { w: { vaults: { k: ['sign'] } } } } } }, `peers.${PEER}.clients.w.vaults.k[0]`);
    bad({ peers: { 'not a peer id!': 'allow' } }, 'peers');
    bad({ peers: {}, extra: 1 }, 'extra');
    bad({ peers: { [PEER]: { clients: { w: { store: ['delete'] } } } } }, `peers.${PEER}.clients.w.store[0]`);
    assert.deepEqual(parseFirewallRules({}), { default: 'deny', peers: {} });
  });
});
