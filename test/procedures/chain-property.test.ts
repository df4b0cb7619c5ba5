/**
 * Property: a chain that fails leaves every live record as it was (same secret, same hint/policy) and adds
 * none, whatever the chain wrote, overwrote, copied or concatenated before failing. Random chains over a small
 * set of locations, with a random initial state; 50 cases per provider (SLOW=1: 300).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { concatSecret } from '../../src/procedures/concat-secret.js';
import { copyRecord } from '../../src/procedures/copy-record.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { at, harness, hexOf, PROVIDERS, rejection, type Harness } from './helpers.js';
import { peek, plant } from '../engine-access.js';

const LOCS = ['a/0', 'a/1', 'b/0', 'b/1', 'c/0'].map((s) => at(s.split('/')[1]!, s.split('/')[0]));
const loc = fc.nat(LOCS.length - 1).map((i) => LOCS[i]!);

const step: fc.Arbitrary<ProcedureCall<any, any>> = fc.oneof(
  fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 64 }), loc).map(([data, l]) => writeVault({ data, location: l })),
  loc.map((l) => generateKey({ keyType: 'ed25519', output: l })),
  fc.tuple(loc, loc).map(([s, t]) => copyRecord({ source: s, target: t })),
  fc.tuple(loc, loc, loc).map(([a, b, o]) => concatSecret({ locationA: a, locationB: b, output: o })),
  fc.tuple(loc, loc).map(([s, o]) => slip10Derive({ curve: 'ed25519', chain: ["0'"], input: { seed: s }, output: o })),
);

/** Every live record among LOCS: its secret and hint (test-only access through the use gate). */
function snapshot(h: Harness): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of LOCS) {
    if (!h.db.recordExists(l)) continue;
    out[l.toString()] = `${peek(h.db, l, (s) => hexOf(s))}/${hexOf(h.db.recordInfo(l).hint)}`;
  }
  return out;
}

const runs = process.env.SLOW ? 300 : 50;

for (const provider of PROVIDERS) {
  describe(`chain rollback property (${provider.name})`, () => {
    test(`a failed chain leaves the records as they were (${runs} random chains)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), loc), { maxLength: 4 }), fc.array(step, { maxLength: 6 }),
          async (initial, steps) => {
            const h = harness(provider);
            for (const [data, l] of initial) plant(h.db, l, data);
            const before = snapshot(h);
            const err = await rejection(h.chain([...steps, ed25519Sign({ privateKey: at('missing', 'c'), msg: new Uint8Array(1) })]));
            assert.ok(typeof err.details.step === 'number' && err.details.step <= steps.length);
            assert.deepEqual(snapshot(h), before);
            for (const s of h.db.vaultSummaries()) assert.equal(s.revoked, 0);
          }),
        { numRuns: runs },
      );
    });
  });
}
