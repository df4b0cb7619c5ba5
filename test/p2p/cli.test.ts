/**
 * The p2p commands end to end, as two terminals would run them: `serve` (until SIGTERM, saving on exit),
 * `id`, `remote ... sign|pubkey|ls|run`, and `relay` with a server reachable only through it. The CLI runs from
 * source (tsx), on loopback only.
 */
import { jsonBanner } from '../cli/harness.js';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { vaultId } from '../../src/engine/ids.js';
import { run, serverAndCaller, start, stopAll } from './source-cli.js';

/** The first stdout line of a long-running command (its --json banner). */
const banner = (child: ChildProcessWithoutNullStreams) => jsonBanner<{ peerId: string; addresses: string[] }>(child);

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.on('exit', (code) => resolve(code)));

function verifies(pubHex: string, msgHex: string, sigHex: string): boolean {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pubHex, 'hex')]), format: 'der', type: 'spki' });
  return verify(null, Buffer.from(msgHex, 'hex'), key, Buffer.from(sigHex, 'hex'));
}

describe('p2p command line', { timeout: 90_000 }, () => {
  let dir: string;
  let server: string;
  let caller: string;
  let callerId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stronghold-p2p-cli-'));
    ({ server, caller, callerId } = await serverAndCaller(dir));
    const write = await run(['run', server, '--client', 'wallet', '--save'],
      JSON.stringify([{ type: 'WriteVault', data: '00'.repeat(32), location: { vault: 'shared', record: 's' } }]));
    assert.equal(write.code, 0, write.stderr);
    assert.equal(JSON.parse((await run(['id', caller, '--json'])).stdout).peerId, callerId);
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ default: 'deny', peers: { [callerId]: { clients: { wallet: { vaults: { keys: ['use', 'list'] } } } } } }));
  });

  after(async () => {
    stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  test('serve, then remote sign, pubkey, ls, run and pull; SIGTERM saves and keeps the peer id', async () => {
    const serving = start(['serve', server, '--listen', '/ip4/127.0.0.1/tcp/0', '--firewall', join(dir, 'rules.json'), '--json']);
    const { peerId, addresses } = await banner(serving);
    const addr = addresses[0]!;
    assert.ok(addr.endsWith(`/p2p/${peerId}`));
    const msg = '68656c6c6f';
    const [sig, pub] = await Promise.all([
      run(['remote', addr, '--snapshot', caller, 'sign', '--client', 'wallet', '--key', 'keys/k0', '--message-hex', msg, '--json']),
      run(['remote', addr, '--snapshot', caller, 'pubkey', '--client', 'wallet', '--key', 'keys/k0', '--type', 'ed25519']),
    ]);
    assert.equal(sig!.code, 0, sig!.stderr);
    assert.equal(pub!.code, 0, pub!.stderr);
    assert.ok(verifies(pub!.stdout.trim(), msg, (JSON.parse(sig!.stdout) as { signature: string }).signature));
    const ls = await run(['remote', addr, '--snapshot', caller, 'ls', '--client', 'wallet', '--vault', 'keys', '--json']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal((JSON.parse(ls.stdout) as { records: unknown[] }).records.length, 1);
    // Without --vault: the ids of every vault the caller may list, here only `keys` (`shared` exists too).
    const vaults = await run(['remote', addr, '--snapshot', caller, 'ls', '--client', 'wallet', '--json']);
    assert.equal(vaults.code, 0, vaults.stderr);
    assert.deepEqual((JSON.parse(vaults.stdout) as { vaults: string[] }).vaults, [Buffer.from(vaultId(new TextEncoder().encode('keys'))).toString('hex')]);
    const chain = JSON.stringify([{ type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k0' }, msg }]);
    const ran = await run(['remote', addr, '--snapshot', caller, 'run', '--client', 'wallet', '--json'], chain);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal((JSON.parse(ran.stdout) as { results: { result: string }[] }).results[0]!.result, (JSON.parse(sig!.stdout) as { signature: string }).signature);
    const denied = await run(['remote', addr, '--snapshot', caller, 'ls', '--client', 'wallet', '--vault', 'other']);
    assert.equal(denied.code, 5);
    assert.match(denied.stderr, /^stronghold: error: PermissionDenied:/m);
    const pullArgs = ['remote', addr, '--snapshot', caller, 'pull', '--client', 'wallet', '--rename', 'shared=mine', '--json'];
    assert.equal((await run(pullArgs)).code, 5);
    // The rules change at runtime: SIGHUP reads the file again.
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ default: 'deny', peers: { [callerId]: { clients: { wallet: { vaults: { keys: ['use', 'list'], shared: ['sync'] } } } } } }));
    serving.kill('SIGHUP');
    let pulled = await run(pullArgs);
    for (let i = 0; i < 50 && pulled.code === 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pulled = await run(pullArgs);
    }
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual({ ...JSON.parse(pulled.stdout), peer: undefined, notSent: undefined }, { peer: undefined, notSent: undefined, merged: 1, kept: 0, client: 'wallet', into: 'wallet', policy: 'keep' });
    // What the server never sends cannot be counted by the caller: pull says what that is and why.
    assert.match(JSON.parse(pulled.stdout).notSent, /non-exportable and revoked records are never sent/);
    const human = await run(pullArgs.filter((a) => a !== '--json'));
    assert.match(human.stdout, /^skipped: non-exportable and revoked records are never sent/m);
    const mine = await run(['ls', caller, '--client', 'wallet', '--json']);
    assert.equal((JSON.parse(mine.stdout) as { clients: { vaults: { records: unknown[] }[] }[] }).clients[0]!.vaults[0]!.records.length, 1);
    serving.kill('SIGTERM');
    assert.equal(await exited(serving), 0);
    const id = await run(['id', server, '--json']);
    assert.equal(JSON.parse(id.stdout).peerId, peerId);
  });

  test('a fresh caller snapshot keeps its identity across three remote calls: the server logs (as JSON) the id `id` prints', async () => {
    const fresh = join(dir, 'fresh.stronghold');
    assert.equal((await run(['init', fresh, '--work-factor', '0'])).code, 0);
    const serving = start(['serve', server, '--log-format', 'json', '--json']);
    let stderr = '';
    serving.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const { addresses } = await banner(serving);
    for (let i = 0; i < 3; i++) {
      const denied = await run(['remote', addresses[0]!, '--snapshot', fresh, 'ls', '--client', 'wallet', '--vault', 'keys']);
      assert.equal(denied.code, 5, denied.stderr);
    }
    serving.kill('SIGTERM');
    assert.equal(await exited(serving), 0);
    const peers = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { event: string; peer: string }))
      .filter((e) => e.event === 'denied').map((e) => e.peer);
    const id = (JSON.parse((await run(['id', fresh, '--json'])).stdout) as { peerId: string }).peerId;
    assert.deepEqual(peers, [id, id, id]);
  });

  test('relay: a server reachable only at its /p2p-circuit address', async () => {
    const relaying = start(['relay', '--json']);
    const relay = await banner(relaying);
    const serving = start(['serve', server, '--relay', relay.addresses[0]!, '--firewall', join(dir, 'rules.json'), '--json']);
    const { addresses } = await banner(serving);
    const relayed = addresses.filter((a) => a.includes('/p2p-circuit/p2p/'));
    assert.ok(relayed.length > 0);
    const sig = await run(['remote', relayed[0]!, '--snapshot', caller, 'sign', '--client', 'wallet', '--key', 'keys/k0', '--message-hex', '00']);
    assert.equal(sig.code, 0, sig.stderr);
    assert.match(sig.stdout, /^[0-9a-f]{128}\n$/);
    serving.kill('SIGTERM');
    relaying.kill('SIGTERM');
    assert.equal(await exited(serving), 0);
    assert.equal(await exited(relaying), 0);
  });
});
