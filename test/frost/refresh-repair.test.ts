/**
 * Share refresh (the DKG rounds over zero-secret polynomials) and share repair (FrostRepairStep1..3) through the
 * procedures: the group key is unchanged, every 2-of-3 subset of the refreshed shares signs (node:crypto verifies),
 * an old share and a new one do not make a signature, and a repaired share has the lost share's verifying share
 * and signs. Secrets are never read out: shares are compared by their public values.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { nativeProvider } from '../../src/crypto/native.js';
import { ClientDb } from '../../src/engine/db.js';
import type { Location } from '../../src/engine/location.js';
import { runChain } from '../../src/exec/chain.js';
import { aggregate, verifySignatureShare, type FrostCommitment, type FrostGroup, type SignatureShare } from '../../src/frost/public.js';
import { frostCommit } from '../../src/procedures/frost-commit.js';
import { frostSign } from '../../src/procedures/frost-sign.js';
import { frostRepairStep1 } from '../../src/procedures/frost-repair-step1.js';
import { frostRepairStep2 } from '../../src/procedures/frost-repair-step2.js';
import { frostRepairStep3 } from '../../src/procedures/frost-repair-step3.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Fn, messageContext } from '../../src/procedures/frost-dkg-records.js';
import { openBytes, sealBytes } from '../../src/procedures/frost-records.js';
import { encodePiece, lagrangeAt, REPAIR_DELTA_INFO, REPAIR_SIGMA_INFO, repairRun, repairSession } from '../../src/procedures/frost-repair-records.js';
import { peek } from '../engine-access.js';
import { revokeData } from '../../src/procedures/revoke-data.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { at } from '../procedures/helpers.js';
import { dkg, fingerprint, KEY, parties, refused, round1, round2, round3, SHARE, type Party } from './dkg-helpers.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const message = new TextEncoder().encode('dealer-free');

function nodeVerify(publicKey: Uint8Array, msg: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, msg, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

/** A signature by `signers` (each with its share at SHARE), or null when the shares do not make one. */
async function sign(group: FrostGroup, signers: Party[]): Promise<Uint8Array | null> {
  const commitments: FrostCommitment[] = [];
  for (const p of signers) commitments.push((await p.run(frostCommit({ share: SHARE, nonces: at('n', 'frost-nonces') }))).commitment);
  const shares: SignatureShare[] = [];
  for (const p of signers) shares.push(await p.run(frostSign({ share: SHARE, nonces: at('n', 'frost-nonces'), message, commitments })));
  if (!shares.every((s) => verifySignatureShare(group, commitments, message, s))) return null;
  return aggregate(group, commitments, message, shares);
}

const pairs = (ps: Party[]): Party[][] => ps.flatMap((a, i) => ps.slice(i + 1).map((b) => [a, b]));

/** A copy of a participant's vault as it is now (the backup an attacker might find later). */
function backup(p: Party): Party {
  const db = ClientDb.importState(p.db.exportState());
  return { ...p, db, run: async <O>(call: ProcedureCall<any, O>): Promise<O> => (await runChain(db, p.provider, [call]))[0] as O };
}

describe('refresh', () => {
  test('new shares of the same key: every pair signs, old and new shares do not sign together, old shares are gone', async () => {
    const ps = await parties(3, () => nativeProvider);
    const [before] = await dkg(ps, 2);
    const oldOne = backup(ps[0]!);
    const r1 = await round1(ps, 2, 3, { refresh: true });
    assert.ok(r1.every((p) => p.commitments.length === 1 && p.proofOfKnowledge.length === 0), 'a refresh sends the non-constant commitments only');
    const after = await round3(ps, r1, await round2(ps, r1), { refresh: true });
    for (const g of after) {
      assert.equal(toHex(g.groupPublicKey), toHex(before!.groupPublicKey), 'the group key is unchanged');
      assert.deepEqual(g.verifyingShares.map(toHex), after[0]!.verifyingShares.map(toHex));
    }
    assert.ok(after[0]!.verifyingShares.every((v, k) => toHex(v) !== toHex(before!.verifyingShares[k]!)), 'every share changed');
    for (const pair of pairs(ps)) {
      const sig = await sign(after[0]!, pair);
      assert.ok(sig && nodeVerify(before!.groupPublicKey, message, sig), `participants ${pair.map((p) => p.id).join(', ')} sign`);
    }
    assert.equal(await sign(after[0]!, [oldOne, ps[1]!]), null, 'an old share and a new one make no signature');
    const mixed = await sign(before!, [oldOne, ps[1]!]);
    assert.ok(mixed === null || !nodeVerify(before!.groupPublicKey, message, mixed));
  });

  test('a refresh package with a non-zero constant (or a proof) is refused, naming the participant; the vault unchanged', async () => {
    const ps = await parties(3, () => nativeProvider);
    await dkg(ps, 2);
    const r1 = await round1(ps, 2, 3, { refresh: true });
    const dkgLike = (await round1(await parties(3, () => nativeProvider), 2, 3))[1]!;
    const before = fingerprint(ps[0]!.db);
    const { frostDkgRound2 } = await import('../../src/procedures/frost-dkg-round2.js');
    const e = await refused(ps[0]!.run(frostDkgRound2({ state: at('dkg', 'frost-dkg'), packages: [dkgLike, r1[2]!] })));
    assert.equal(e.code, 'FrostMisbehaviour');
    assert.equal(e.details.participant, 2);
    assert.equal(fingerprint(ps[0]!.db), before);
  });
});

