/**
 * The threshold property, for random t-of-n key sets dealt by FrostKeygen: any t shares interpolate to a secret
 * whose public key is the group public key, and any t-1 shares do not; any t participants sign a message into a
 * signature node:crypto verifies under the group key, while FrostSign refuses a package of fewer than t signers.
 * Shares are read through the engine's use gate (test-only access); the interpolation at 0 is RFC 9591 §4.2's.
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
import { at, harness } from '../procedures/helpers.js';
import { nativeProvider } from '../../src/crypto/native.js';

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
      const scalar = (id: number): bigint => h.db.use(shares[id - 1]!, (s) => Fn.fromBytes(decodeShare(s, 'share', 'test').signingShare));
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
