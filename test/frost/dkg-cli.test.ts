/**
 * `stronghold frost dkg`, `frost refresh`, `frost repair` and `frost abort`, in process (`main` of src/cli/dispatch.ts),
 * against three Strongholds served on loopback: no dealer; every pair signs through `frost sign` and node:crypto
 * verifies the signatures under the printed group key; a refresh keeps the key; a repair gives a lost share back.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { runInProcess } from '../cli/harness.js';
import { Stronghold } from '../../src/client/stronghold.js';
import { peerIdOf, serve, type StrongholdServer } from '../../src/p2p/index.js';

const PASSWORD = 'frost dkg cli password';
const MSG = Buffer.from('cli dealer-free message');
/**
 * Each command dials every participant afresh from 127.0.0.1, and libp2p resets inbound connections beyond 5 per
 * second from one host (its `inboundConnectionThreshold`): the commands are spaced as a person would type them.
 */
const run = async (argv: string[]) => {
  await delay(1100);
  return runInProcess(argv, { STRONGHOLD_PASSWORD: PASSWORD });
};

interface GroupFile { group: { groupPublicKey: string; threshold: number; participants: number; verifyingShares: string[] }; participants: { identifier: number; peer: string; client: string; share: { vault: string; record: string } }[] }

describe('stronghold frost dkg / refresh / repair / abort (in process, loopback p2p)', { timeout: 180_000 }, () => {
  let dir: string;
  const servers: StrongholdServer[] = [];
  const nodes: Stronghold[] = [];
  const addrs: string[] = [];
  let coordinator: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stronghold-frost-dkg-cli-'));
    coordinator = join(dir, 'coordinator.stronghold');
    const sh = await Stronghold.open(coordinator, PASSWORD, { create: true, workFactor: 0 });
    const coordinatorId = await peerIdOf(sh);
    await sh.save();
    await sh.close();
    const vaults = { 'frost-keys': ['use', 'write'], 'frost-dkg': ['use', 'write', 'revoke'], 'frost-shares': ['use', 'write', 'revoke'], 'frost-nonces': ['use', 'write', 'revoke'] };
    for (let i = 0; i < 3; i++) {
      const node = Stronghold.create();
      node.createClient('wallet');
      const server = await serve(node, { firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [coordinatorId]: { clients: { wallet: { vaults } } } } } as never } });
      nodes.push(node);
      servers.push(server);
      addrs.push(server.addresses()[0]!);
    }
  });

  after(async () => {
    for (const s of servers) await s.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  const sign = async (groupFile: string, which: number[]): Promise<{ code: number; signature?: string; stderr: string }> => {
    const r = await run(['frost', 'sign', '--snapshot', coordinator, '--group', groupFile, '--client', 'wallet', '--message-hex', MSG.toString('hex'), '--participants', which.map((i) => addrs[i]).join(','), '--json']);
    return { code: r.code, stderr: r.stderr + r.stdout, ...(r.code === 0 ? { signature: (JSON.parse(r.stdout) as { signature: string }).signature } : {}) };
  };
  const verifies = (groupPublicKey: string, signature: string): boolean =>
    verify(null, MSG, createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(groupPublicKey, 'hex')]), format: 'der', type: 'spki' }), Buffer.from(signature, 'hex'));

  test('dkg makes a 2-of-3 key with no dealer; every pair signs; refresh keeps the key; repair gives a lost share back', async () => {
    const groupPath = join(dir, 'group.json');
    const k = await run(['frost', 'dkg', '--snapshot', coordinator, '--threshold', '2', '--client', 'wallet', '--out', groupPath, ...addrs, '--json']);
    assert.equal(k.code, 0, k.stderr + k.stdout);
    const made = JSON.parse(k.stdout) as GroupFile;
    assert.deepEqual(Object.keys(made), ['group', 'participants'], 'the output of frost keygen');
    assert.deepEqual(made.participants.map((p) => [p.identifier, p.peer, p.share.vault, p.share.record]), addrs.map((a, i) => [i + 1, a, 'frost-shares', made.group.groupPublicKey]));
    assert.deepEqual(JSON.parse(await readFile(groupPath, 'utf8')), made);
    for (const pair of [[0, 1], [1, 2], [0, 2]]) {
      const s = await sign(groupPath, pair);
      assert.equal(s.code, 0, s.stderr);
      assert.ok(verifies(made.group.groupPublicKey, s.signature!), `pair ${pair}`);
    }

    const human = await run(['frost', 'refresh', '--snapshot', coordinator, '--group', groupPath, '--client', 'wallet', '--out', join(dir, 'group-2.json'), ...addrs]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^group public key ${made.group.groupPublicKey}\nthreshold 2 of 3\nshare 1 -> `));
    const refreshed = JSON.parse(await readFile(join(dir, 'group-2.json'), 'utf8')) as GroupFile;
    assert.equal(refreshed.group.groupPublicKey, made.group.groupPublicKey);
    assert.notDeepEqual(refreshed.group.verifyingShares, made.group.verifyingShares);
    assert.notEqual((await sign(groupPath, [0, 1])).code, 0, 'the old package no longer verifies the new shares');
    const s2 = await sign(join(dir, 'group-2.json'), [0, 2]);
    assert.ok(verifies(made.group.groupPublicKey, s2.signature!));

    // Participant 3 loses its share; 1 and 2 rebuild it.
    const lost = nodes[2]!.getClient('wallet');
    lost.vault('frost-shares').revokeSecret(made.group.groupPublicKey);
    lost.garbageCollect('frost-shares');
    assert.notEqual((await sign(join(dir, 'group-2.json'), [0, 2])).code, 0);
    const r = await run(['frost', 'repair', '--snapshot', coordinator, '--group', join(dir, 'group-2.json'), '--client', 'wallet', '--for', addrs[2]!, addrs[0]!, addrs[1]!, '--json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual((JSON.parse(r.stdout) as GroupFile).participants.map((p) => [p.identifier, p.peer]), [[3, addrs[2]]]);
    for (const pair of [[0, 2], [1, 2]]) {
      const s = await sign(join(dir, 'group-2.json'), pair);
      assert.ok(s.code === 0 && verifies(made.group.groupPublicKey, s.signature!), `pair ${pair} after the repair: ${s.stderr}`);
    }
  });

  test('abort destroys a run\'s round state on every participant; bad input exits with the documented status', async () => {
    // A run stopped after round one: the states are there until aborted.
    const { generateKey } = await import('../../src/frost/dkg.js');
    const broken = nodes.map((n, i) => ({ name: addrs[i]!, exec: { execute: async (json: Record<string, unknown>) => {
      const { localExecutor } = await import('../../src/frost/participant.js');
      if (json.type === 'FrostDkgRound2') throw new Error('the coordinator crashed');
      return localExecutor(n.getClient('wallet')).execute(json);
    } } }));
    const live = (): number => nodes.reduce((k, n) => k + (n.getClient('wallet').vaultExists('frost-dkg') ? n.getClient('wallet').listRecords('frost-dkg').length : 0), 0);
    await assert.rejects(generateKey(2, broken, { run: 'left-over' }));
    assert.equal(live(), 0, 'a run that fails is aborted everywhere by its coordinator');
    // A coordinator that dies cannot abort: its round one is left, and `frost abort` destroys it.
    const { localExecutor } = await import('../../src/frost/participant.js');
    const pks = await Promise.all(nodes.map((n) => localExecutor(n.getClient('wallet')).execute({ type: 'PublicKey', keyType: 'x25519', privateKey: { vault: 'frost-keys', record: 'x25519' } })));
    for (const [i, n] of nodes.entries()) {
      await localExecutor(n.getClient('wallet')).execute({ type: 'FrostDkgRound1', identifier: i + 1, threshold: 2, participants: 3, recipients: pks, state: { vault: 'frost-dkg', record: 'left-over' } });
    }
    assert.equal(live(), 3);
    const a = await run(['frost', 'abort', '--snapshot', coordinator, '--run', 'left-over', '--client', 'wallet', ...addrs, '--json']);
    assert.equal(a.code, 0, a.stderr + a.stdout);
    assert.deepEqual((JSON.parse(a.stdout) as { aborted: string[] }).aborted, addrs);
    assert.equal(live(), 0);

    const tooHigh = await run(['frost', 'dkg', '--snapshot', coordinator, '--threshold', '4', '--client', 'wallet', ...addrs, '--json']);
    assert.equal(tooHigh.code, 1);
    const none = await run(['frost', 'dkg', '--snapshot', coordinator, '--threshold', '2', '--client', 'wallet', '--json']);
    assert.equal(none.code, 1);
    const stranger = await run(['frost', 'repair', '--snapshot', coordinator, '--group', join(dir, 'group.json'), '--client', 'wallet', '--for', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWNotAParticipant', addrs[0]!, addrs[1]!, '--json']);
    assert.equal(stranger.code, 1);
  });
});
