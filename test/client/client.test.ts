import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { decodeHint, LEGACY_POLICY } from '../../src/engine/policy.js';

const enc = (s: string) => new TextEncoder().encode(s);
const isCode = (code: string, details?: Record<string, unknown>) => (e: any) => {
  assert.equal(e.name, 'StrongholdError');
  assert.equal(e.code, code);
  for (const [k, v] of Object.entries(details ?? {})) assert.equal(e.details[k], v);
  return true;
};

describe('Stronghold clients', () => {
  test('create, get, unload, load, purge', () => {
    const sh = Stronghold.create();
    const c = sh.createClient('alice');
    assert.equal(sh.getClient('alice'), c);
    assert.equal(sh.getClient(enc('alice')), c, 'byte paths name the same client');
    assert.ok(sh.hasClient('alice'));
    assert.deepEqual(sh.listClients(), [{ id: Buffer.from(c.id).toString('hex'), loaded: true }]);
    c.writeSecret(Location.generic('v', 'r'), new Uint8Array([1]));
    sh.unloadClient('alice');
    assert.throws(() => sh.getClient('alice'), isCode('ClientNotFound', { client: 'alice' }));
    assert.throws(() => c.vaultExists('v'), isCode('ClientNotFound'), 'a handle of an unloaded client is dead');
    const again = sh.loadClient('alice');
    assert.ok(again.recordExists(Location.generic('v', 'r')), 'unload keeps the state');
    sh.purgeClient('alice');
    assert.equal(sh.hasClient('alice'), false);
    assert.throws(() => sh.loadClient('alice'), isCode('ClientNotFound'));
    assert.throws(() => again.recordExists(Location.generic('v', 'r')), isCode('ClientNotFound'));
  });

  test('client errors: already loaded, not found, bad paths; nothing changes', () => {
    const sh = Stronghold.create();
    sh.createClient('a');
    assert.throws(() => sh.createClient('a'), isCode('ClientAlreadyLoaded', { client: 'a' }));
    assert.throws(() => sh.loadClient('a'), isCode('ClientAlreadyLoaded'));
    sh.unloadClient('a');
    assert.throws(() => sh.createClient('a'), isCode('ClientAlreadyLoaded'), 'never silently replaces a client');
    assert.throws(() => sh.getClient('b'), isCode('ClientNotFound', { client: 'b' }));
    assert.throws(() => sh.loadClient('b'), isCode('ClientNotFound'));
    assert.throws(() => sh.unloadClient('b'), isCode('ClientNotFound'));
    assert.throws(() => sh.purgeClient('b'), isCode('ClientNotFound'));
    assert.throws(() => sh.createClient(''), isCode('InvalidArgument', { field: 'client' }));
    assert.throws(() => sh.createClient('x'.repeat(1025)), isCode('InvalidArgument', { field: 'client' }));
    assert.throws(() => sh.createClient(7 as never), isCode('InvalidArgument', { field: 'client' }));
    assert.equal(sh.listClients().length, 1);
  });
});

