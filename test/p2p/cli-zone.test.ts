/**
 * `stronghold serve` (by default, `--zone auto`): peers' long chains run in a pool of secure zones, `--timeout-ms`
 * stops a chain past it (Timeout, nothing it wrote is saved) while signing keeps working; the cost flags reach the server
 * (`--max-kdf-iterations`), and a bad `--zone` is a usage error. The CLI runs from source (tsx), on loopback.
 */
import { jsonBanner } from '../cli/harness.js';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run, serverAndCaller, start, stopAll } from './source-cli.js';

const pbkdf2 = (count: number, record: string) => JSON.stringify([
  { type: 'WriteVault', data: '01', location: { vault: 'scratch', record: `${record}-written` } },
  { type: 'Pbkdf2Hmac', hashType: 'sha512', password: '01', salt: '02', count, output: { vault: 'scratch', record } },
]);
const sign = JSON.stringify([{ type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k0' }, msg: '68656c6c6f' }]);

describe('serve with a zone pool', { timeout: 90_000 }, () => {
  let dir: string;
  let server: string;
  let caller: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stronghold-p2p-zone-'));
    let callerId: string;
    ({ server, caller, callerId } = await serverAndCaller(dir));
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ default: 'deny', peers: { [callerId]: { clients: { wallet: { vaults: { keys: ['use'], scratch: ['write', 'list'] } } } } } }));
  });

  after(async () => {
    stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  test('a chain past --timeout-ms gets Timeout and saves nothing; signing goes on', async () => {
    // The default (--zone auto): the signature runs inline, the PBKDF2 in a zone of the pool.
    const serving = start(['serve', server, '--timeout-ms', '2000', '--max-kdf-iterations', '2147483647', '--firewall', join(dir, 'rules.json'), '--json']);
    const { addresses } = await jsonBanner<{ addresses: string[] }>(serving);
    const addr = addresses[0]!;
    const [slow, signed] = await Promise.all([
      run(['remote', addr, '--snapshot', caller, 'run', '--client', 'wallet'], pbkdf2(0x7fff_ffff, 'slow')),
      run(['remote', addr, '--snapshot', caller, 'run', '--client', 'wallet', '--json'], sign),
    ]);
    assert.notEqual(slow.code, 0);
    assert.match(slow.stderr, /Timeout/);
    assert.equal(signed.code, 0, signed.stderr);
    const quick = await run(['remote', addr, '--snapshot', caller, 'run', '--client', 'wallet'], pbkdf2(1000, 'quick'));
    assert.equal(quick.code, 0, quick.stderr);
    serving.kill('SIGTERM');
    await new Promise((resolve) => serving.on('exit', resolve));
    const ls = await run(['ls', server, '--client', 'wallet', '--json']);
    // The scratch vault holds what the quick chain wrote (a 1-byte record and the derived key); the slow chain's
    // 1-byte record was never merged, so it is not there.
    const vaults = (JSON.parse(ls.stdout) as { clients: { vaults: { records: { kind: string; length: number }[] }[] }[] }).clients[0]!.vaults;
    const kinds = vaults.map((v) => v.records.map((r) => `${r.kind}:${r.length}`).sort().join(',')).sort();
    assert.deepEqual(kinds, ['derived:64,unknown:1', 'ed25519:32']);
  });

  test('default limits refuse a huge PBKDF2 count by name; a bad --zone is a usage error', async () => {
    const serving = start(['serve', server, '--zone', 'process', '--zone-pool', '1', '--firewall', join(dir, 'rules.json'), '--json']);
    const { addresses } = await jsonBanner<{ addresses: string[] }>(serving);
    const refused = await run(['remote', addresses[0]!, '--snapshot', caller, 'run', '--client', 'wallet'], pbkdf2(0x7fff_ffff, 'huge'));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /LimitExceeded: .*maxKdfIterations/);
    serving.kill('SIGTERM');
    await new Promise((resolve) => serving.on('exit', resolve));
    const bad = await run(['serve', server, '--zone', 'thread']);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /--zone must be one of auto, process, inline/);
    const inlinePool = await run(['serve', server, '--zone', 'inline', '--zone-pool', '2']);
    assert.equal(inlinePool.code, 1, inlinePool.stderr);
    assert.match(inlinePool.stderr, /--zone-pool needs --zone auto or process/);
  });
});
