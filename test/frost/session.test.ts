/**
 * Signing sessions across in-process Strongholds, each reached through the JSON form (`localExecutor`, the same
 * calls a peer makes over p2p): dealing with sealed shares, 2-of-3 and 3-of-5 signatures that node:crypto
 * verifies as plain Ed25519, and the bad input of issue 9 with typed errors; after every session no participant
 * holds a live nonce.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { isStrongholdError, StrongholdError } from '../../src/errors.js';
import { dealShares, localExecutor, parseGroup, participant, signWithParticipants, type DealtShare, type FrostParticipant, type FrostGroup, type ProcedureExecutor } from '../../src/frost/index.js';
import { frostKeygen } from '../../src/procedures/frost-keygen.js';
import { frostShareExport } from '../../src/procedures/frost-share-export.js';
import { parseChain } from '../../src/procedures/json.js';
import { optionsFor } from '../runners.js';

const MSG = new TextEncoder().encode('threshold message');

function nodeVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

/** Asserts the code; `check` gets the details (typed loosely: they depend on the code). */
function code(c: string, check?: (e: { details: Record<string, unknown> }) => void) {
  return (e: unknown): boolean => {
    assert.ok(isStrongholdError(e), `expected a StrongholdError, got ${String(e)}`);
    assert.equal(e.code, c, `${e.code}: ${e.message}`);
    check?.(e as StrongholdError & { details: Record<string, unknown> });
    return true;
  };
}

interface Party {
  name: string;
  sh: Stronghold;
  exec: ProcedureExecutor;
}

/** A dealer and n participants (in-memory Strongholds, client "wallet"), with the key set dealt. */
async function setup(t: number, n: number): Promise<{ group: FrostGroup; parties: Party[]; shares: DealtShare[]; signer: (i: number) => FrostParticipant; dealer: Stronghold }> {
  const dealer = Stronghold.create();
  const parties = Array.from({ length: n }, (_, i) => {
    const sh = Stronghold.create();
    return { name: `p${i + 1}`, sh, exec: localExecutor(sh.createClient('wallet')) };
  });
  const { group, shares } = await dealShares(dealer.createClient('dealer'), t, parties, { dealerVault: 'deal' });
  assert.deepEqual(shares.map((s) => s.identifier), parties.map((_, i) => i + 1));
  const signer = (i: number): FrostParticipant => participant(parties[i]!.exec, { name: parties[i]!.name, share: shares[i]!.share });
  return { group, parties, shares, signer, dealer };
}

/** The X25519 public key of a party's sealing key. */
async function x25519Of(exec: ProcedureExecutor): Promise<Uint8Array> {
  return Uint8Array.from(Buffer.from((await exec.execute({ type: 'PublicKey', keyType: 'x25519', privateKey: { vault: 'frost-keys', record: 'x25519' } })) as string, 'hex'));
}

/** Live records left in a party's nonce vault. */
const liveNonces = (p: Party): number => {
  const c = p.sh.getClient('wallet');
  return c.vaultExists('frost-nonces') ? c.listRecords('frost-nonces').length : 0;
};

