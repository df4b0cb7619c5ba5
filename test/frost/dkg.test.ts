/**
 * FrostDkgRound1..3 and FrostDkgAbort: a differential run against @noble/curves' DKG (its participants and ours in
 * one key generation, on random sizes), and every refusal the issue lists: a typed FrostMisbehaviour naming the
 * participant, and the refusing vault unchanged.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { Stronghold } from '../../src/client/stronghold.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { generateKey } from '../../src/frost/dkg.js';
import { localExecutor } from '../../src/frost/participant.js';
import { frostDkgAbort } from '../../src/procedures/frost-dkg-abort.js';
import { frostDkgRound1 } from '../../src/procedures/frost-dkg-round1.js';
import { frostDkgRound2 } from '../../src/procedures/frost-dkg-round2.js';
import { frostDkgRound3 } from '../../src/procedures/frost-dkg-round3.js';
import { DKG_SEAL_INFO, messageContext, sessionOf as transcriptSession, type DkgRound1Package, type DkgState } from '../../src/procedures/frost-dkg-records.js';
import { aeadDecrypt } from '../../src/procedures/aead-decrypt.js';
import { hkdf } from '../../src/procedures/hkdf.js';
import { x25519DiffieHellman } from '../../src/procedures/x25519-diffie-hellman.js';
import { at } from '../procedures/helpers.js';
import { generateKey as generateKeyProcedure } from '../../src/procedures/generate-key.js';
import { decodeShare, idOf, openBytes, sealBytes, timesBase } from '../../src/procedures/frost-records.js';
import { peek } from '../engine-access.js';
import { dkg, fingerprint, others, parties, refused, round1, round2, round3, SHARE, sharesFor, STATE, KEY, type Party } from './dkg-helpers.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sessionOf = (p: Party): Uint8Array => peek(p.db, STATE, (s) => Uint8Array.from(s.subarray(s.length - 32)));
const rng = (n = 32): Uint8Array<ArrayBuffer> => nativeProvider.randomFill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>;

describe('DKG against @noble/curves (mixed runs)', () => {
  test('our participants and noble\'s generate one key set together; every public value agrees', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 2, max: 5 }).chain((n) => fc.record({ n: fc.constant(n), t: fc.integer({ min: 2, max: n }), ours: fc.integer({ min: 1, max: n - 1 }) })), async ({ n, t, ours }) => {
      const ps = await parties(ours, () => nativeProvider);
      // noble's participants are ours+1..n, with plain X25519 keys held by the test.
      const nobleIds = Array.from({ length: n - ours }, (_, k) => ours + 1 + k);
      const nobleKeys = new Map(nobleIds.map((id) => [id, x25519.keygen()]));
      const recipients = [...ps.map((p) => p.pk), ...nobleIds.map((id) => nobleKeys.get(id)!.publicKey)];
      const members = Array.from({ length: n }, (_, k) => k + 1);
      const r1: DkgRound1Package[] = [];
      for (const p of ps) r1.push(await p.run(frostDkgRound1({ identifier: p.id, threshold: t, participants: n, members, recipients, state: STATE })));
      const nob = new Map(nobleIds.map((id) => [id, ed25519_FROST.DKG.round1(idOf(id), { min: t, max: n })]));
      for (const [id, r] of nob) r1.push({ identifier: id, commitments: r.public.commitment, proofOfKnowledge: r.public.proofOfKnowledge });
      const toNoble = (p: DkgRound1Package): { identifier: string; commitment: Uint8Array[]; proofOfKnowledge: Uint8Array } => ({ identifier: idOf(p.identifier), commitment: p.commitments, proofOfKnowledge: p.proofOfKnowledge });
      // Round two: noble checks our proofs, we check noble's.
      const r2 = [];
      for (const p of ps) r2.push(await p.run(frostDkgRound2({ state: STATE, packages: others(r1, p.id) })));
      const session = sessionOf(ps[0]!);
      for (const p of ps) assert.equal(toHex(sessionOf(p)), toHex(session), 'one session for all');
      const nobleR2 = new Map([...nob].map(([id, r]) => [id, ed25519_FROST.DKG.round2(r.secret, others(r1, id).map(toNoble))]));
      // The relay: our sealed shares opened for noble's participants; noble's plain shares sealed for ours.
      for (const [id, r] of nob) {
        const received = [
          ...r2.flatMap((o) => o.shares.filter((s) => s.to === id)).map((s) => ({ identifier: idOf(s.from), signingShare: openBytes(nativeProvider, nobleKeys.get(id)!.secretKey, s.sealed, DKG_SEAL_INFO, messageContext(session, s.from, id))! })),
          ...[...nobleR2].filter(([from]) => from !== id).map(([, out]) => out[idOf(id)]!),
        ];
        const key = ed25519_FROST.DKG.round3(r.secret, others(r1, id).map(toNoble), received);
        (nob.get(id) as any).key = key;
      }
      const ourR2 = r2.map((o) => ({ identifier: o.identifier, shares: [...o.shares] }));
      for (const [from, out] of nobleR2) {
        for (const p of ps) ourR2[0]!.shares.push({ from, to: p.id, sealed: sealBytes(nativeProvider, rng, p.pk, out[idOf(p.id)]!.signingShare, 'test', DKG_SEAL_INFO, messageContext(session, from, p.id)) });
      }
      const r3 = await round3(ps, r1, ourR2);
      const nobleKey = (nob.get(nobleIds[0]!) as any).key as ReturnType<typeof ed25519_FROST.DKG.round3>;
      for (const out of r3) {
        assert.equal(toHex(out.groupPublicKey), toHex(nobleKey.public.commitments[0]!));
        assert.deepEqual(out.commitments.map(toHex), nobleKey.public.commitments.map(toHex));
        assert.deepEqual(out.verifyingShares.map(toHex), members.map((id) => toHex(nobleKey.public.verifyingShares[idOf(id)]!)));
      }
      for (const p of ps) {
        peek(p.db, SHARE, (s) => {
          const share = decodeShare(s, 'share', 'test');
          ed25519_FROST.validateSecret({ identifier: idOf(p.id), signingShare: share.signingShare }, nobleKey.public);
          assert.equal(toHex(timesBase(share.signingShare)), toHex(nobleKey.public.verifyingShares[idOf(p.id)]!));
        });
      }
    }), { numRuns: 6 });
  });
});

describe('DKG refusals: a typed error naming the participant, the vault unchanged', () => {
  async function setUp(): Promise<{ ps: Party[]; r1: Awaited<ReturnType<typeof round1>> }> {
    const ps = await parties(3, () => nativeProvider);
    return { ps, r1: await round1(ps, 2, 3) };
  }

  async function refusedUnchanged(p: Party, call: Promise<unknown>, participant: number, check: string): Promise<void> {
    const before = fingerprint(p.db);
    const e = await refused(call);
    assert.equal(e.code, 'FrostMisbehaviour', e.message);
    assert.equal(e.details.participant, participant, e.message);
    assert.equal(e.details.check, check, e.message);
    assert.match(e.message, new RegExp(`participant ${participant}`));
    assert.equal(fingerprint(p.db), before, 'nothing stored');
  }

  test('a wrong proof of knowledge', async () => {
    const { ps, r1 } = await setUp();
    const bad = others(r1, 1).map((p) => (p.identifier === 3 ? { ...p, proofOfKnowledge: Uint8Array.from(p.proofOfKnowledge, (b, k) => (k === 40 ? b ^ 1 : b)) } : p));
    await refusedUnchanged(ps[0]!, ps[0]!.run(frostDkgRound2({ state: STATE, packages: bad })), 3, 'proof of knowledge');
    // Another participant's valid proof under this identifier: the proof binds the identifier.
    const swapped = others(r1, 1).map((p) => (p.identifier === 2 ? { ...p, identifier: 2, proofOfKnowledge: r1[2]!.proofOfKnowledge } : p));
    await refusedUnchanged(ps[0]!, ps[0]!.run(frostDkgRound2({ state: STATE, packages: swapped })), 2, 'proof of knowledge');
  });

  test('a duplicated, a missing, a foreign participant, and this participant among the others', async () => {
    const { ps, r1 } = await setUp();
    const p1 = ps[0]!;
    await refusedUnchanged(p1, p1.run(frostDkgRound2({ state: STATE, packages: [r1[1]!, r1[1]!] })), 2, 'duplicate');
    await refusedUnchanged(p1, p1.run(frostDkgRound2({ state: STATE, packages: [r1[1]!] })), 3, 'missing');
    await refusedUnchanged(p1, p1.run(frostDkgRound2({ state: STATE, packages: [r1[0]!, r1[1]!, r1[2]!] })), 1, 'duplicate');
    const r2 = await round2(ps, r1);
    const s = sharesFor(r2, 1);
    await refusedUnchanged(p1, p1.run(frostDkgRound3({ state: STATE, key: KEY, packages: others(r1, 1), shares: [s[0]!, s[0]!], output: SHARE })), s[0]!.from, 'duplicate');
    await refusedUnchanged(p1, p1.run(frostDkgRound3({ state: STATE, key: KEY, packages: others(r1, 1), shares: [s[0]!], output: SHARE })), s[1]!.from, 'missing');
  });

  test('a share that fails its sender\'s commitments', async () => {
    const { ps, r1 } = await setUp();
    const r2 = await round2(ps, r1);
    const forged = sharesFor(r2, 1).map((s) => (s.from === 2 ? { from: 2, sealed: sealBytes(nativeProvider, rng, ps[0]!.pk, ed25519_FROST.utils.randomScalar(), 'test', DKG_SEAL_INFO, messageContext(sessionOf(ps[0]!), 2, 1)) } : s));
    await refusedUnchanged(ps[0]!, ps[0]!.run(frostDkgRound3({ state: STATE, key: KEY, packages: others(r1, 1), shares: forged, output: SHARE })), 2, 'share commitments');
  });

  test('a message sealed to someone else, and one replayed from another run', async () => {
    const { ps, r1 } = await setUp();
    const r2 = await round2(ps, r1);
    const toThree = r2[1]!.shares.find((s) => s.to === 3)!;
    const misdirected = sharesFor(r2, 1).map((s) => (s.from === 2 ? { from: 2, sealed: toThree.sealed } : s));
    await refusedUnchanged(ps[0]!, ps[0]!.run(frostDkgRound3({ state: STATE, key: KEY, packages: others(r1, 1), shares: misdirected, output: SHARE })), 2, 'sealed share');
    // A second run: everyone aborts and starts again; participant 2's share of the first run is replayed.
    for (const p of ps) await p.run(frostDkgAbort({ state: STATE }));
    const r1b = await round1(ps, 2, 3);
    const r2b = await round2(ps, r1b);
    const replayed = sharesFor(r2b, 1).map((s) => (s.from === 2 ? sharesFor(r2, 1).find((o) => o.from === 2)! : s));
    await refusedUnchanged(ps[0]!, ps[0]!.run(frostDkgRound3({ state: STATE, key: KEY, packages: others(r1b, 1), shares: replayed, output: SHARE })), 2, 'sealed share');
    // The genuine messages of the second run still complete it.
    const out = await round3(ps, r1b, r2b);
    assert.equal(new Set(out.map((o) => toHex(o.groupPublicKey))).size, 1);
  });

  test('round two and three refuse packages other than the ones round two checked; round three before round two', async () => {
    const { ps, r1 } = await setUp();
    const p1 = ps[0]!;
    const e0 = await refused(p1.run(frostDkgRound3({ state: STATE, key: KEY, packages: others(r1, 1), shares: [{ from: 2, sealed: new Uint8Array(104) }, { from: 3, sealed: new Uint8Array(104) }], output: SHARE })));
    assert.equal(e0.code, 'InvalidArgument');
    assert.equal(e0.details.field, 'state');
    const r2 = await round2(ps, r1);
    const fresh = await round1(await parties(3, () => nativeProvider), 2, 3);
    const before = fingerprint(p1.db);
    const e = await refused(p1.run(frostDkgRound2({ state: STATE, packages: [r1[1]!, fresh[2]!] })));
    assert.equal(e.code, 'InvalidArgument');
    assert.equal(e.details.field, 'packages');
    const e2 = await refused(p1.run(frostDkgRound3({ state: STATE, key: KEY, packages: [r1[1]!, fresh[2]!], shares: sharesFor(r2, 1), output: SHARE })));
    assert.equal(e2.code, 'InvalidArgument');
    assert.equal(fingerprint(p1.db), before);
    // Round two again over the same packages (a coordinator that lost its messages) seals the same shares again.
    const again = await p1.run(frostDkgRound2({ state: STATE, packages: others(r1, 1) }));
    const shares = [...sharesFor(r2, 1)];
    const r3 = await p1.run(frostDkgRound3({ state: STATE, key: KEY, packages: others(r1, 1), shares, output: SHARE }));
    assert.equal(again.shares.length, 2);
    assert.equal(r3.identifier, 1);
  });

  test('abort destroys the round state; a finished run leaves only the share and the key', async () => {
    const ps = await parties(3, () => nativeProvider);
    const r1 = await round1(ps, 2, 3);
    await ps[0]!.run(frostDkgAbort({ state: STATE }));
    assert.equal(ps[0]!.db.recordExists(STATE), false);
    const e = await refused(ps[0]!.run(frostDkgRound2({ state: STATE, packages: others(r1, 1) })));
    assert.ok(['RecordNotFound', 'RecordRevoked', 'VaultNotFound'].includes(e.code), e.code);
    const done = await parties(3, () => nativeProvider);
    await dkg(done, 2);
    for (const p of done) {
      assert.equal(p.db.recordExists(STATE), false);
      assert.equal(p.db.recordExists(SHARE), true);
    }
  });
});

describe('a coordinator that holds no participant key', () => {
  test('cannot open a round-two share through the receiver\'s own X25519 key (DiffieHellman, Hkdf, AeadDecrypt)', async () => {
    // Everything a relay needs is public: the ephemeral key, nonce, ciphertext and tag of the sealed share, the
    // receiver's public key, the label and the session (the digest of the round-one transcript).
    const ps = await parties(3, () => nativeProvider);
    const r1 = await round1(ps, 2, 3);
    const r2 = await round2(ps, r1);
    const p1 = ps[0]!;
    const session = transcriptSession(nativeProvider, { threshold: 2, participants: 3, mode: 'dkg', members: [1, 2, 3], recipients: ps.map((p) => p.pk) } as DkgState, r1);
    assert.equal(toHex(session), toHex(sessionOf(p1)));
    const sealed = sharesFor(r2, 1).find((m) => m.from === 2)!.sealed;
    const [epk, nonce, ct, tag] = [sealed.subarray(0, 32), sealed.subarray(32, 56), sealed.subarray(56, sealed.length - 16), sealed.subarray(sealed.length - 16)];
    const aad = Uint8Array.from([...DKG_SEAL_INFO, ...p1.pk, ...messageContext(session, 2, 1)]);
    const before = fingerprint(p1.db);
    const e = await refused(p1.run(x25519DiffieHellman({ privateKey: KEY, publicKey: epk, sharedKey: at('dh', 'scratch') }))
      .then(() => p1.run(hkdf({ hashType: 'sha256', salt: Uint8Array.from([...epk, ...p1.pk]), label: DKG_SEAL_INFO, ikm: at('dh', 'scratch'), okm: at('k', 'scratch') })))
      .then(() => p1.run(aeadDecrypt({ cipher: 'xchacha20poly1305', key: at('k', 'scratch'), nonce, ciphertext: ct, tag, associatedData: aad }))));
    assert.equal(e.code, 'PolicyViolation', e.message);
    assert.equal(fingerprint(p1.db), before, 'nothing stored');
  });

  test('a participant key that X25519DiffieHellman may use is refused by round three, the vault unchanged', async () => {
    const ps = await parties(3, () => nativeProvider);
    const r1 = await round1(ps, 2, 3);
    const r2 = await round2(ps, r1);
    const p1 = ps[0]!;
    const plain = at('plain', 'frost-keys');
    await p1.run(generateKeyProcedure({ keyType: 'x25519', output: plain }));
    const before = fingerprint(p1.db);
    const e = await refused(p1.run(frostDkgRound3({ state: STATE, key: plain, packages: others(r1, 1), shares: sharesFor(r2, 1), output: SHARE })));
    assert.equal(e.code, 'PolicyViolation', e.message);
    assert.equal(e.details.field, 'key');
    assert.match(e.message, /only PublicKey, FrostShareImport, FrostDkgRound3, FrostRepairStep2, FrostRepairStep3 may use/);
    assert.equal(fingerprint(p1.db), before);
  });
});

describe('the coordinator (generateKey) over local executors', () => {
  test('a member whose proof of knowledge is wrong is named by its name; the run is aborted on every member', async () => {
    const shs = [1, 2, 3].map(() => {
      const sh = Stronghold.create();
      sh.createClient('w');
      return sh;
    });
    const members = shs.map((sh, k) => {
      const exec = localExecutor(sh.getClient('w'));
      // Member 2 corrupts its own proof of knowledge on the way out.
      return { name: `member-${k + 1}`, exec: k !== 1 ? exec : { async execute(json: Record<string, unknown>) {
        const out = await exec.execute(json) as Record<string, unknown>;
        if (json.type === 'FrostDkgRound1') out.proofOfKnowledge = (out.proofOfKnowledge as string).replace(/^(.{70})(.)/, (_, a: string, b: string) => a + (b === '0' ? '1' : '0'));
        return out;
      } } };
    });
    const e = await refused(generateKey(2, members, { run: 'r1' }));
    assert.equal(e.code, 'FrostMisbehaviour', e.message);
    assert.equal(e.details.participant, 2);
    assert.match(e.message, /member-2 \(participant 2\)/);
    for (const sh of shs) {
      const c = sh.getClient('w');
      assert.ok(!c.vaultExists('frost-dkg') || c.listRecords('frost-dkg').length === 0, 'no round state is left');
      assert.ok(!c.vaultExists('frost-shares') || c.listRecords('frost-shares').length === 0, 'no share is stored');
    }
    const ok = await generateKey(2, shs.map((sh, k) => ({ name: `member-${k + 1}`, exec: localExecutor(sh.getClient('w')) })));
    assert.equal(ok.shares.length, 3);
  });
});
