import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { clientId, counterRecordId, genericRecordId, vaultId } from '../../src/engine/ids.js';
import { Location } from '../../src/engine/location.js';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Expected values: shared/fixtures/iota-sdk/README.md and shared/spec/snapshot-format.md §8 (ids read from real Rust files).
test('ClientId of iota_seed and iota-wallet-records match the fixtures', () => {
  assert.equal(hex(clientId(enc('iota_seed'))), '4d6d354cd2fc52effbb5741cbe206da77024f8b3c3594f82');
  assert.equal(hex(clientId(enc('iota-wallet-records'))), '52ccd1d7e86523610b5534f05097d3b7c771ffbaeac7e7c9');
});

test('VaultId and generic RecordIds match the fixtures', () => {
  assert.equal(hex(vaultId(enc('iota-wallet-secret'))), '4dc00c84b7a4244e8686f5a1eaa4d82fe4f60ca81a50acfb');
  assert.equal(hex(genericRecordId(enc('iota-wallet-secret'), enc('iota-wallet-seed'))), 'c582e1fda802fd150b16ec724e268bc9a8ef5e11a1acf72d');
  assert.equal(hex(genericRecordId(enc('iota-wallet-secret'), enc('userdata-store-key'))), '196a688cff3832fde537a0dd035e9d3af702664bad49d283');
});

test('the Chrysalis store key hash uses the ClientId rule', () => {
  assert.equal(hex(clientId(enc('iota-wallet-account-indexation'))), 'ddc058ad3b93b5a575b0051aafbc8ff17ad0415d7aa1c54d');
});

test('counter RecordIds hash the Rust Debug text of the vault path, with first_record for 0', () => {
  const h24 = (t: string) => createHmac('sha512', t).update(t).digest().subarray(0, 24).toString('hex');
  assert.equal(hex(counterRecordId(enc('ab'), 3)), h24('[97, 98]3'));
  assert.equal(hex(counterRecordId(enc('ab'), 0)), h24('[97, 98]first_record'));
  assert.equal(hex(counterRecordId(new Uint8Array([1, 2, 255]), 12)), h24('[1, 2, 255]12'));
  // The vault id plays no part in a counter id: two vaults whose paths render alike collide, as in Rust.
  assert.notEqual(hex(counterRecordId(enc('ab'), 1)), hex(counterRecordId(enc('ab'), 2)));
});

test('Location resolves the same ids from strings and bytes', () => {
  const a = Location.generic('iota-wallet-secret', 'iota-wallet-seed');
  const b = Location.generic(enc('iota-wallet-secret'), enc('iota-wallet-seed'));
  assert.equal(hex(a.recordId), hex(b.recordId));
  assert.equal(hex(a.vaultId), '4dc00c84b7a4244e8686f5a1eaa4d82fe4f60ca81a50acfb');
  assert.equal(Location.counter('ab', 3).record, '#3');
  assert.equal(hex(Location.counter('ab', 3).recordId), hex(counterRecordId(enc('ab'), 3)));
});

test('invalid locations give InvalidLocation naming the field', () => {
  const cases: [() => unknown, string][] = [
    [() => Location.generic('', 'r'), 'vault'],
    [() => Location.generic('v', ''), 'record'],
    [() => Location.generic('v', 'x'.repeat(1025)), 'record'],
    [() => Location.generic(42 as never, 'r'), 'vault'],
    [() => Location.counter('v', -1), 'counter'],
    [() => Location.counter('v', 1.5), 'counter'],
    [() => Location.from({ vault: 'v' }), 'location'],
    [() => Location.from(null), 'location'],
  ];
  for (const [fn, field] of cases) {
    assert.throws(fn, (e: any) => e.code === 'InvalidLocation' && e.details.field === field);
  }
});