describe('FROST sessions across Strongholds (in process)', () => {
  test('2-of-3: every pair signs; node:crypto verifies each signature under the group key', async () => {
    const { group, parties, signer, dealer } = await setup(2, 3);
    const d = dealer.getClient('dealer');
    assert.ok(!d.vaultExists('deal') || d.listRecords('deal').length === 0, "the dealer's copies are gone");
    for (const pair of [[0, 1], [0, 2], [1, 2], [2, 0]]) {
      const out = await signWithParticipants(group, pair.map(signer), MSG);
      assert.ok(nodeVerifies(group.groupPublicKey, MSG, out.signature), `pair ${pair}`);
      assert.deepEqual(out.signers, pair.map((i) => i + 1).sort());
    }
    for (const p of parties) assert.equal(liveNonces(p), 0);
  });

  test('3-of-5: three and five signers', async () => {
    const { group, parties, signer } = await setup(3, 5);
    for (const set of [[0, 2, 4], [1, 2, 3], [0, 1, 2, 3, 4]]) {
      const out = await signWithParticipants(group, set.map(signer), MSG);
      assert.ok(nodeVerifies(group.groupPublicKey, MSG, out.signature));
    }
    for (const p of parties) assert.equal(liveNonces(p), 0);
  });

  test('fewer than t participants, or one given twice: InvalidArgument before any nonce exists', async () => {
    const { group, parties, signer } = await setup(3, 5);
    await assert.rejects(signWithParticipants(group, [signer(0), signer(1)], MSG), code('InvalidArgument', (e) => assert.equal(e.details.field, 'participants')));
    await assert.rejects(signWithParticipants(group, [signer(0), signer(1), signer(2)], new Uint8Array(1024 * 1024 + 1)), code('InvalidArgument', (e) => assert.equal(e.details.field, 'message')));
    const a = signer(0);
    await assert.rejects(signWithParticipants(group, [a, signer(1), a], MSG), code('InvalidArgument', (e) => assert.equal(e.details.field, 'participants[2]')));
    await assert.rejects(signWithParticipants(group, [signer(0), signer(1), signer(0)], MSG), code('InvalidArgument', (e) => assert.equal(e.details.field, 'participants[2]')));
    for (const p of parties) assert.equal(liveNonces(p), 0);
  });

  test('two participants holding the same share: InvalidArgument, and the handles of round one are revoked', async () => {
    const { group, parties, shares, signer } = await setup(2, 3);
    const twin = participant(parties[0]!.exec, { name: 'twin', share: shares[0]!.share });
    await assert.rejects(signWithParticipants(group, [signer(0), twin], MSG), code('InvalidArgument', (e) => assert.equal(e.details.field, 'participants[1]')));
    for (const p of parties) assert.equal(liveNonces(p), 0);
  });

  test('a share that does not verify: RemoteError naming the participant; the signature is not produced', async () => {
    const { group, signer } = await setup(2, 3);
    const honest = signer(0);
    const liar: FrostParticipant = {
      ...signer(1),
      name: 'liar',
      async sign(nonces, message, commitments) {
        const s = await signer(1).sign(nonces, message, commitments);
        s.signatureShare[0]! ^= 1;
        return s;
      },
    };
    await assert.rejects(signWithParticipants(group, [honest, liar], MSG), code('RemoteError', (e) => {
      assert.equal(e.details.peer, 'liar');
      assert.match(e.details.reason as string, /share 2/);
    }));
  });

  test('a participant committing to a point of small order is named in round one; nobody signs', async () => {
    const { group, parties, shares, signer } = await setup(2, 3);
    // Participant 2's answers pass through a peer that swaps its binding commitment for the point of order 2.
    const ORDER_2 = `ec${'ff'.repeat(30)}7f`;
    const tampering: ProcedureExecutor = {
      async execute(json) {
        const out = await parties[1]!.exec.execute(json);
        return json.type === 'FrostCommit' ? { ...(out as Record<string, unknown>), binding: ORDER_2 } : out;
      },
    };
    const bad = participant(tampering, { name: 'small-order', share: shares[1]!.share });
    await assert.rejects(signWithParticipants(group, [signer(0), bad], MSG), code('RemoteError', (e) => assert.equal(e.details.peer, 'small-order')));
    for (const p of parties) assert.equal(liveNonces(p), 0, 'round one handles discarded');
  });

  test('a participant that disconnects in round one or two: RemoteError naming it; no handle stays usable', async () => {
    const { group, parties, signer } = await setup(2, 3);
    const gone = new StrongholdError('RemoteError', 'the connection to the server closed', { peer: 'x', reason: 'stream closed' });
    const dropsInRound1: FrostParticipant = { ...signer(1), name: 'drop1', commit: async () => Promise.reject(gone) };
    await assert.rejects(signWithParticipants(group, [signer(0), dropsInRound1], MSG), code('RemoteError', (e) => assert.equal(e.details.peer, 'drop1')));
    for (const p of parties) assert.equal(liveNonces(p), 0, 'round one handles discarded');

    const dropsInRound2: FrostParticipant = { ...signer(1), name: 'drop2', sign: async () => Promise.reject(gone) };
    await assert.rejects(signWithParticipants(group, [signer(0), dropsInRound2], MSG), code('RemoteError', (e) => {
      assert.equal(e.details.peer, 'drop2');
      assert.match(e.details.reason as string, /round two/);
    }));
    // The dropped participant never signed: its handle is left pending (unused); the one who signed has none.
    assert.equal(liveNonces(parties[0]!), 0);
    assert.equal(liveNonces(parties[1]!), 1);
  });

  test('FrostSign: a used or unknown handle, a list without the signer, a tampered commitment', async () => {
    const { parties, signer } = await setup(2, 3);
    const [a, b] = [signer(0), signer(1)];
    const [ca, cb] = [await a.commit(), await b.commit()];
    const list = [ca.commitment, cb.commitment];

    await assert.rejects(a.sign(ca.nonces, MSG, [cb.commitment]), code('InvalidArgument', (e) => assert.equal(e.details.field, 'commitments')));
    const third = await signer(2).commit();
    await assert.rejects(a.sign(ca.nonces, MSG, [cb.commitment, third.commitment]), code('InvalidArgument', (e) => assert.equal(e.details.field, 'commitments')));
    assert.equal(liveNonces(parties[0]!), 1, 'a package that fails the share checks does not consume the handle');

    await a.sign(ca.nonces, MSG, list);
    await assert.rejects(a.sign(ca.nonces, MSG, list), code('RecordNotFound'));
    await assert.rejects(a.sign(ca.nonces, new Uint8Array(1), list), code('RecordNotFound'));
    await assert.rejects(a.sign({ vault: 'frost-nonces', record: 'never-committed' }, MSG, list), code('RecordNotFound'));

    const forged = { ...cb.commitment, hiding: ca.commitment.hiding };
    await assert.rejects(b.sign(cb.nonces, MSG, [ca.commitment, forged]), code('InvalidArgument', (e) => assert.equal(e.details.field, 'commitments')));
    await assert.rejects(b.sign(cb.nonces, MSG, list), code('RecordNotFound'), 'a handle read once is gone, even if signing failed');
  });

  test('the share records: non-exportable, only the FROST procedures may use them; a wrong key cannot import', async () => {
    const { parties, shares } = await setup(2, 3);
    const c = parties[0]!.sh.getClient('wallet');
    const shareLoc = shares[0]!.share;
    assert.equal(c.listRecords(shareLoc.vault).length, 1);
    await assert.rejects(c.executeChain(parseChain([{ type: 'Ed25519Sign', privateKey: shareLoc, msg: '00' }])), code('PolicyViolation'));
    await assert.rejects(c.executeChain(parseChain([{ type: 'CopyRecord', source: shareLoc, target: { vault: 'x', record: 'y' } }])), code('PolicyViolation'));
    // Sealed to p1's key: p2 cannot import it.
    const sealed = await parties[0]!.exec.execute({ type: 'FrostShareExport', share: shareLoc });
    await assert.rejects(parties[1]!.exec.execute({ type: 'FrostShareImport', sealed, key: { vault: 'frost-keys', record: 'x25519' }, output: { vault: 's', record: 's' } }),
      code('InvalidArgument', (e) => assert.equal(e.details.field, 'sealed')));
    const tampered = `${(sealed as string).slice(0, -2)}${(sealed as string).endsWith('00') ? '01' : '00'}`;
    await assert.rejects(parties[0]!.exec.execute({ type: 'FrostShareImport', sealed: tampered, key: { vault: 'frost-keys', record: 'x25519' }, output: { vault: 's', record: 's' } }),
      code('InvalidArgument', (e) => assert.equal(e.details.field, 'sealed')));
  });

  test('a receiver that fails during the deal is named; the dealer keeps no copy', async () => {
    const dealer = Stronghold.create();
    const d = dealer.createClient('dealer');
    const parties = [0, 1, 2].map(() => localExecutor(Stronghold.create().createClient('wallet')));
    const broken: ProcedureExecutor = {
      execute: async (json) => (json.type === 'FrostShareImport' ? Promise.reject(new StrongholdError('RemoteError', 'gone', { peer: 'x', reason: 'stream closed' })) : parties[2]!.execute(json)),
    };
    const receivers = [{ name: 'a', exec: parties[0]! }, { name: 'b', exec: parties[1]! }, { name: 'c', exec: broken }];
    await assert.rejects(dealShares(d, 2, receivers, { dealerVault: 'deal' }), code('RemoteError', (e) => assert.equal(e.details.peer, 'c')));
    assert.ok(!d.vaultExists('deal') || d.listRecords('deal').length === 0);
    await assert.rejects(dealShares(d, 2, [receivers[0]!, receivers[0]!]), code('InvalidArgument', (e) => assert.equal(e.details.field, 'receivers[1]')));
    await assert.rejects(dealShares(d, 3, receivers.slice(0, 2)), code('InvalidArgument', (e) => assert.equal(e.details.field, 'threshold')));
    // One Stronghold under two names: refused before anything is dealt.
    await assert.rejects(dealShares(d, 2, [receivers[0]!, { name: 'a again', exec: parties[0]! }]), code('InvalidArgument', (e) => assert.equal(e.details.field, 'receivers[1]')));
    // A share is never imported over another.
    const dealt = await dealShares(d, 2, receivers.slice(0, 2));
    const sealed = await d.execute(frostKeygen({ threshold: 2, participants: 2, outputs: [{ vault: 'x', record: '1' }, { vault: 'x', record: '2' }], recipients: [await x25519Of(parties[0]!), await x25519Of(parties[1]!)] }))
      .then(() => d.execute(frostShareExport({ share: { vault: 'x', record: '1' } })));
    await assert.rejects(parties[0]!.execute({ type: 'FrostShareImport', sealed: Buffer.from(sealed).toString('hex'), key: { vault: 'frost-keys', record: 'x25519' }, output: dealt.shares[0]!.share }),
      code('InvalidArgument', (e) => assert.equal(e.details.field, 'output')));
  });

  test('a share dealt without a recipient never leaves its vault', async () => {
    const sh = Stronghold.create();
    const exec = localExecutor(sh.createClient('w'));
    await exec.execute({ type: 'FrostKeygen', threshold: 2, participants: 2, outputs: [{ vault: 's', record: '1' }, { vault: 's', record: '2' }] });
    await assert.rejects(exec.execute({ type: 'FrostShareExport', share: { vault: 's', record: '1' } }), code('PolicyViolation'));
  });
});


