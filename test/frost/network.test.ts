/**
 * FROST across Strongholds on loopback p2p (`/stronghold/rpc/1.0.0` over Noise): a dealer deals sealed shares to
 * three and to five serving Strongholds, and a coordinator that holds no secret runs 2-of-3 and 3-of-5 sessions
 * whose signatures node:crypto verifies. Each server's firewall grants its peers exactly the FROST vaults.
 * One participant's snapshot is a file opened with `openFrostStronghold`: its nonce handle is on disk as revoked
 * before its share reaches the coordinator. A participant that goes offline mid-session is named in a RemoteError.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { isStrongholdError } from '../../src/errors.js';
import { dealShares, openFrostStronghold, participant, signWithParticipants, type DealResult, type FrostParticipant } from '../../src/frost/index.js';
import { peerIdOf, remote, serve, type RemoteStronghold, type StrongholdServer } from '../../src/p2p/index.js';

const MSG = new TextEncoder().encode('signed by a threshold over p2p');

function nodeVerifies(publicKey: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, MSG, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

interface Node {
  sh: Stronghold;
  server: StrongholdServer;
  addr: string;
}

describe('FROST over loopback p2p', { timeout: 120_000 }, () => {
  let dir: string;
  let dealer: Stronghold;
  let coordinator: Stronghold;
  const nodes: Node[] = [];
  const handles: RemoteStronghold[] = [];
  let deals = 0;

  async function dial(from: Stronghold, to: Node): Promise<RemoteStronghold> {
    const r = await remote(from, to.addr);
    handles.push(r);
    return r;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stronghold-frost-'));
    dealer = Stronghold.create();
    coordinator = Stronghold.create();
    const [dealerId, coordinatorId] = await Promise.all([peerIdOf(dealer), peerIdOf(coordinator)]);
    const rules = {
      default: 'deny' as const,
      peers: {
        // The dealer may create the sealing key, read its public key, and store a share; nothing else.
        [dealerId]: { clients: { wallet: { vaults: { 'frost-keys': ['use', 'write'], 'frost-shares': ['write'] } } } },
        // The coordinator may sign with the share and manage nonce handles; it can never write a share.
        [coordinatorId]: { clients: { wallet: { vaults: { 'frost-shares': ['use'], 'frost-nonces': ['use', 'write', 'revoke'] } } } },
      },
    };
    for (let i = 0; i < 5; i++) {
      const sh = i === 0 ? await openFrostStronghold(join(dir, 'p1.stronghold'), 'password', { create: true, workFactor: 0 }) : Stronghold.create();
      sh.createClient('wallet');
      if (i === 0) await sh.save();
      const server = await serve(sh, { firewall: { onDenied: () => {}, rules: rules as never } });
      nodes.push({ sh, server, addr: server.addresses()[0]! });
    }
  });

  after(async () => {
    for (const h of handles) await h.close().catch(() => {});
    for (const n of nodes) await n.server.stop().catch(() => {});
    await nodes[0]?.sh.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function deal(t: number, members: Node[]): Promise<DealResult> {
    const receivers = await Promise.all(members.map(async (n) => ({ name: n.addr, exec: (await dial(dealer, n)).client('wallet').json })));
    return dealShares(dealer.createClient(`dealer-${++deals}`), t, receivers);
  }

  async function signers(dealt: DealResult, members: Node[], which: number[]): Promise<FrostParticipant[]> {
    return Promise.all(which.map(async (i) => participant((await dial(coordinator, members[i]!)).client('wallet').json, { name: members[i]!.addr, share: dealt.shares[i]!.share })));
  }

  test('2-of-3: dealt over the network, signed by each pair; node:crypto verifies', async () => {
    const members = nodes.slice(0, 3);
    const dealt = await deal(2, members);
    for (const pair of [[0, 1], [1, 2], [0, 2]]) {
      const { signature } = await signWithParticipants(dealt.group, await signers(dealt, members, pair), MSG);
      assert.ok(nodeVerifies(dealt.group.groupPublicKey, signature), `pair ${pair}`);
    }
    // The file-backed participant (p1 signed twice): on disk, its share and no live nonce.
    const disk = await Stronghold.open(join(dir, 'p1.stronghold'), 'password', { readOnly: true });
    const c = disk.loadClient('wallet');
    assert.equal(c.listRecords('frost-shares').length, 1);
    assert.ok(!c.vaultExists('frost-nonces') || c.listRecords('frost-nonces').length === 0);
    await disk.close();
  });

  test('3-of-5: dealt over the network; three and five sign', async () => {
    const dealt = await deal(3, nodes);
    for (const set of [[0, 2, 4], [0, 1, 2, 3, 4]]) {
      const { signature } = await signWithParticipants(dealt.group, await signers(dealt, nodes, set), MSG);
      assert.ok(nodeVerifies(dealt.group.groupPublicKey, signature));
    }
  });

  test('the dealer cannot sign and the coordinator cannot deal: the firewall refuses', async () => {
    const members = nodes.slice(0, 3);
    const dealt = await deal(2, members);
    const asDealer = participant((await dial(dealer, members[0]!)).client('wallet').json, { name: 'dealer', share: dealt.shares[0]!.share });
    await assert.rejects(asDealer.commit(), (e: unknown) => isStrongholdError(e, 'PermissionDenied'));
    const asCoordinator = (await dial(coordinator, members[0]!)).client('wallet');
    await assert.rejects(asCoordinator.json.execute({ type: 'FrostShareImport', sealed: '00'.repeat(300), key: { vault: 'frost-keys', record: 'x25519' }, output: { vault: 'frost-shares', record: 'x' } }),
      (e: unknown) => isStrongholdError(e, 'PermissionDenied'));
  });

  test('a participant that goes offline between the rounds: RemoteError naming it', async () => {
    const extra = Stronghold.create();
    extra.createClient('wallet');
    const [dealerId, coordinatorId] = await Promise.all([peerIdOf(dealer), peerIdOf(coordinator)]);
    const server = await serve(extra, { firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [dealerId]: 'allow', [coordinatorId]: 'allow' } } } });
    const node = { sh: extra, server, addr: server.addresses()[0]! };
    const members = [nodes[1]!, node];
    const dealt = await deal(2, members);
    const [a, b] = await signers(dealt, members, [0, 1]);
    const leaving: FrostParticipant = {
      ...b!,
      async sign(nonces, message, commitments) {
        await server.stop();
        return b!.sign(nonces, message, commitments);
      },
    };
    await assert.rejects(signWithParticipants(dealt.group, [a!, leaving], MSG), (e: unknown) => {
      assert.ok(isStrongholdError(e, 'RemoteError'), String(e));
      assert.equal(e.details.peer, node.addr);
      return true;
    });
  });
});