describe('repair', () => {
  test('participant 3 loses its share; 1 and 2 repair it; the repaired share is the lost one and signs', async () => {
    const ps = await parties(3, () => nativeProvider);
    const [group] = await dkg(ps, 2);
    const [p1, p2, p3] = ps as [Party, Party, Party];
    await p3.run(revokeData({ location: SHARE, shouldGc: true }));
    assert.equal(p3.db.recordExists(SHARE), false);
    const helpers = [1, 2];
    const step1 = [await p1.run(frostRepairStep1({ share: SHARE, helpers, for: 3 })), await p2.run(frostRepairStep1({ share: SHARE, helpers, for: 3 }))];
    assert.deepEqual(step1[0]!.verifyingShares.map(toHex), group!.verifyingShares.map(toHex));
    const deltasFor = (id: number): { from: number; sealed: Uint8Array }[] => step1.flatMap((o) => o.deltas.filter((d) => d.to === id));
    const args = { participants: 3, commitments: group!.commitments, helpers, for: 3 };
    const sigmas = [
      await p1.run(frostRepairStep2({ key: KEY, identifier: 1, ...args, deltas: deltasFor(1) })),
      await p2.run(frostRepairStep2({ key: KEY, identifier: 2, ...args, deltas: deltasFor(2) })),
    ];
    // Wrong pieces: a helper's piece for another helper is refused, naming its sender.
    const before = fingerprint(p1.db);
    const e = await refused(p1.run(frostRepairStep2({ key: KEY, identifier: 1, ...args, deltas: [deltasFor(1)[0]!, { from: 2, sealed: deltasFor(2)[1]!.sealed }] })));
    assert.equal(e.code, 'FrostMisbehaviour');
    assert.equal(e.details.participant, 2);
    assert.equal(fingerprint(p1.db), before);
    const e3 = await refused(p3.run(frostRepairStep3({ key: KEY, participants: 3, commitments: group!.commitments, helpers, for: 3, sigmas: [sigmas[0]!, { from: 2, sealed: sigmas[0]!.sealed }], output: SHARE })));
    assert.equal(e3.code, 'FrostMisbehaviour');
    assert.equal(e3.details.participant, 2);
    const info = await p3.run(frostRepairStep3({ key: KEY, participants: 3, commitments: group!.commitments, helpers, for: 3, sigmas, output: SHARE }));
    assert.equal(toHex(info.verifyingShare), toHex(group!.verifyingShares[2]!), "the repaired share has the lost share's verifying share");
    for (const pair of [[p1, p3], [p2, p3]]) {
      const sig = await sign(group!, pair);
      assert.ok(sig && nodeVerify(group!.groupPublicKey, message, sig), `participants ${pair.map((p) => p.id).join(', ')} sign`);
    }
    // The repaired share can help repair in turn: it kept the participants' keys.
    await p1.run(revokeData({ location: SHARE, shouldGc: true }));
    const again = [await p2.run(frostRepairStep1({ share: SHARE, helpers: [2, 3], for: 1 })), await p3.run(frostRepairStep1({ share: SHARE, helpers: [2, 3], for: 1 }))];
    const args1 = { participants: 3, commitments: group!.commitments, helpers: [2, 3], for: 1 };
    const d = (id: number): { from: number; sealed: Uint8Array }[] => again.flatMap((o) => o.deltas.filter((x) => x.to === id));
    const s1 = [await p2.run(frostRepairStep2({ key: KEY, identifier: 2, ...args1, deltas: d(2) })), await p3.run(frostRepairStep2({ key: KEY, identifier: 3, ...args1, deltas: d(3) }))];
    const info1 = await p1.run(frostRepairStep3({ key: KEY, participants: 3, commitments: group!.commitments, helpers: [2, 3], for: 1, sigmas: s1, output: SHARE }));
    assert.equal(toHex(info1.verifyingShare), toHex(group!.verifyingShares[0]!));
  });

  test('a participant coordinating its own repair cannot forge the other helpers\' pieces and read a helper\'s share off the sums', async () => {
    // Participant 3 (holding its own X25519 key) relays a repair of its share with helpers 1 and 2. If step two
    // summed whatever is sealed to the helper, 3 could send each helper a piece "from the other one" of its own
    // choosing: σ₁ − x = δ₁₁ and σ₂ − y = δ₁₂, the two pieces of λ₁(3)·s₁, so participant 1's share.
    const ps = await parties(3, () => nativeProvider);
    const [group] = await dkg(ps, 2);
    const [p1, p2, p3] = ps as [Party, Party, Party];
    const sk3 = peek(p3.db, KEY, (s) => Uint8Array.from(s));
    const helpers = [1, 2];
    const peers = ps.map((p) => p.pk);
    const step1 = await p1.run(frostRepairStep1({ share: SHARE, helpers, for: 3 }));
    const real = (to: number): Uint8Array => step1.deltas.find((d) => d.to === to)!.sealed;
    const session = repairSession(nativeProvider, repairRun(helpers, 3, 3, group!.commitments, 'test'));
    const rng = (n = 32): Uint8Array<ArrayBuffer> => nativeProvider.randomFill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>;
    const forge = (from: number, to: number, x: bigint): Uint8Array => {
      const sealed = sealBytes(nativeProvider, rng, peers[to - 1]!, encodePiece(x, peers), 'test', REPAIR_DELTA_INFO, messageContext(session, from, to));
      return Uint8Array.from([...sealed, ...real(to).subarray(sealed.length)]); // as long as a real piece
    };
    const args = { participants: 3, commitments: group!.commitments, helpers, for: 3 };
    const learned: bigint[] = [];
    for (const [helper, x] of [[p1, 5n], [p2, 7n]] as const) {
      const before = fingerprint(helper.db);
      const deltas = [{ from: 1, sealed: real(helper.id) }, { from: 2, sealed: forge(2, helper.id, x) }];
      const answer = await helper.run(frostRepairStep2({ key: KEY, identifier: helper.id, ...args, deltas })).then((m) => m, (e: unknown) => e);
      if (answer instanceof Error) {
        const e = answer as Error & { code: string; details: { participant: number } };
        assert.equal(e.code, 'FrostMisbehaviour');
        assert.equal(e.details.participant, 2, 'the forged piece is named by its claimed sender');
        assert.equal(fingerprint(helper.db), before);
        continue;
      }
      const opened = openBytes(nativeProvider, sk3, (answer as { sealed: Uint8Array }).sealed, REPAIR_SIGMA_INFO, messageContext(session, helper.id, 3));
      assert.ok(opened, `helper ${helper.id} sealed its sum to participant 3`);
      learned.push(Fn.sub(Fn.fromBytes(opened.subarray(0, 32)), x));
    }
    if (learned.length === 2) {
      const s1 = Fn.div(Fn.add(learned[0]!, learned[1]!), lagrangeAt(helpers, 1, 3));
      const recovered = toHex(ed25519.Point.BASE.multiply(s1).toBytes()) === toHex(group!.verifyingShares[0]!);
      assert.ok(!recovered, "participant 3 recovered participant 1's signing share");
    }
    assert.equal(learned.length, 0, 'no helper sums a piece that its claimed sender did not make');
  });

  test('a dealt share cannot help (it names no keys to seal to); a helper set short of the threshold is refused', async () => {
    const ps = await parties(3, () => nativeProvider);
    await dkg(ps, 2);
    const e = await refused(ps[0]!.run(frostRepairStep1({ share: SHARE, helpers: [1], for: 3 })));
    assert.equal(e.code, 'InvalidArgument');
    assert.equal(e.details.field, 'helpers');
    const { frostKeygen } = await import('../../src/procedures/frost-keygen.js');
    const dealt: Location[] = [at('d1', 'deal'), at('d2', 'deal'), at('d3', 'deal')];
    await ps[0]!.run(frostKeygen({ threshold: 2, participants: 3, outputs: dealt }));
    const e2 = await refused(ps[0]!.run(frostRepairStep1({ share: dealt[0]!, helpers: [1, 2], for: 3 })));
    assert.equal(e2.code, 'InvalidArgument');
    assert.equal(e2.details.field, 'share');
  });
});
