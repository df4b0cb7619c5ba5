/**
 * RFC 9591 FROST(Ed25519, SHA-512), the 2-of-3 vector with participants 1 and 3 (Appendix E.1, read in place from
 * ../shared/vectors/frost): the dealer's shares, both rounds and the aggregate, bit for bit, through the procedures.
 * The vector's randomness is injected with the test-only hook `setFrostRandomnessForTests`; the nonces are read
 * back through the engine's use gate (test-only access), and the signature is checked by node:crypto.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { aggregate, verifySignature, verifySignatureShare, type FrostCommitment, type SignatureShare } from '../../src/frost/public.js';
import { frostCommit } from '../../src/procedures/frost-commit.js';
import { frostKeygen } from '../../src/procedures/frost-keygen.js';
import { decodeShare, setFrostRandomnessForTests } from '../../src/procedures/frost-records.js';
import { frostSign } from '../../src/procedures/frost-sign.js';
import { at, harness, PROVIDERS } from '../procedures/helpers.js';
import { hex, readVectorFile, toHex } from '../vectors.js';
import { peek } from '../engine-access.js';

interface Vector {
  config: { MAX_PARTICIPANTS: string; MIN_PARTICIPANTS: string; name: string };
  inputs: { participant_list: number[]; group_secret_key: string; group_public_key: string; message: string; share_polynomial_coefficients: string[]; participant_shares: { identifier: number; participant_share: string }[] };
  round_one_outputs: { outputs: { identifier: number; hiding_nonce_randomness: string; binding_nonce_randomness: string; hiding_nonce: string; binding_nonce: string; hiding_nonce_commitment: string; binding_nonce_commitment: string }[] };
  round_two_outputs: { outputs: { identifier: number; sig_share: string }[] };
  final_output: { sig: string };
}

const v = readVectorFile<Vector>('frost/rfc9591_frost-ed25519-sha512.json');
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** 48 bytes that noble's hash-to-field maps to `scalar` (it computes 1 + (x mod (L - 1)), little-endian). */
function toFieldInput(scalarHex: string): Uint8Array {
  let x = BigInt(`0x${Buffer.from(hex(scalarHex)).reverse().toString('hex')}`) - 1n;
  assert.ok(x >= 0n && x < L - 1n);
  const out = new Uint8Array(48);
  for (let i = 0; i < 48; i++, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

/** Hands out the given byte strings in order; any other request fails the test. */
function queue(items: Uint8Array[]): (n: number) => Uint8Array {
  return (n) => {
    const next = items.shift();
    assert.ok(next && next.length === n, `unexpected randomness request of ${n} bytes`);
    return next;
  };
}

function nodeVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

after(() => setFrostRandomnessForTests(null));

for (const provider of PROVIDERS) {
  describe(`RFC 9591 ${v.config.name} (${provider.name})`, () => {
    test('keygen, round one, round two and aggregate reproduce every value of the vector', async () => {
      const h = harness(provider);
      const n = Number(v.config.MAX_PARTICIPANTS);
      const t = Number(v.config.MIN_PARTICIPANTS);
      const shares = [1, 2, 3].map((i) => at(`share-${i}`, 'frost'));

      setFrostRandomnessForTests(queue([toFieldInput(v.inputs.group_secret_key), ...v.inputs.share_polynomial_coefficients.map(toFieldInput)]));
      const group = await h.run(frostKeygen({ threshold: t, participants: n, outputs: shares }));
      assert.equal(toHex(group.groupPublicKey), v.inputs.group_public_key);
      for (const s of v.inputs.participant_shares) {
        const stored = peek(h.db, shares[s.identifier - 1]!, (secret) => toHex(decodeShare(secret, 'share', 'test').signingShare));
        assert.equal(stored, s.participant_share, `share ${s.identifier}`);
      }

      const commitments: FrostCommitment[] = [];
      for (const r of v.round_one_outputs.outputs) {
        setFrostRandomnessForTests(queue([hex(r.hiding_nonce_randomness), hex(r.binding_nonce_randomness)]));
        const out = await h.run(frostCommit({ share: shares[r.identifier - 1]!, nonces: at(`n-${r.identifier}`, 'nonces') }));
        assert.equal(toHex(out.commitment.hiding), r.hiding_nonce_commitment);
        assert.equal(toHex(out.commitment.binding), r.binding_nonce_commitment);
        const [hiding, binding] = peek(h.db, at(`n-${r.identifier}`, 'nonces'), (s) => [toHex(s.subarray(37, 69)), toHex(s.subarray(69, 101))]);
        assert.equal(hiding, r.hiding_nonce);
        assert.equal(binding, r.binding_nonce);
        commitments.push(out.commitment);
      }
      setFrostRandomnessForTests(null);

      const message = hex(v.inputs.message);
      const sigShares: SignatureShare[] = [];
      for (const r of v.round_two_outputs.outputs) {
        const out = await h.run(frostSign({ share: shares[r.identifier - 1]!, nonces: at(`n-${r.identifier}`, 'nonces'), message, commitments }));
        assert.equal(toHex(out.signatureShare), r.sig_share, `share of ${r.identifier}`);
        assert.ok(verifySignatureShare(group, commitments, message, out));
        assert.equal(h.db.recordExists(at(`n-${r.identifier}`, 'nonces')), false, 'the nonces are gone');
        sigShares.push(out);
      }
      const sig = aggregate(group, commitments, message, sigShares);
      assert.equal(toHex(sig), v.final_output.sig);
      assert.ok(verifySignature(group.groupPublicKey, message, sig));
      assert.ok(nodeVerify(group.groupPublicKey, message, sig));
    });
  });
}
