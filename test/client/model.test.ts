// Property test (issue 2): random sequences of write / revoke / gc / delete / list against a plain Map model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';

type Op =
  | { op: 'write'; vault: number; record: number; size: number }
  | { op: 'revoke'; vault: number; record: number }
  | { op: 'gc'; vault: number }
  | { op: 'delete'; vault: number; record: number };

const vaultName = (v: number) => `vault-${v}`;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), vault: fc.nat(2), record: fc.nat(4), size: fc.integer({ min: 0, max: 80 }) }),
  fc.record({ op: fc.constant('revoke' as const), vault: fc.nat(2), record: fc.nat(4) }),
  fc.record({ op: fc.constant('gc' as const), vault: fc.nat(2) }),
  fc.record({ op: fc.constant('delete' as const), vault: fc.nat(2), record: fc.nat(4) }),
);

interface ModelRecord { size: number; revoked: boolean }

test('the client agrees with a Map model on random operation sequences', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      const client = Stronghold.create().createClient('model');
      const model = new Map<number, Map<number, ModelRecord>>();
      const loc = (v: number, r: number) => Location.generic(vaultName(v), `record-${r}`);
      for (const o of ops) {
        const vault = model.get(o.vault);
        const rec = 'record' in o ? vault?.get(o.record) : undefined;
        let expected: string | null = null;
        if (o.op === 'write') {
          if (rec?.revoked) expected = 'RecordRevoked';
          else {
            const v = vault ?? new Map();
            v.set(o.record, { size: o.size, revoked: false });
            model.set(o.vault, v);
          }
        } else if (o.op === 'revoke' || o.op === 'delete') {
          if (!vault) expected = 'VaultNotFound';
          else if (!rec) expected = 'RecordNotFound';
          else {
            rec.revoked = true;
            if (o.op === 'delete') for (const [k, r] of vault) if (r.revoked) vault.delete(k);
          }
        } else if (o.op === 'gc') {
          if (!vault) expected = 'VaultNotFound';
          else for (const [k, r] of vault) if (r.revoked) vault.delete(k);
        }
        let actual: string | null = null;
        try {
          if (o.op === 'write') client.writeSecret(loc(o.vault, o.record), new Uint8Array(o.size).fill(o.record));
          else if (o.op === 'revoke') client.revokeSecret(loc(o.vault, o.record));
          else if (o.op === 'delete') client.deleteSecret(loc(o.vault, o.record));
          else client.garbageCollect(vaultName(o.vault));
        } catch (e: any) {
          actual = e.code;
        }
        assert.equal(actual, expected, JSON.stringify(o));
        for (let v = 0; v <= 2; v++) {
          const mv = model.get(v);
          assert.equal(client.vaultExists(vaultName(v)), mv !== undefined);
          if (!mv) continue;
          const live = [...mv].filter(([, r]) => !r.revoked);
          const listed = client.listRecords(vaultName(v));
          assert.deepEqual(
            listed.map((r) => r.id).sort(),
            live.map(([r]) => Buffer.from(loc(v, r).recordId).toString('hex')).sort(),
          );
          for (const [r, m] of live) {
            assert.equal(listed.find((x) => x.id === Buffer.from(loc(v, r).recordId).toString('hex'))!.length, m.size);
          }
          for (let r = 0; r <= 4; r++) assert.equal(client.recordExists(loc(v, r)), mv.get(r)?.revoked === false);
        }
      }
    }),
    { numRuns: 150 },
  );
});