for (const zone of ['inline', 'process'] as const) {
  describe(`FROST in one Stronghold holding several shares (procedures ${zone === 'process' ? 'in the secure zone' : 'inline'})`, { timeout: 60_000 }, () => {
    test('a 2-of-3 session; a handle committed by another share, or planted with WriteVault, is refused', async () => {
      const sh = Stronghold.create(optionsFor(zone));
      try {
        const exec = localExecutor(sh.createClient('w'));
        const share = (i: number) => ({ vault: 's', record: `s${i}` });
        const group = parseGroup(await exec.execute({ type: 'FrostKeygen', threshold: 2, participants: 3, outputs: [1, 2, 3].map(share) }));
        const [p1, p2] = [1, 2].map((i) => participant(exec, { name: `p${i}`, share: share(i) }));
        const { signature } = await signWithParticipants(group, [p1!, p2!], MSG);
        assert.ok(nodeVerifies(group.groupPublicKey, MSG, signature));

        const [c1, c2] = [await p1!.commit(), await p2!.commit()];
        const list = [c1.commitment, c2.commitment];
        await assert.rejects(p1!.sign(c2.nonces, MSG, list), code('InvalidArgument', (e) => assert.equal(e.details.field, 'nonces')));
        // A peer allowed to write the nonce vault plants a record with nonces it knows, with FrostSign's policy.
        const planted = { vault: 'frost-nonces', record: 'planted' };
        await exec.execute({ type: 'WriteVault', data: '46524e01'.padEnd(266, '1'), location: planted, policy: { exportable: false, allowed: ['FrostSign'] } });
        // It is of kind unknown: only FrostCommit makes nonce records, so the engine refuses it before it is opened.
        await assert.rejects(p1!.sign(planted, MSG, list), code('PolicyViolation', (e) => assert.deepEqual([e.details.field, e.details.kind], ['nonces', 'unknown'])));
        // Refused records are left alone: neither was a nonce pair of p1's share.
        assert.equal(sh.getClient('w').listRecords('frost-nonces').length, 3);
        assert.equal((await p2!.sign(c2.nonces, MSG, list)).signatureShare.length, 32);
        for (const h of [c1.nonces, c2.nonces, planted]) await p1!.discard(h).catch(() => {});
        assert.equal(sh.getClient('w').listRecords('frost-nonces').length, 0);
      } finally {
        await sh.close();
      }
    });
  });
}
