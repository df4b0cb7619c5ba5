/**
 * The command line end to end: three participants run `stronghold serve` (separate processes, from source); the
 * dealer runs `frost keygen` and the coordinator `frost sign` (in process). A participant's serve process is
 * SIGKILLed right after the deal and restarted: its share was saved before it answered the dealer, so it still
 * signs, and node:crypto verifies the result.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { jsonBanner, runInProcess } from '../cli/harness.js';
import { Stronghold } from '../../src/client/stronghold.js';
import { peerIdOf } from '../../src/p2p/identity.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const PASSWORD = 'pw';
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', STRONGHOLD_PASSWORD: PASSWORD };
const MSG = Buffer.from('served threshold message');
const children: ChildProcessWithoutNullStreams[] = [];
let dir = '';

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `stronghold serve` in a child process; resolves with its first dialable address. */
async function startServe(snapshot: string, rules: string): Promise<{ child: ChildProcessWithoutNullStreams; addr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', snapshot, '--firewall', rules, '--json'], { cwd: ROOT, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  children.push(child);
  const banner = await jsonBanner<{ addresses: string[] }>(child);
  return { child, addr: banner.addresses[0]! };
}

const cli = (argv: string[]) => runInProcess(argv, { STRONGHOLD_PASSWORD: PASSWORD });

/** A snapshot file (work factor 0) with client `wallet` when `client`; returns its peer id. */
async function snapshotFile(path: string, client: boolean): Promise<string> {
  const sh = await Stronghold.open(path, PASSWORD, { create: true, workFactor: 0 });
  if (client) sh.createClient('wallet');
  const id = await peerIdOf(sh);
  await sh.save();
  await sh.close();
  return id;
}

describe('stronghold serve + frost keygen/sign', { timeout: 180_000 }, () => {
  test('2-of-3 across served snapshots; a participant killed after the deal still signs after a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'stronghold-frost-serve-'));
    const dealer = join(dir, 'dealer.stronghold');
    const coordinator = join(dir, 'coordinator.stronghold');
    const [dealerId, coordinatorId] = [await snapshotFile(dealer, false), await snapshotFile(coordinator, false)];
    const rules = join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify({
      default: 'deny',
      peers: {
        [dealerId]: { clients: { wallet: { vaults: { 'frost-keys': ['use', 'write'], 'frost-shares': ['write'] } } } },
        [coordinatorId]: { clients: { wallet: { vaults: { 'frost-shares': ['use'], 'frost-nonces': ['use', 'write', 'revoke'] } } } },
      },
    }));
    const snapshots = [1, 2, 3].map((i) => join(dir, `p${i}.stronghold`));
    for (const s of snapshots) await snapshotFile(s, true);
    const served = await Promise.all(snapshots.map((s) => startServe(s, rules)));

    const group = join(dir, 'group.json');
    const k = await cli(['frost', 'keygen', dealer, '--threshold', '2', '--client', 'wallet', '--out', group, '--participants', served.map((s) => s.addr).join(','), '--json']);
    assert.equal(k.code, 0, k.stderr);
    const gpk = (JSON.parse(k.stdout) as { group: { groupPublicKey: string } }).group.groupPublicKey;

    served[0]!.child.kill('SIGKILL');
    await new Promise((resolve) => served[0]!.child.once('exit', resolve));
    const restarted = await startServe(snapshots[0]!, rules);

    const s = await cli(['frost', 'sign', '--snapshot', coordinator, '--group', group, '--client', 'wallet', '--message-hex', MSG.toString('hex'), '--participants', restarted.addr, '--participants', served[2]!.addr, '--json']);
    assert.equal(s.code, 0, s.stderr);
    const { signature, signers } = JSON.parse(s.stdout) as { signature: string; signers: number[] };
    assert.deepEqual(signers, [1, 3]);
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(gpk, 'hex')]), format: 'der', type: 'spki' });
    assert.ok(verify(null, MSG, key, Buffer.from(signature, 'hex')));
  });
});
