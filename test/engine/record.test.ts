import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { BOX_OVERHEAD, decodeDataTransaction, encodeDataTransaction, encodeRevocationTransaction, isRevocationTransaction, openInto, randomId, seal, StoredRecord } from '../../src/engine/record.js';

test('a sealed box is tag || nonce || ciphertext of XChaCha20-Poly1305 (checked with noble)', () => {
  const key = new Uint8Array(32).fill(7);
  const ad = new Uint8Array(24).fill(1);
  const plain = new TextEncoder().encode('a secret of some length');
  const box = seal(key, ad, plain);
  assert.equal(box.length, plain.length + BOX_OVERHEAD);
  const tag = box.subarray(0, 16);
  const nonce = box.subarray(16, 40);
  const ct = box.subarray(40);
  const expected = xchacha20poly1305(key, nonce, ad).encrypt(plain); // ciphertext || tag
  assert.deepEqual(Buffer.from(ct), Buffer.from(expected.subarray(0, plain.length)));
  assert.deepEqual(Buffer.from(tag), Buffer.from(expected.subarray(plain.length)));
  const out = new Uint8Array(plain.length);
  assert.ok(openInto(key, ad, box, out));
  assert.deepEqual(out, plain);
});

test('opening fails on a wrong key, wrong associated data, a flipped bit or a wrong length', () => {
  const key = new Uint8Array(32).fill(7);
  const ad = new Uint8Array(24).fill(1);
  const box = seal(key, ad, new Uint8Array([1, 2, 3]));
  const out = new Uint8Array(3);
  assert.equal(openInto(new Uint8Array(32), ad, box, out), false);
  assert.equal(openInto(key, new Uint8Array(24), box, out), false);
  const flipped = box.slice();
  flipped[41]! ^= 1;
  assert.equal(openInto(key, ad, flipped, out), false);
  assert.equal(openInto(key, ad, box, new Uint8Array(2)), false);
  assert.equal(openInto(key, ad, box.subarray(0, 10), new Uint8Array(0)), false);
});

test('the data transaction has the Rust byte layout and round-trips', () => {
  const id = randomId();
  const blobId = randomId();
  const hint = randomId();
  const tx = encodeDataTransaction(id, { length: 64, blobId, hint });
  assert.equal(tx.length, 112);
  assert.equal(Buffer.from(tx.subarray(0, 16)).toString('hex'), '0000000000000001' + '0000000000000040');
  assert.deepEqual(tx.subarray(16, 40), id);
  assert.deepEqual(tx.subarray(40, 64), blobId);
  assert.deepEqual(tx.subarray(64, 88), hint);
  assert.ok(tx.subarray(88).every((b) => b === 0));
  assert.deepEqual(decodeDataTransaction(id, tx), { length: 64, blobId, hint });
  assert.equal(decodeDataTransaction(randomId(), tx), null, 'another record id');
  const rev = encodeRevocationTransaction(id);
  assert.equal(decodeDataTransaction(id, rev), null, 'type 2 is no data transaction');
  assert.ok(isRevocationTransaction(id, rev));
  assert.equal(Buffer.from(rev.subarray(0, 8)).toString('hex'), '0000000000000002');
  assert.ok(rev.subarray(32).every((b) => b === 0));
});

test('a stored record packs the Rust boxes; random hints are 1..23 random bytes padded with zeros to 24', () => {
  const key = new Uint8Array(32).fill(3);
  const id = randomId();
  const lengths = new Set<number>();
  for (let i = 0; i < 300; i++) {
    const rec = StoredRecord.seal(key, id, null, new Uint8Array([1, 2, 3]));
    assert.equal(rec.hint.length, 24);
    assert.equal(rec.hint[23], 0);
    let n = 24;
    while (n > 0 && rec.hint[n - 1] === 0) n--;
    lengths.add(n);
    const tx = new Uint8Array(112);
    assert.ok(openInto(key, id, rec.data, tx));
    assert.deepEqual(decodeDataTransaction(id, tx), { length: 3, blobId: rec.blobId.slice(), hint: rec.hint.slice() });
    const out = new Uint8Array(3);
    assert.ok(openInto(key, rec.blobId, rec.blob, out));
    assert.deepEqual(out, new Uint8Array([1, 2, 3]));
  }
  assert.ok(Math.max(...lengths) <= 23 && lengths.size > 10, 'hint lengths vary within 1..23');
  const fixed = StoredRecord.seal(key, id, new Uint8Array(24).fill(9), new Uint8Array(1));
  assert.deepEqual(fixed.hint, new Uint8Array(24).fill(9));
});
