/**
 * The JSON examples of docs/threshold.md's "key-generation procedures" section run in order as participant 1's side
 * of a 2-of-3 key generation (participants 2 and 3 run alongside through the builders; `<placeholders>` are filled
 * from their results), then participant 1 helps repair participant 3's share; the repaired share's verifying
 * share is the key generation's. Every example also survives procedureToJSON.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { nativeProvider } from '../../src/crypto/native.js';
import { frostDkgRound2, type FrostDkgRound2Output } from '../../src/procedures/frost-dkg-round2.js';
import { frostDkgRound3 } from '../../src/procedures/frost-dkg-round3.js';
import { frostDkgRound1 } from '../../src/procedures/frost-dkg-round1.js';
import { frostRepairStep1 } from '../../src/procedures/frost-repair-step1.js';
import { frostRepairStep2 } from '../../src/procedures/frost-repair-step2.js';
import { revokeData } from '../../src/procedures/revoke-data.js';
import { parseProcedure, procedureToJSON, resultToJSON } from '../../src/procedures/json.js';
import { round1ToJSON } from '../../src/procedures/frost-dkg-records.js';
import { at } from '../procedures/helpers.js';
import { KEY, parties } from './dkg-helpers.js';

const doc = readFileSync(new URL('../../docs/threshold.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## The key-generation procedures in JSON form'), doc.indexOf('## The procedures in JSON form'));
const examples = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('docs/threshold.md key-generation examples run in order and make a key set; the repair gives the share back', async () => {
  assert.deepEqual(examples.map((e) => (JSON.parse(e) as { type: string }).type), ['FrostDkgRound1', 'FrostDkgRound2', 'FrostDkgRound3', 'FrostDkgAbort', 'FrostRepairStep1', 'FrostRepairStep2', 'FrostRepairStep3']);
  const [p1, p2, p3] = await parties(3, () => nativeProvider);
  const fills: Record<string, unknown> = { 'key of 1': hex(p1!.pk), 'key of 2': hex(p2!.pk), 'key of 3': hex(p3!.pk) };
  const state = at('run-1', 'frost-dkg');
  const recipients = [p1!.pk, p2!.pk, p3!.pk];
  const runDoc = async (k: number, party = p1!): Promise<unknown> => {
    const json = JSON.parse(examples[k]!.replace(/"<([^>]+)>"/g, (_, key: string) => JSON.stringify(fills[key] ?? assert.fail(`no value for <${key}>`))));
    const call = parseProcedure(json);
    assert.deepEqual(parseProcedure(procedureToJSON(call) as Record<string, unknown>).input, call.input, `${json.type} survives procedureToJSON`);
    return resultToJSON(call, await party.run(call));
  };
  const r1 = await runDoc(0) as Record<string, unknown>;
  const others = [p2!, p3!];
  const pkgs = [];
  for (const p of others) pkgs.push(await p.run(frostDkgRound1({ identifier: p.id, threshold: 2, participants: 3, recipients, state })));
  [fills['package of 2'], fills['package of 3']] = pkgs.map(round1ToJSON);
  const r2 = await runDoc(1) as { shares: { to: number; sealed: string }[] };
  const all = [{ identifier: 1, commitments: (r1.commitments as string[]).map((c) => Uint8Array.from(Buffer.from(c, 'hex'))), proofOfKnowledge: Uint8Array.from(Buffer.from(r1.proofOfKnowledge as string, 'hex')) }, ...pkgs];
  const out2: FrostDkgRound2Output[] = [];
  for (const p of others) out2.push(await p.run(frostDkgRound2({ state, packages: all.filter((x) => x.identifier !== p.id) })));
  [fills['share from 2'], fills['share from 3']] = out2.map((o) => hex(o.shares.find((s) => s.to === 1)!.sealed));
  const group = await runDoc(2) as { groupPublicKey: string; commitments: string[]; verifyingShares: string[] };
  const sealedTo = (id: number): { from: number; sealed: Uint8Array }[] => [
    { from: 1, sealed: Uint8Array.from(Buffer.from(r2.shares.find((s) => s.to === id)!.sealed, 'hex')) },
    ...out2.filter((o) => o.identifier !== id).map((o) => ({ from: o.identifier, sealed: o.shares.find((s) => s.to === id)!.sealed })),
  ];
  for (const p of others) {
    const g = await p.run(frostDkgRound3({ state, key: KEY, packages: all.filter((x) => x.identifier !== p.id), shares: sealedTo(p.id), output: at(`dkg-${p.id}`, 'frost-shares') }));
    assert.equal(hex(g.groupPublicKey), group.groupPublicKey);
  }
  // FrostDkgAbort: a second run's round state, destroyed.
  await p1!.run(frostDkgRound1({ identifier: 1, threshold: 2, participants: 3, recipients, state: at('run-2', 'frost-dkg') }));
  assert.equal(await runDoc(3), null);
  assert.equal(p1!.db.recordExists(at('run-2', 'frost-dkg')), false);
  // Repair participant 3 with helpers 1 (the docs) and 2.
  const s1 = await runDoc(4) as { deltas: { to: number; sealed: string }[] };
  const s1of2 = await p2!.run(frostRepairStep1({ share: at('dkg-2', 'frost-shares'), helpers: [1, 2], for: 3 }));
  [fills['piece from 1'], fills['piece from 2'], fills['commitment 0'], fills['commitment 1']] = [s1.deltas.find((d) => d.to === 1)!.sealed, hex(s1of2.deltas.find((d) => d.to === 1)!.sealed), ...group.commitments];
  const sum1 = await runDoc(5) as { sealed: string };
  const sum2 = await p2!.run(frostRepairStep2({
    key: KEY, identifier: 2, participants: 3, commitments: group.commitments.map((c) => Buffer.from(c, 'hex')), helpers: [1, 2], for: 3,
    deltas: [{ from: 1, sealed: Buffer.from(s1.deltas.find((d) => d.to === 2)!.sealed, 'hex') }, { from: 2, sealed: s1of2.deltas.find((d) => d.to === 2)!.sealed }],
  }));
  [fills['sum from 1'], fills['sum from 2']] = [sum1.sealed, hex(sum2.sealed)];
  await p3!.run(revokeData({ location: at('dkg-3', 'frost-shares'), shouldGc: true })); // participant 3 loses its share
  const repaired = await runDoc(6, p3!) as { identifier: number; verifyingShare: string };
  assert.equal(repaired.identifier, 3);
  assert.equal(repaired.verifyingShare, group.verifyingShares[2]);
});
