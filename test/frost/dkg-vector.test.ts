/**
 * The Zcash Foundation frost-ed25519 DKG vector (../shared/vectors/frost/zf-frost_ed25519_dkg.json, 2-of-3) through
 * FrostDkgRound1..3, with the vector's polynomials as the test-only randomness (dkg-helpers.ts `scalarQueue`).
 *
 * The file's fields, as checked against independent arithmetic (see the vectors README):
 * - per participant, `signing_key` and `coefficient` are a0 and a1, `vss_commitments` their commitments;
 * - `signing_shares` in participant j's entry, keyed by i, is the round-two share i sent to j: f_i(j);
 * - `proof_of_knowledge` verifies, but its nonce is not the entry's `secret` (R ≠ secret·B): the nonce k is
 *   recovered from the proof here (k = μ − a0·c, with the vector's own challenge), fed as the procedure's draw,
 *   and the procedure must then produce the proof byte for byte;
 * - `verifying_key`, every `verifying_share` and participant 1's `signing_share` follow from the round-two shares
 *   and are checked; participants 2 and 3's `signing_share` and the top-level `secret` do not (they are not the
 *   sums of the shares they received, and not the sum of the a0), so they are not compared: the test checks that
 *   the stored shares are the sums of the round-two shares, and that they do not equal those values.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { decodeShare } from '../../src/procedures/frost-records.js';
import { openBytes } from '../../src/procedures/frost-records.js';
import { DKG_SEAL_INFO, messageContext } from '../../src/procedures/frost-dkg-records.js';
import { PROVIDERS } from '../procedures/helpers.js';
import { hex, readVectorFile } from '../vectors.js';
import { peek } from '../engine-access.js';
import { KEY, parties, round1, round2, round3, SHARE, scalarQueue, STATE } from './dkg-helpers.js';

interface Participant { identifier: number; signing_key: string; coefficient: string; vss_commitments: string[]; proof_of_knowledge: string; secret: string; signing_shares: Record<string, string>; verifying_share: string; signing_share: string }
interface Vector { config: { MAX_PARTICIPANTS: number; MIN_PARTICIPANTS: number }; inputs: { secret: string; verifying_key: string } & Record<'1' | '2' | '3', Participant> }

const v = readVectorFile<Vector>('frost/zf-frost_ed25519_dkg.json');
const Fn = ed25519_FROST.utils.Fn;
const ids = [1, 2, 3] as const;
const P = (id: number): Participant => v.inputs[String(id) as '1'];
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const le = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);

/** The proof-of-knowledge nonce, from the vector's proof and its challenge H(ctx‖"dkg"‖id‖φ‖R) (computed here with @noble/hashes). */
function pokNonce(p: Participant): Uint8Array {
  const pok = hex(p.proof_of_knowledge);
  const data = new Uint8Array([...new TextEncoder().encode('FROST-ED25519-SHA512-v1dkg'), ...Fn.toBytes(BigInt(p.identifier)), ...hex(p.vss_commitments[0]!), ...pok.subarray(0, 32)]);
  const c = Fn.create(le(sha512(data)));
  return Fn.toBytes(Fn.sub(Fn.fromBytes(pok.subarray(32)), Fn.mul(Fn.fromBytes(hex(p.signing_key)), c)));
}

for (const base of PROVIDERS) {
  describe(`ZF frost-ed25519 DKG vector (${base.name})`, () => {
    test('commitments, proofs of knowledge, round-two shares, final shares, verifying shares and group key', async () => {
      const t = v.config.MIN_PARTICIPANTS;
      const n = v.config.MAX_PARTICIPANTS;
      const queues = new Map(ids.map((id) => [id, scalarQueue(base, [hex(P(id).signing_key), hex(P(id).coefficient), pokNonce(P(id))])]));
      const ps = await parties(n, (id) => queues.get(id as 1)!);
      const r1 = await round1(ps, t, n);
      for (const id of ids) {
        assert.equal(queues.get(id)!.left(), 0, `participant ${id} drew its two coefficients and its nonce`);
        const pkg = r1.find((p) => p.identifier === id)!;
        assert.deepEqual(pkg.commitments.map(toHex), P(id).vss_commitments, `commitments of ${id}`);
        assert.equal(toHex(pkg.proofOfKnowledge), P(id).proof_of_knowledge, `proof of knowledge of ${id}`);
      }
      const r2 = await round2(ps, r1);
      // Every round-two share, opened with its receiver's key (the receiver's vault, through the test's engine view).
      for (const out of r2) {
        for (const s of out.shares) {
          const receiver = ps[s.to - 1]!;
          const session = peek(ps[s.from - 1]!.db, STATE, (st) => Uint8Array.from(st.subarray(st.length - 32)));
          const opened = peek(receiver.db, KEY, (sk) => openBytes(base, sk, s.sealed, DKG_SEAL_INFO, messageContext(session, s.from, s.to)));
          assert.ok(opened, `share ${s.from}→${s.to} opens for its receiver`);
          assert.equal(toHex(opened), P(s.to).signing_shares[String(s.from)], `round-two share ${s.from}→${s.to}`);
        }
      }
      const r3 = await round3(ps, r1, r2);
      for (const out of r3) {
        assert.equal(toHex(out.groupPublicKey), v.inputs.verifying_key);
        assert.deepEqual(out.verifyingShares.map(toHex), ids.map((id) => P(id).verifying_share));
      }
      for (const p of ps) {
        const share = peek(p.db, SHARE, (s) => Uint8Array.from(decodeShare(s, 'share', 'test').signingShare));
        const expected = Object.values(P(p.id).signing_shares).reduce((acc, s) => Fn.add(acc, Fn.fromBytes(hex(s))), 0n);
        const own = Fn.add(Fn.fromBytes(hex(P(p.id).signing_key)), Fn.mul(Fn.fromBytes(hex(P(p.id).coefficient)), BigInt(p.id)));
        assert.equal(toHex(share), toHex(Fn.toBytes(Fn.add(expected, own))), `share ${p.id} is f_1 + f_2 + f_3 at ${p.id}`);
        assert.equal(toHex(ed25519.Point.BASE.multiply(Fn.fromBytes(share)).toBytes()), P(p.id).verifying_share);
        if (p.id === 1) assert.equal(toHex(share), P(1).signing_share, "participant 1's signing_share is consistent and matches");
        else assert.notEqual(toHex(share), P(p.id).signing_share, `the vector's signing_share of ${p.id} is the inconsistent one`);
        assert.equal(p.db.recordExists(STATE), false, 'the round state is gone');
      }
      const a0sum = ids.reduce((acc, id) => Fn.add(acc, Fn.fromBytes(hex(P(id).signing_key))), 0n);
      assert.notEqual(toHex(Fn.toBytes(a0sum)), v.inputs.secret, 'the top-level secret is not the group secret (README)');
      assert.equal(toHex(ed25519.Point.BASE.multiply(a0sum).toBytes()), v.inputs.verifying_key);
    });
  });
}
