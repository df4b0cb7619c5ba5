/**
 * The JSON form of the FROST procedures: the examples of docs/threshold.md run in order (placeholders filled from
 * earlier results) and the signature they lead to verifies; every example survives procedureToJSON; malformed
 * JSON is InvalidArgument naming the field; no result or error carries a stored share or nonce.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isStrongholdError } from '../../src/errors.js';
import { aggregate, parseGroup } from '../../src/frost/public.js';
import { Location } from '../../src/engine/location.js';
import { frostCommit } from '../../src/procedures/frost-commit.js';
import { frostSign } from '../../src/procedures/frost-sign.js';
import { parseProcedure, procedureToJSON, resultToJSON } from '../../src/procedures/json.js';
import { FROST_KEY_PROCEDURES } from '../../src/procedures/policy.js';
import { harness, hexOf, PROVIDERS } from '../procedures/helpers.js';
import { peek, plant } from '../engine-access.js';

const doc = readFileSync(new URL('../../docs/threshold.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## The procedures in JSON form'), doc.indexOf('## From TypeScript'));
const examples = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
const ALICE_SECRET = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');

function nodeVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

for (const provider of PROVIDERS) {
  describe(`docs/threshold.md JSON examples (${provider.name})`, () => {
    test('run in order; with participant 2 they make a signature node:crypto verifies; nothing secret comes back', async () => {
      assert.deepEqual(examples.map((e) => (JSON.parse(e) as { type: string }).type), ['FrostKeygen', 'FrostShareExport', 'FrostShareImport', 'FrostCommit', 'FrostSign']);
      const h = harness(provider);
      plant(h.db, Location.generic('frost-keys', 'x25519'), Uint8Array.from(ALICE_SECRET), 'x25519', { allowed: FROST_KEY_PROCEDURES });
      const fills: Record<string, string> = {};
      const results: unknown[] = [];
      const outputs: unknown[] = [];
      for (const text of examples) {
        const json = JSON.parse(text.replace(/"<([^>]+)>"/g, (_, k: string) => JSON.stringify(fills[k] ?? assert.fail(`no value for <${k}>`))));
        const call = parseProcedure(json);
        const out = await h.run(call);
        const result = resultToJSON(call, out) as Record<string, unknown> | string;
        results.push(result);
        outputs.push(out);
        if (json.type === 'FrostShareExport') fills['FrostShareExport result'] = result as string;
        if (json.type === 'FrostCommit') {
          const r = result as { hiding: string; binding: string };
          [fills['hiding of 1'], fills['binding of 1']] = [r.hiding, r.binding];
          const two = await h.run(frostCommit({ share: { vault: 'deal', record: 's2' }, nonces: { vault: 'frost-nonces', record: 'h2' } }));
          [fills['hiding of 2'], fills['binding of 2']] = [hexOf(two.commitment.hiding), hexOf(two.commitment.binding)];
        }
      }
      const group = parseGroup(results[0]);
      const imported = results[2] as { identifier: number; groupPublicKey: string; verifyingShare: string };
      assert.equal(imported.identifier, 1);
      assert.equal(imported.groupPublicKey, hexOf(group.groupPublicKey));
      assert.equal(imported.verifyingShare, hexOf(group.verifyingShares[0]!));

      const signCall = parseProcedure(JSON.parse(examples[4]!.replace(/"<([^>]+)>"/g, (_, k: string) => JSON.stringify(fills[k]))));
      const commitments = (signCall.input as { commitments: { identifier: number; hiding: Uint8Array; binding: Uint8Array }[] }).commitments;
      const message = Buffer.from('hello');
      const second = await h.run(frostSign({ share: { vault: 'deal', record: 's2' }, nonces: { vault: 'frost-nonces', record: 'h2' }, message, commitments }));
      const first = outputs[4] as { identifier: number; signatureShare: Uint8Array };
      assert.ok(nodeVerifies(group.groupPublicKey, message, aggregate(group, commitments, message, [first, second])));

      // No result carries a share: every 16-byte window of the stored shares is searched for.
      const stored = [{ vault: 'deal', record: 's2' }, { vault: 'frost-shares', record: 'group-1' }].map((l) => peek(h.db, Location.generic(l.vault, l.record), (s) => hexOf(s.subarray(7, 39))));
      const haystack = JSON.stringify(results);
      for (const s of stored) for (let i = 0; i + 32 <= s.length; i += 8) assert.ok(!haystack.includes(s.slice(i, i + 32)));
    });
  });
}

describe('FROST JSON form', () => {
  test('procedureToJSON inverts parseProcedure for every example', () => {
    for (const text of examples) {
      const json = JSON.parse(text.replace(/"<[^>]+>"/g, (m) => JSON.stringify(m.includes('Export') ? '00'.repeat(300) : '11'.repeat(32))));
      const call = parseProcedure(json);
      const again = parseProcedure(JSON.parse(JSON.stringify(procedureToJSON(call))));
      assert.deepEqual(again.input, call.input, json.type);
    }
  });

  const loc = { vault: 'v', record: 'r' };
  const c1 = { identifier: 1, hiding: '11'.repeat(32), binding: '22'.repeat(32) };
  const bad: [string, Record<string, unknown>, string][] = [
    ['unknown field', { type: 'FrostCommit', share: loc, nonces: { vault: 'v', record: 'n' }, extra: 1 }, 'extra'],
    ['nonces at the share', { type: 'FrostCommit', share: loc, nonces: loc }, 'nonces'],
    ['threshold above n', { type: 'FrostKeygen', threshold: 4, participants: 3, outputs: [loc, loc, loc] }, 'threshold'],
    ['threshold 1', { type: 'FrostKeygen', threshold: 1, participants: 3, outputs: [loc, loc, loc] }, 'threshold'],
    ['too many participants', { type: 'FrostKeygen', threshold: 2, participants: 256, outputs: [] }, 'participants'],
    ['outputs count', { type: 'FrostKeygen', threshold: 2, participants: 3, outputs: [loc] }, 'outputs'],
    ['same output twice', { type: 'FrostKeygen', threshold: 2, participants: 2, outputs: [loc, loc] }, 'outputs'],
    ['short recipient', { type: 'FrostKeygen', threshold: 2, participants: 2, outputs: [loc, { vault: 'v', record: 's' }], recipients: ['00', '00'] }, 'recipients[0]'],
    ['empty commitments', { type: 'FrostSign', share: loc, nonces: loc, message: '', commitments: [] }, 'commitments'],
    ['duplicate identifier', { type: 'FrostSign', share: loc, nonces: loc, message: '', commitments: [c1, c1] }, 'commitments[1].identifier'],
    ['identifier 0', { type: 'FrostSign', share: loc, nonces: loc, message: '', commitments: [{ ...c1, identifier: 0 }] }, 'commitments[0].identifier'],
    ['short hiding', { type: 'FrostSign', share: loc, nonces: loc, message: '', commitments: [{ ...c1, hiding: '11' }] }, 'commitments[0].hiding'],
    ['unknown commitment field', { type: 'FrostSign', share: loc, nonces: loc, message: '', commitments: [{ ...c1, x: 1 }] }, 'x'],
    ['odd hex message', { type: 'FrostSign', share: loc, nonces: loc, message: 'abc', commitments: [c1] }, 'message'],
    ['short sealed share', { type: 'FrostShareImport', sealed: '00'.repeat(10), key: loc, output: loc }, 'sealed'],
  ];
  for (const [name, json, field] of bad) {
    test(`malformed: ${name} -> InvalidArgument "${field}"`, () => {
      assert.throws(() => parseProcedure(json), (e: unknown) => isStrongholdError(e, 'InvalidArgument') && e.details.field === field && e.details.procedure === json.type);
    });
  }
});
