import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/engine/store.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

test('insert, get, has, delete and keys', () => {
  const s = new Store();
  assert.equal(s.insert('a', 'one'), null);
  assert.equal(dec(s.insert('a', 'two')), 'one');
  assert.equal(dec(s.get('a')), 'two');
  assert.equal(dec(s.get(enc('a'))), 'two', 'string and byte keys are the same key');
  assert.ok(s.has('a'));
  s.insert(new Uint8Array([0, 255]), new Uint8Array([1]));
  assert.deepEqual(s.keys().map((k) => Buffer.from(k).toString('hex')), ['61', '00ff']);
  assert.equal(dec(s.delete('a')), 'two');
  assert.equal(s.delete('a'), null);
  assert.equal(s.get('missing'), null);
  assert.equal(s.has('a'), false);
});

test('expired entries are neither returned nor listed (unlike Rust keys())', () => {
  let now = 1_000_000;
  const s = new Store(() => now);
  s.insert('short', 'x', { ttlMs: 100 });
  s.insert('long', 'y', { ttlMs: 10_000 });
  s.insert('forever', 'z');
  now += 99;
  assert.deepEqual(s.keys().map((k) => dec(k)), ['short', 'long', 'forever']);
  now += 1;
  assert.equal(s.get('short'), null);
  assert.equal(s.has('short'), false);
  assert.deepEqual(s.keys().map((k) => dec(k)), ['long', 'forever']);
  assert.equal(s.insert('short', 'again'), null, 'an expired previous value is not returned');
  assert.deepEqual(s.exportState().entries.map((e) => dec(e.key)), ['long', 'forever', 'short']);
});

test('values are copies: mutating a returned value changes nothing', () => {
  const s = new Store();
  s.insert('k', new Uint8Array([1, 2, 3]));
  s.get('k')![0] = 9;
  assert.deepEqual(s.get('k'), new Uint8Array([1, 2, 3]));
});

test('bad input is a typed error and changes nothing', () => {
  const s = new Store();
  s.insert('k', 'v');
  const bad: [() => unknown, string][] = [
    [() => s.insert(42 as never, 'v'), 'key'],
    [() => s.insert('k', 42 as never), 'value'],
    [() => s.insert('k', 'w', { ttlMs: 0 }), 'ttlMs'],
    [() => s.insert('k', 'w', { ttlMs: 1.5 }), 'ttlMs'],
    [() => s.insert('x'.repeat(1025), 'w'), 'key'],
    [() => s.get(null as never), 'key'],
  ];
  for (const [fn, field] of bad) assert.throws(fn, (e: any) => e.code === 'InvalidArgument' && e.details.field === field);
  assert.equal(dec(s.get('k')), 'v');
  assert.equal(s.keys().length, 1);
});

test('keysWithExpiry: live keys with their expiry instant (null for none), without the expired ones', () => {
  let now = 1_000_000;
  const s = new Store(() => now);
  s.insert('short', 'x', { ttlMs: 100 });
  s.insert('forever', 'z');
  assert.deepEqual(s.keysWithExpiry().map((e) => [dec(e.key), e.expiresAt]), [['short', 1_000_100], ['forever', null]]);
  now += 100;
  assert.deepEqual(s.keysWithExpiry().map((e) => [dec(e.key), e.expiresAt]), [['forever', null]]);
});
