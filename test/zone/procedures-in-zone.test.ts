/**
 * Both modes pass the whole procedure suite: test/procedures runs unchanged with every chain in the zone
 * (process-mode.ts swaps in zone-harness.ts), and the Stronghold front door runs procedures in the zone with
 * `runner: processZone()`, chains and rollback included.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { bip39Generate } from '../../src/procedures/bip39-generate.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { slip10Generate } from '../../src/procedures/slip10-generate.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { optionsFor } from '../runners.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const at = (record: string, vault = 'v'): Location => Location.generic(vault, record);

describe('procedure suite in process mode', () => {
  test('every test of test/procedures passes with chains run in the zone', () => {
    const files = readdirSync(new URL('../procedures/', import.meta.url)).filter((f) => f.endsWith('.test.ts')).map((f) => `test/procedures/${f}`);
    // Without NODE_TEST_CONTEXT the child is a test run of its own, reporting TAP rather than to this runner.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/zone/process-mode.ts', '--test', '--test-reporter=tap', ...files], {
      cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    });
    const pass = Number(new RegExp(`^# pass (\\d+)$`, 'm').exec(r.stdout)?.[1]);
    const fail = Number(new RegExp(`^# fail (\\d+)$`, 'm').exec(r.stdout)?.[1]);
    assert.equal(r.status, 0, r.stdout.split('\n').filter((l) => l.startsWith('not ok') || l.includes('code:')).slice(0, 20).join('\n'));
    assert.equal(fail, 0);
    assert.ok(pass > 100, `${pass} tests passed`);
    // The swap really happened: the zone harness runs only the native provider's round of each suite.
    assert.match(r.stdout, /\(native\)/);
    assert.doesNotMatch(r.stdout, /\(noble\)/);
  });
});

describe('Stronghold.create({ runner: processZone() })', () => {
  test('procedures, chains and rollback behave as inline', async () => {
    for (const zone of ['inline', 'process'] as const) {
      const sh = Stronghold.create(optionsFor(zone));
      try {
        const client = sh.createClient('c');
        const [, chainCode, pub, sig] = await client.executeChain([
          slip10Generate({ output: at('seed') }),
          slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'"], input: { seed: at('seed') }, output: at('key') }),
          publicKey({ keyType: 'ed25519', privateKey: at('key') }),
          ed25519Sign({ privateKey: at('key'), msg: Uint8Array.of(1, 2, 3) }),
        ]);
        assert.equal((chainCode as Uint8Array).length, 32, zone);
        assert.ok(nativeProvider.ed25519Verify(pub as Uint8Array, Uint8Array.of(1, 2, 3), sig as Uint8Array), zone);
        const mnemonic = await client.execute(bip39Generate({ output: at('bip39') }));
        assert.ok(mnemonic instanceof Uint8Array && mnemonic.length > 0, zone);
        assert.ok(client.recordExists(at('bip39')), zone);

        // A failing step removes what the chain created and keeps what was there.
        await client.execute(writeVault({ data: new Uint8Array(32).fill(9), location: at('kept', 'w') }));
        const err = await client.executeChain([
          generateKey({ keyType: 'ed25519', output: at('created', 'w') }),
          ed25519Sign({ privateKey: at('missing', 'w'), msg: new Uint8Array(1) }),
        ]).then(() => null, (e: unknown) => e as { code: string; details: { step: number; procedure: string } });
        assert.equal(err?.code, 'RecordNotFound', zone);
        assert.equal(err?.details.step, 1, zone);
        assert.equal(client.recordExists(at('created', 'w')), false, zone);
        assert.equal(client.recordExists(at('kept', 'w')), true, zone);
        assert.deepEqual(client.listRecords('w').length, 1, zone);
      } finally {
        await sh.close();
      }
    }
  });

  test('close() stops the zone process', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const zones = (): number[] => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('zone/worker.js');
      } catch {
        return false;
      }
    });
    const before = zones();
    const sh = Stronghold.create(optionsFor('process'));
    await sh.createClient('c').execute(generateKey({ keyType: 'ed25519', output: at('k') }));
    const started = zones().filter((pid) => !before.includes(pid));
    assert.equal(started.length, 1, 'one zone process for the Stronghold');
    await sh.close();
    assert.ok(!zones().includes(started[0]!), 'the zone exited');
  });

  test('a runner this package did not make is refused: it would be handed every secret', () => {
    const own = { run: async () => [] };
    assert.throws(() => Stronghold.create({ runner: own as never }), (e: { code?: string; details?: { field?: string } }) => e.code === 'InvalidArgument' && e.details?.field === 'runner');
  });
});
