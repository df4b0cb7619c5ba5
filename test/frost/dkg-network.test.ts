/**
 * Dealer-free FROST across three Strongholds served on loopback p2p: a coordinator that holds no secret runs the
 * key generation (generateKey), every 2-of-3 subset signs with the existing signing flow and node:crypto verifies
 * each signature as plain Ed25519; then a refresh (same key, new shares, the old package no longer verifies them),
 * an abort that leaves no round state, and a repair of a lost share, after which the repaired participant signs.
 * Each server's firewall grants the coordinator exactly the FROST vaults.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Stronghold } from '../../src/client/stronghold.js';
import { isStrongholdError } from '../../src/errors.js';
import { abortKeyGeneration, generateKey, participant, refreshShares, repairShare, signWithParticipants, type FrostGroup, type KeyMember } from '../../src/frost/index.js';
import { peerIdOf, remote, serve, type RemoteStronghold, type StrongholdServer } from '../../src/p2p/index.js';

const MSG = new TextEncoder().encode('no dealer, no single holder');

function nodeVerifies(publicKey: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, MSG, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

interface Node {
  sh: Stronghold;
  server: StrongholdServer;
  addr: string;
}

describe('dealer-free FROST over loopback p2p', { timeout: 180_000 }, () => {
  let coordinator: Stronghold;
  const nodes: Node[] = [];
  const handles: RemoteStronghold[] = [];
  let members: KeyMember[];

  before(async () => {
    coordinator = Stronghold.create();
    const coordinatorId = await peerIdOf(coordinator);
    const rules = {
      default: 'deny' as const,
      peers: {
        [coordinatorId]: {
          clients: {
            wallet: {
              vaults: {
                'frost-keys': ['use', 'write'], 'frost-dkg': ['use', 'write', 'revoke'], 'frost-shares': ['use', 'write', 'revoke'], 'frost-nonces': ['use', 'write', 'revoke'],
              },
            },
          },
        },
      },
    };
    for (let i = 0; i < 3; i++) {
      const sh = Stronghold.create();
      sh.createClient('wallet');
      const server = await serve(sh, { firewall: { onDenied: () => {}, rules: rules as never } });
      nodes.push({ sh, server, addr: server.addresses()[0]! });
    }
    members = [];
    for (const n of nodes) {
      const r = await remote(coordinator, n.addr);
      handles.push(r);
      members.push({ name: n.addr, exec: r.client('wallet').json });
    }
  });

  after(async () => {
    for (const h of handles) await h.close().catch(() => {});
    for (const n of nodes) await n.server.stop().catch(() => {});
  });

  const signers = (group: FrostGroup, which: number[]): ReturnType<typeof participant>[] =>
    which.map((i) => participant(members[i]!.exec, { name: members[i]!.name, share: { vault: 'frost-shares', record: Buffer.from(group.groupPublicKey).toString('hex') } }));
  const stateRecords = (n: Node): number => (n.sh.getClient('wallet').vaultExists('frost-dkg') ? n.sh.getClient('wallet').listRecords('frost-dkg').length : 0);

  let group: FrostGroup;

  test('three Strongholds generate a key without a dealer; every pair signs; node:crypto verifies', async () => {
    const result = await generateKey(2, members);
    group = result.group;
    assert.deepEqual(result.shares.map((s) => s.identifier), [1, 2, 3]);
    for (const pair of [[0, 1], [1, 2], [0, 2]]) {
      const { signature } = await signWithParticipants(group, signers(group, pair), MSG);
      assert.ok(nodeVerifies(group.groupPublicKey, signature), `pair ${pair}`);
    }
    for (const n of nodes) assert.equal(stateRecords(n), 0, 'no round state is left');
  });

  test('refresh: the same key, new shares; the old public package does not verify them', async () => {
    const old = group;
    const result = await refreshShares(group, members.map((m, k) => ({ ...m, identifier: k + 1 })));
    assert.deepEqual(result.group.groupPublicKey, old.groupPublicKey);
    assert.ok(result.group.verifyingShares.every((v, k) => Buffer.compare(v, old.verifyingShares[k]!) !== 0));
    group = result.group;
    for (const pair of [[0, 1], [1, 2], [0, 2]]) {
      const { signature } = await signWithParticipants(group, signers(group, pair), MSG);
      assert.ok(nodeVerifies(group.groupPublicKey, signature), `pair ${pair} after the refresh`);
    }
    await assert.rejects(signWithParticipants(old, signers(group, [0, 1]), MSG), (e: unknown) => isStrongholdError(e, 'RemoteError'));
    for (const n of nodes) assert.equal(n.sh.getClient('wallet').listRecords('frost-shares').length, 1, 'one share each: the old one is replaced');
  });

  test('a coordinator that stops after round one: resuming the run finishes it; aborting leaves no round state', async () => {
    const run = 'crashed-run';
    // Round one only, as a coordinator that crashed right after it.
    const pks = [];
    for (const m of members) pks.push(await m.exec.execute({ type: 'PublicKey', keyType: 'x25519', privateKey: { vault: 'frost-keys', record: 'x25519' } }));
    for (const [k, m] of members.entries()) {
      await m.exec.execute({ type: 'FrostDkgRound1', identifier: k + 1, threshold: 2, participants: 3, recipients: pks, state: { vault: 'frost-dkg', record: run } });
    }
    for (const n of nodes) assert.equal(stateRecords(n), 1);
    const aborted = await abortKeyGeneration(members, run);
    assert.deepEqual(aborted.failed, []);
    for (const n of nodes) assert.equal(stateRecords(n), 0, 'abort destroyed the round state everywhere');
    // The same crash, then a resume under the same run name: nothing is drawn twice, and the key set comes out.
    const first = [];
    for (const [k, m] of members.entries()) {
      first.push(await m.exec.execute({ type: 'FrostDkgRound1', identifier: k + 1, threshold: 2, participants: 3, recipients: pks, state: { vault: 'frost-dkg', record: run } }) as { commitments: string[] });
    }
    const resumed = await generateKey(2, members.map((m) => ({ ...m, share: { vault: 'frost-shares', record: 'resumed' } })), { run });
    // The key is the one the first round one committed to: the resumed run drew no new polynomial.
    const committed = first.reduce((acc, p) => acc.add(ed25519.Point.fromHex(p.commitments[0]!)), ed25519.Point.ZERO);
    assert.equal(Buffer.from(resumed.group.groupPublicKey).toString('hex'), committed.toHex());
    const { signature } = await signWithParticipants(resumed.group, [0, 2].map((i) => participant(members[i]!.exec, { name: members[i]!.name, share: { vault: 'frost-shares', record: 'resumed' } })), MSG);
    assert.ok(nodeVerifies(resumed.group.groupPublicKey, signature));
    for (const n of nodes) assert.equal(stateRecords(n), 0);
  });

  test('repair: participant 3 loses its share; 1 and 2 rebuild it; 3 signs again', async () => {
    const record = Buffer.from(group.groupPublicKey).toString('hex');
    const lost = nodes[2]!.sh.getClient('wallet');
    lost.vault('frost-shares').revokeSecret(record);
    lost.garbageCollect('frost-shares');
    await assert.rejects(signWithParticipants(group, signers(group, [0, 2]), MSG));
    const repaired = await repairShare(group, [{ ...members[0]!, identifier: 1 }, { ...members[1]!, identifier: 2 }], { ...members[2]!, identifier: 3 });
    assert.equal(repaired.identifier, 3);
    for (const pair of [[0, 2], [1, 2]]) {
      const { signature } = await signWithParticipants(group, signers(group, pair), MSG);
      assert.ok(nodeVerifies(group.groupPublicKey, signature), `pair ${pair} after the repair`);
    }
  });
});