describe('Client records', () => {
  test('write, exists, list, revoke, garbage-collect, delete', () => {
    const c = Stronghold.create().createClient('c');
    const loc = Location.generic('vault', 'seed');
    assert.equal(c.vaultExists('vault'), false);
    assert.equal(c.recordExists(loc), false);
    c.writeSecret(loc, new Uint8Array(64).fill(1));
    c.writeSecret(Location.counter('vault', 0), new Uint8Array(32).fill(2));
    assert.ok(c.vaultExists('vault'));
    assert.ok(c.recordExists(loc));
    const list = c.listRecords('vault');
    assert.deepEqual(list.map((r) => r.id), [Buffer.from(loc.recordId).toString('hex'), Buffer.from(Location.counter('vault', 0).recordId).toString('hex')]);
    assert.deepEqual(list.map((r) => r.length), [64, 32]);
    assert.ok(list.every((r) => r.hint.length === 24));
    assert.ok(!('secret' in list[0]!) && !('data' in list[0]!), 'listing has no contents');

    const hint = list[0]!.hint;
    c.writeSecret(loc, new Uint8Array(16).fill(3));
    const updated = c.listRecords('vault')[0]!.hint;
    assert.notDeepEqual(updated, hint, 'an update writes a fresh hint: the old kind and policy never stick to new bytes');
    assert.deepEqual(decodeHint(updated), { kind: 'unknown', policy: LEGACY_POLICY });
    assert.equal(c.listRecords('vault')[0]!.length, 16);

    c.revokeSecret(loc);
    assert.equal(c.recordExists(loc), false);
    assert.equal(c.listRecords('vault').length, 1);
    c.revokeSecret(loc); // idempotent
    assert.throws(() => c.writeSecret(loc, new Uint8Array(1)), isCode('RecordRevoked', { vault: 'vault', record: 'seed' }));
    assert.equal(c.garbageCollect('vault'), 1);
    assert.equal(c.garbageCollect('vault'), 0);
    c.writeSecret(loc, new Uint8Array(1)); // writable again after collection

    const v = c.vault('vault');
    v.deleteSecret('seed');
    assert.equal(c.recordExists(loc), false);
    assert.equal(v.listRecords().length, 1);
    assert.equal(v.garbageCollect(), 0, 'delete already collected');
    v.writeSecret('other', new Uint8Array([9]));
    assert.ok(v.exists());
    v.revokeSecret('other');
    assert.equal(v.garbageCollect(), 1);
  });

  test('record errors carry vault and record; nothing changes', () => {
    const c = Stronghold.create().createClient('c');
    assert.throws(() => c.listRecords('nope'), isCode('VaultNotFound', { vault: 'nope' }));
    assert.throws(() => c.garbageCollect('nope'), isCode('VaultNotFound', { vault: 'nope' }));
    assert.throws(() => c.revokeSecret(Location.generic('nope', 'r')), isCode('VaultNotFound'));
    c.writeSecret(Location.generic('v', 'r'), new Uint8Array([1]));
    assert.throws(() => c.revokeSecret(Location.generic('v', 'missing')), isCode('RecordNotFound', { vault: 'v', record: 'missing' }));
    assert.throws(() => c.deleteSecret(Location.generic('v', 'missing')), isCode('RecordNotFound'));
    assert.throws(() => c.writeSecret(Location.generic('v', 'r'), 'text' as never), isCode('InvalidArgument', { field: 'secret' }));
    assert.throws(() => c.writeSecret(Location.generic('v', 'r'), new Uint8Array(1024 * 1024 + 1)), isCode('InvalidArgument', { field: 'secret' }));
    assert.throws(() => c.writeSecret({ vault: 'v' } as never, new Uint8Array(1)), isCode('InvalidLocation'));
    assert.throws(() => c.vaultExists(''), isCode('InvalidArgument', { field: 'vault' }));
    assert.equal(c.listRecords('v').length, 1);
    assert.equal(c.listRecords('v')[0]!.length, 1);
  });

  test('the Client has no method that returns a secret', () => {
    const c = Stronghold.create().createClient('c');
    const proto = Object.getOwnPropertyNames(Object.getPrototypeOf(c));
    for (const name of proto) assert.doesNotMatch(name, /read|get.*secret|export/i);
  });
});

describe('stores', () => {
  test('each client has its own store; the session store is separate', () => {
    const sh = Stronghold.create();
    const a = sh.createClient('a');
    const b = sh.createClient('b');
    a.store.insert('k', 'va');
    b.store.insert('k', 'vb');
    sh.store.insert('k', 'session', { ttlMs: 60_000 });
    assert.equal(new TextDecoder().decode(a.store.get('k')!), 'va');
    assert.equal(new TextDecoder().decode(b.store.get('k')!), 'vb');
    assert.equal(new TextDecoder().decode(sh.store.get('k')!), 'session');
    assert.ok(a.store.has('k'));
    assert.equal(a.store.keys().length, 1);
    assert.equal(new TextDecoder().decode(a.store.delete('k')!), 'va');
    assert.equal(a.store.get('k'), null);
    sh.unloadClient('a');
    assert.throws(() => a.store.get('k'), isCode('ClientNotFound'));
  });
});
