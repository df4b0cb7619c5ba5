/**
 * `stronghold frost keygen` and `frost sign`, in process (`main` of src/cli/dispatch.ts), against three Strongholds
 * served on loopback: the dealer's and the coordinator's snapshots only give their peer identities; the signature
 * verifies with node:crypto under the printed group key. Bad input exits with the documented status.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runInProcess } from '../cli/harness.js';
import { Stronghold } from '../../src/client/stronghold.js';
import { peerIdOf, serve, type StrongholdServer } from '../../src/p2p/index.js';

const PASSWORD = 'frost cli password';
const MSG = Buffer.from('cli threshold message');

const run = (argv: string[]) => runInProcess(argv, { STRONGHOLD_PASSWORD: PASSWORD });

/** A snapshot file holding only a p2p identity; returns its peer id. */
async function identityFile(path: string): Promise<string> {
  const sh = await Stronghold.open(path, PASSWORD, { create: true, workFactor: 0 });
  const id = await peerIdOf(sh);
  await sh.save();
  await sh.close();
  return id;
}

describe('stronghold frost (in process, loopback p2p)', { timeout: 120_000 }, () => {
  let dir: string;
  const servers: StrongholdServer[] = [];
  const addrs: string[] = [];
  let dealerPath: string;
  let coordinatorPath: string;
  let groupPath: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stronghold-frost-cli-'));
    dealerPath = join(dir, 'dealer.stronghold');
    coordinatorPath = join(dir, 'coordinator.stronghold');
    groupPath = join(dir, 'group.json');
    const [dealerId, coordinatorId] = [await identityFile(dealerPath), await identityFile(coordinatorPath)];
    for (let i = 0; i < 3; i++) {
      const sh = Stronghold.create();
      sh.createClient('wallet');
      const server = await serve(sh, {
        firewall: {
          onDenied: () => {},
          rules: {
            default: 'deny',
            peers: {
              [dealerId]: { clients: { wallet: { vaults: { 'frost-keys': ['use', 'write'], 'frost-shares': ['write'] } } } },
              [coordinatorId]: { clients: { wallet: { vaults: { 'frost-shares': ['use'], 'frost-nonces': ['use', 'write', 'revoke'] } } } },
            },
          },
        },
      });
      servers.push(server);
      addrs.push(server.addresses()[0]!);
    }
  });

  after(async () => {
    for (const s of servers) await s.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  test('keygen deals 2-of-3; sign with two participants gives an Ed25519 signature node:crypto verifies', async () => {
    const k = await run(['frost', 'keygen', dealerPath, '--threshold', '2', '--client', 'wallet', '--out', groupPath, ...addrs.flatMap((a) => ['--participants', a]), '--json']);
    assert.equal(k.code, 0, k.stderr);
    const dealt = JSON.parse(k.stdout) as { group: { groupPublicKey: string; threshold: number; participants: number }; participants: { identifier: number; peer: string }[] };
    assert.equal(dealt.group.threshold, 2);
    assert.deepEqual(dealt.participants.map((p) => [p.identifier, p.peer]), addrs.map((a, i) => [i + 1, a]));
    assert.deepEqual(JSON.parse(await readFile(groupPath, 'utf8')), dealt);

    const s = await run(['frost', 'sign', '--snapshot', coordinatorPath, '--group', groupPath, '--client', 'wallet', '--message-hex', MSG.toString('hex'), '--participants', `${addrs[0]},${addrs[2]}`, '--json']);
    assert.equal(s.code, 0, s.stderr);
    const signed = JSON.parse(s.stdout) as { signature: string; groupPublicKey: string; signers: number[] };
    assert.deepEqual(signed.signers, [1, 3]);
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(dealt.group.groupPublicKey, 'hex')]), format: 'der', type: 'spki' });
    assert.ok(verify(null, MSG, key, Buffer.from(signed.signature, 'hex')));

    const human = await run(['frost', 'sign', '--snapshot', coordinatorPath, '--group', groupPath, '--client', 'wallet', '--message-hex', '00', '--participants', addrs[1]!, '--participants', addrs[2]!]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^[0-9a-f]{128}\n$/);
  });

  test('bad input: one participant, one given twice, an existing --out, a bad group file', async () => {
    const sign = (participants: string[], extra: string[] = []) => run(['frost', 'sign', '--snapshot', coordinatorPath, '--group', groupPath, '--client', 'wallet', '--message-hex', '00', ...participants.flatMap((a) => ['--participants', a]), ...extra, '--json']);
    const one = await sign([addrs[0]!]);
    assert.equal(one.code, 1);
    assert.equal((JSON.parse(one.stdout) as { error: { code: string; details: { field: string } } }).error.details.field, 'participants');
    const twice = await sign([addrs[0]!, addrs[0]!]);
    assert.equal(twice.code, 1);
    assert.equal((JSON.parse(twice.stdout) as { error: { details: { field: string } } }).error.details.field, 'participants[1]');
    const exists = await run(['frost', 'keygen', dealerPath, '--threshold', '2', '--client', 'wallet', '--out', groupPath, '--participants', addrs.join(','), '--json']);
    assert.equal(exists.code, 5);
    const missing = await run(['frost', 'sign', '--snapshot', coordinatorPath, '--group', join(dir, 'nope.json'), '--client', 'wallet', '--message-hex', '00', '--participants', addrs.join(','), '--json']);
    assert.equal(missing.code, 3);
  });
});
