import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientDb } from '../../src/engine/db.js';
import { Location } from '../../src/engine/location.js';
import { peek, plant } from '../engine-access.js';

const id = new Uint8Array(24).fill(1);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('exportSubset + mergeSubset move records between clients, re-sealed under the target key, keeping BlobIds', () => {
  const a = new ClientDb(id);
  const b = new ClientDb(new Uint8Array(24).fill(2));
  const l1 = Location.generic('v', 'one');
  const l2 = Location.generic('v', 'two');
  plant(a, l1, new Uint8Array([1, 1]));
  plant(a, l2, new Uint8Array([2, 2, 2]));
  plant(b, Location.generic('v', 'mine'), new Uint8Array([9])); // b has its own key for vault v
  a.revoke(l2);
  const blobIds = new Map(a.hierarchy()[0]!.records.map((r) => [hex(r.id), hex(r.blobId)]));
  const n = b.mergeSubset(a.exportSubset(new Map([[l1.vaultKey, null]])), { replace: true });
  assert.equal(n, 2);
  assert.deepEqual(peek(b, l1, (s) => Array.from(s)), [1, 1]);
  assert.equal(b.recordExists(l2), false, 'a revoked record stays revoked');
  for (const r of b.hierarchy()[0]!.records) if (blobIds.has(hex(r.id))) assert.equal(hex(r.blobId), blobIds.get(hex(r.id)));
  assert.deepEqual(peek(b, Location.generic('v', 'mine'), (s) => Array.from(s)), [9]);

  plant(a, l1, new Uint8Array([7]));
  assert.equal(b.mergeSubset(a.exportSubset(new Map([[l1.vaultKey, new Set([l1.recordKey])]])), { replace: false }), 0, 'keep the local version');
  assert.deepEqual(peek(b, l1, (s) => Array.from(s)), [1, 1]);
  assert.equal(b.mergeSubset(a.exportSubset(new Map([[l1.vaultKey, new Set([l1.recordKey])]])), { replace: true }), 1);
  assert.deepEqual(peek(b, l1, (s) => Array.from(s)), [7]);

  b.removeRecords([{ vaultId: l1.vaultId, recordId: l1.recordId }]);
  assert.equal(b.recordExists(l1), false);
});

test('a tampered export merges nothing', () => {
  const a = new ClientDb(id);
  const b = new ClientDb(id);
  plant(a, Location.generic('v', 'one'), new Uint8Array([1]));
  plant(a, Location.generic('v', 'two'), new Uint8Array([2]));
  const state = a.exportSubset(new Map([[Location.generic('v', 'x').vaultKey, null]]));
  state.vaults[0]!.records[1]!.blob[40]! ^= 1;
  assert.throws(() => b.mergeSubset(state, { replace: true }), (e: any) => e.code === 'CorruptPayload');
  assert.equal(b.vaultExists(Location.generic('v', 'x').vaultId), false);
});

test('what a peer may have and what it may give: exportable records only, never a FROST record or an identity', () => {
  const a = new ClientDb(id);
  const open = Location.generic('v', 'open');
  const closed = Location.generic('v', 'closed');
  plant(a, open, new Uint8Array([1]));
  plant(a, closed, new Uint8Array([2]), 'ed25519', { exportable: false });
  const all = new Map([[open.vaultKey, null]]);
  assert.deepEqual([...a.peerHierarchy(all).get(open.vaultKey)!.keys()], [hex(open.recordId)], 'the non-exportable record is not offered');
  assert.deepEqual(a.exportForPeer(all).vaults[0]!.records.map((r) => hex(r.id)), [hex(open.recordId)]);

  // A peer seals records under keys it chooses, so it could claim any hint: kinds that must be made here are refused.
  for (const kind of ['frost-nonce', 'frost-share', 'p2p-identity'] as const) {
    const forger = new ClientDb(id);
    plant(forger, Location.generic('v', 'forged'), new Uint8Array(101).fill(7), kind);
    const b = new ClientDb(id);
    assert.throws(() => b.mergeSubset(forger.exportSubset(all), { replace: true, fromPeer: true }), (e: any) => e.code === 'CorruptPayload', kind);
    assert.equal(b.hierarchy().length, 0, 'nothing merged');
    assert.equal(b.mergeSubset(forger.exportSubset(all), { replace: true }), 1, 'the zone (not a peer) carries every kind');
  }
  const b = new ClientDb(id);
  assert.throws(() => b.mergeSubset(a.exportSubset(all), { replace: true, fromPeer: true }), (e: any) => e.code === 'CorruptPayload', 'a non-exportable record from a peer');
  assert.equal(b.mergeSubset(a.exportForPeer(all), { replace: true, fromPeer: true }), 1);
});
