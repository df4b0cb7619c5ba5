/**
 * The threshold property, for random t-of-n key sets dealt by FrostKeygen: any t shares interpolate to a secret
 * whose public key is the group public key, and any t-1 shares do not; any t participants sign a message into a
 * signature node:crypto verifies under the group key, while FrostSign refuses a package of fewer than t signers.
 * Shares are read through the engine's use gate (test-only access); the interpolation at 0 is RFC 9591 §4.2's.
 * Then random sequences of commits, signs (with right, stale, foreign or short packages) and discards: no nonce
 * pair ever yields a second share. FROST_RUNS sets the number of runs (default 25; the sequences run 4x that).
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { isStrongholdError } from '../../src/errors.js';
import { aggregate, type FrostCommitment, type SignatureShare } from '../../src/frost/public.js';
import { frostCommit } from '../../src/procedures/frost-commit.js';
import { frostKeygen } from '../../src/procedures/frost-keygen.js';
import { decodeShare } from '../../src/procedures/frost-records.js';
import { frostSign } from '../../src/procedures/frost-sign.js';
import { at, harness, hexOf } from '../procedures/helpers.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { peek } from '../engine-access.js';

const Fn = ed25519_FROST.utils.Fn;
const RUNS = { numRuns: Number(process.env.FROST_RUNS ?? 25) };

/** The secret at x = 0 of the points (i, share_i): Σ share_i · Π_{j≠i} j / (j - i). */
function interpolate(points: [number, bigint][]): bigint {
  let secret = Fn.ZERO;
  for (const [i, y] of points) {
    let num = Fn.ONE;
    let den = Fn.ONE;
    for (const [j] of points) {
      if (j === i) continue;
      num = Fn.mul(num, BigInt(j));
      den = Fn.mul(den, Fn.sub(BigInt(j), BigInt(i)));
    }
    secret = Fn.add(secret, Fn.mul(y, Fn.div(num, den)));
  }
  return secret;
}

function nodeVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

/** t, n, and two random subsets of 1..n: `signers` of size t, `short` of size t - 1. */
const setting = fc.integer({ min: 2, max: 6 }).chain((n) => fc.integer({ min: 2, max: n }).chain((t) => fc.record({
  n: fc.constant(n),
  t: fc.constant(t),
  signers: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: t, maxLength: t }),
  short: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: t - 1, maxLength: t - 1 }),
  message: fc.uint8Array({ maxLength: 64 }),
})));

describe('FROST threshold property (fast-check)', () => {
  test('any t shares give the group key, t - 1 do not; any t sign, fewer are refused', async () => {
    await fc.assert(fc.asyncProperty(setting, async ({ n, t, signers, short, message }) => {
      const h = harness(nativeProvider);
      const shares = Array.from({ length: n }, (_, i) => at(`s${i + 1}`, 'shares'));
      const group = await h.run(frostKeygen({ threshold: t, participants: n, outputs: shares }));
      const scalar = (id: number): bigint => peek(h.db, shares[id - 1]!, (s) => Fn.fromBytes(decodeShare(s, 'share', 'test').signingShare));
      const keyOf = (ids: number[]): string => Buffer.from(ed25519.Point.BASE.multiply(interpolate(ids.map((id) => [id, scalar(id)]))).toBytes()).toString('hex');
      const gpk = Buffer.from(group.groupPublicKey).toString('hex');
      assert.equal(keyOf(signers), gpk);
      assert.notEqual(keyOf(short), gpk);

      const commitments: FrostCommitment[] = [];
      for (const id of signers) commitments.push((await h.run(frostCommit({ share: shares[id - 1]!, nonces: at(`n${id}`, 'nonces') }))).commitment);
      const tooFew = commitments.slice(0, t - 1); // holds the first signer's own commitment
      const refused = await h.run(frostSign({ share: shares[signers[0]! - 1]!, nonces: at(`n${signers[0]}`, 'nonces'), message, commitments: tooFew })).then(() => null, (e: unknown) => e);
      assert.ok(isStrongholdError(refused, 'InvalidArgument') && refused.details.field === 'commitments');

      const sigShares: SignatureShare[] = [];
      for (const id of signers) sigShares.push(await h.run(frostSign({ share: shares[id - 1]!, nonces: at(`n${id}`, 'nonces'), message, commitments })));
      assert.ok(nodeVerifies(group.groupPublicKey, message, aggregate(group, commitments, message, sigShares)));
    }), RUNS);
  });
});

describe('no nonce is used twice (fast-check, random operation sequences)', () => {
  test('whatever the order of commits, signs with any package, and discards, a nonce pair yields at most one share', async (t) => {
    // Each participant has 3 handle slots; a sign names a slot (often its latest commit) and a package made of
    // the latest commitments of some participants, so it may be right, stale, foreign or incomplete.
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), who: fc.integer({ min: 1, max: 3 }), slot: fc.integer({ min: 0, max: 2 }) }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('sign' as const), who: fc.integer({ min: 1, max: 3 }), slot: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }) }),
          message: fc.uint8Array({ maxLength: 4 }), others: fc.subarray([1, 2, 3], { minLength: 2 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('discard' as const), who: fc.integer({ min: 1, max: 3 }), slot: fc.integer({ min: 0, max: 2 }) }) },
    );
    let signed = 0;
    let refused = 0;
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
      const h = harness(nativeProvider);
      const records = [1, 2, 3].map((i) => at(`s${i}`, 'shares'));
      await h.run(frostKeygen({ threshold: 2, participants: 3, outputs: records }));
      const slotOf = (who: number, slot: number) => at(`p${who}-${slot}`, 'nonces');
      const latest = new Map<number, { commitment: FrostCommitment; slot: number }>();
      /** The commitment each slot holds now, and how many shares each commitment (nonce pair) produced. */
      const inSlot = new Map<string, string>();
      const shareCount = new Map<string, number>();
      const opening = [1, 2, 3].map((who) => ({ kind: 'commit' as const, who, slot: 0 }));
      for (const o of [...opening, ...ops]) {
        if (o.kind === 'commit') {
          const out = await h.run(frostCommit({ share: records[o.who - 1]!, nonces: slotOf(o.who, o.slot) })).catch(() => null);
          if (out) {
            latest.set(o.who, { commitment: out.commitment, slot: o.slot });
            inSlot.set(`${o.who}-${o.slot}`, hexOf(out.commitment.hiding));
          }
        } else if (o.kind === 'sign') {
          const slot = o.slot ?? latest.get(o.who)?.slot ?? 0;
          const list = [...new Set([o.who, ...o.others])].flatMap((id) => latest.get(id)?.commitment ?? []);
          const ok = await (async () => h.run(frostSign({ share: records[o.who - 1]!, nonces: slotOf(o.who, slot), message: o.message, commitments: list })))()
            .then(() => true, () => false);
          if (!ok) {
            refused++;
            continue;
          }
          signed++;
          const pair = inSlot.get(`${o.who}-${slot}`)!;
          shareCount.set(pair, (shareCount.get(pair) ?? 0) + 1);
          assert.equal(shareCount.get(pair), 1, 'a nonce pair signed twice');
        } else if (h.db.recordExists(slotOf(o.who, o.slot))) {
          h.db.revoke(slotOf(o.who, o.slot));
        }
      }
    }), { numRuns: RUNS.numRuns * 4 });
    t.diagnostic(`${signed} shares signed, ${refused} attempts refused`);
    assert.ok(signed > 0 && refused > 0);
  });
});
