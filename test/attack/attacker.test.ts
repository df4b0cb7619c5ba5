/**
 * The searching attacker (attacker.ts) at every door: inline, in the secure zone, and over a loopback p2p
 * firewall whose rule gives the peer only `use` on the planted vault and `write` on a scratch vault. Then the
 * chains that lifted keys out before record kinds, as regression tests at each door, the command line included.
 * The number of chains grows with STRONGHOLD_ATTACK_RUNS (`npm run fuzz -- attack` runs it for hours).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Stronghold } from '../../src/client/stronghold.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { Location } from '../../src/engine/location.js';
import { peerIdOf, remote, serve } from '../../src/p2p/index.js';
import { parseChain } from '../../src/procedures/json.js';
import { cli, requireBuiltBin } from '../cli/helpers.js';
import { optionsFor } from '../runners.js';
import { attack, bytesIn, episode, findLeak, plant, type Door } from './attacker.js';

const RUNS = Number(process.env.STRONGHOLD_ATTACK_RUNS ?? 1);
/** Added to each search's seed: `npm run fuzz -- --target attack` moves it round after round. */
const SEED_OFFSET = Number(process.env.STRONGHOLD_ATTACK_SEED ?? 0);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Counted {
  chains: number;
  steps: number;
}

async function search(door: Door, sh: Stronghold, episodes: number, seed: number, counted: Counted, planted?: Awaited<ReturnType<typeof plant>>): Promise<void> {
  const p = planted ?? await plant(sh, sh.getClient('c'));
  await fc.assert(fc.asyncProperty(episode, async (chains) => {
    counted.chains += chains.length;
    counted.steps += chains.reduce((n, c) => n + c.length, 0);
    const found = await attack(door, p, chains);
    assert.equal(found, null, found ? `${found.leak} after ${JSON.stringify(found.chain)}` : '');
  }), { numRuns: episodes * RUNS, seed: seed + SEED_OFFSET, endOnFailure: true });
}

const localDoor = (sh: Stronghold): Door => (json) => sh.getClient('c').executeChain(parseChain(json));

describe('the searching attacker', { timeout: 600_000 }, () => {
  test('the search finds a planted secret when one is given back (it can fail)', async () => {
    const sh = Stronghold.create();
    const planted = await plant(sh, sh.createClient('c'));
    const pad = randomBytes(32);
    const ed = planted.secrets[0]!;
    assert.match(findLeak(planted, [Uint8Array.from(ed)], []) ?? '', /byte window/);
    assert.match(findLeak(planted, [ed.map((b, i) => b ^ pad[i]!)], [pad]) ?? '', /byte window/);
    assert.match(findLeak(planted, [Uint8Array.from(ed).reverse()], []) ?? '', /byte window/);
    assert.match(findLeak(planted, [Uint8Array.from([...ed.subarray(16), ...randomBytes(16)])], []) ?? '', /byte window/);
    assert.equal(findLeak(planted, [nativeProvider.ed25519PublicKey(ed)], []), null, 'a public key is not a leak');
    assert.deepEqual(bytesIn({ message: `x ${hex(ed)} y` }), [ed]);
  });

  test('inline: thousands of chains find nothing', async (t) => {
    const counted = { chains: 0, steps: 0 };
    const sh = Stronghold.create();
    sh.createClient('c');
    await search(localDoor(sh), sh, 2500, 0x5eed, counted);
    t.diagnostic(`inline: ${counted.chains} chains, ${counted.steps} steps`);
    assert.ok(counted.chains >= 2500);
  });

  test('in the secure zone: the same search finds nothing', async (t) => {
    const counted = { chains: 0, steps: 0 };
    const sh = Stronghold.create(optionsFor('process'));
    try {
      sh.createClient('c');
      await search(localDoor(sh), sh, 250, 0x20e, counted);
    } finally {
      await sh.close();
    }
    t.diagnostic(`zone: ${counted.chains} chains, ${counted.steps} steps`);
  });

  test('over p2p, as a peer with use on the planted vault and write on a scratch vault: nothing', async (t) => {
    const counted = { chains: 0, steps: 0 };
    const server = Stronghold.create();
    const planted = await plant(server, server.createClient('c'));
    const caller = Stronghold.create();
    const rule = { clients: { c: { vaults: { keys: ['use' as const], s: ['use' as const, 'write' as const, 'revoke' as const] } } } };
    const srv = await serve(server, { listen: ['/ip4/127.0.0.1/tcp/0'], firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [await peerIdOf(caller)]: rule } } } });
    const r = await remote(caller, srv.addresses()[0]!.toString());
    try {
      const client = r.client('c');
      await search((json) => client.json.executeChain(json), server, 150, 0x929, counted, planted);
    } finally {
      await r.close();
      await srv.stop();
    }
    t.diagnostic(`p2p: ${counted.chains} chains, ${counted.steps} steps`);
  });
});

// The chains of the issue that lifted keys out before record kinds. Each must be refused and leave nothing behind.
const PAD = { vault: 's', record: 'pad' };
const KEY = { vault: 'keys', record: 'k' };
const SEED = { vault: 'keys', record: 'seed' };
export const REGRESSIONS: { name: string; setup: Record<string, unknown>[]; chain: Record<string, unknown>[]; field: string }[] = [
  {
    name: 'ConcatSecret of a zero pad and a key, then Slip10Derive with an empty chain',
    setup: [{ type: 'GenerateKey', keyType: 'ed25519', output: KEY }],
    chain: [
      { type: 'WriteVault', data: '00'.repeat(32), location: PAD },
      { type: 'ConcatSecret', locationA: PAD, locationB: KEY, output: { vault: 's', record: 'j' } },
      { type: 'Slip10Derive', curve: 'ed25519', chain: ["0'"], input: { key: { vault: 's', record: 'j' } }, output: { vault: 's', record: 'o' } },
    ],
    field: 'locationB',
  },
  {
    name: 'Slip10Derive in key mode on a BIP-39 seed',
    setup: [{ type: 'BIP39Generate', output: SEED }],
    chain: [{ type: 'Slip10Derive', curve: 'secp256k1', chain: [0], input: { key: SEED }, output: { vault: 's', record: 'o' } }],
    field: 'input.key',
  },
  {
    name: 'FrostShareExport of a key wrapped in bytes shaped like a share record',
    setup: [{ type: 'GenerateKey', keyType: 'x25519', output: KEY }],
    chain: [
      { type: 'WriteVault', data: '01020301' + '00'.repeat(60), location: PAD },
      { type: 'ConcatSecret', locationA: PAD, locationB: KEY, output: { vault: 's', record: 'fake-share' } },
      { type: 'FrostShareExport', share: { vault: 's', record: 'fake-share' } },
    ],
    field: 'locationB',
  },
  {
    name: 'FrostShareExport of a record that is not a FROST share',
    setup: [{ type: 'GenerateKey', keyType: 'ed25519', output: KEY }],
    chain: [{ type: 'FrostShareExport', share: KEY }],
    field: 'share',
  },
];

for (const zone of ['inline', 'process'] as const) {
  describe(`the issue's extraction chains are refused (${zone})`, { timeout: 60_000 }, () => {
    for (const r of REGRESSIONS) {
      test(r.name, async () => {
        const sh = Stronghold.create(optionsFor(zone));
        try {
          const c = sh.createClient('c');
          await c.executeChain(parseChain(r.setup));
          const before = c.listRecords('keys').map((x) => x.id);
          await assert.rejects(c.executeChain(parseChain(r.chain)), (e: any) => {
            assert.equal(e.code, 'PolicyViolation');
            assert.equal(e.details.field, r.field);
            assert.ok(Array.isArray(e.details.accepted) && typeof e.details.kind === 'string', 'names the kind it got and the kinds it accepts');
            return true;
          });
          assert.equal(c.vaultExists('s') ? c.listRecords('s').length : 0, 0, 'the chain rolled back');
          assert.deepEqual(c.listRecords('keys').map((x) => x.id), before);
          assert.equal(c.recordExists(Location.generic('s', 'o')), false);
        } finally {
          await sh.close();
        }
      });
    }
  });
}

for (const zone of ['inline', 'process'] as const) {
  test(`a FROST participant's X25519 key is no DiffieHellman oracle, and a key that is one opens no FROST message (${zone})`, { timeout: 60_000 }, async () => {
    // A sealed share, DKG share or repair message opens with X25519(key, its ephemeral key), Hkdf and AeadDecrypt,
    // all from public bytes: the key that opens them must not be usable by X25519DiffieHellman.
    const sh = Stronghold.create(optionsFor(zone));
    try {
      const c = sh.createClient('c');
      const PLAIN = { vault: 'keys', record: 'plain' };
      const BASE_POINT = '58' + '66'.repeat(31);
      const allowed = ['PublicKey', 'FrostShareImport', 'FrostDkgRound3', 'FrostRepairStep2', 'FrostRepairStep3'];
      await c.executeChain(parseChain([{ type: 'GenerateKey', keyType: 'x25519', output: KEY, policy: { allowed } }, { type: 'GenerateKey', keyType: 'x25519', output: PLAIN }]));
      const epk = hex(nativeProvider.x25519PublicKey(randomBytes(32)));
      await assert.rejects(c.executeChain(parseChain([{ type: 'X25519DiffieHellman', privateKey: KEY, publicKey: epk, sharedKey: { vault: 's', record: 'dh' } }])),
        (e: any) => e.code === 'PolicyViolation' && e.details.field === 'privateKey');
      const sealed = (n: number): { from: number; sealed: string }[] => [1, 2].map((from) => ({ from, sealed: '00'.repeat(n) }));
      for (const step of [
        { type: 'FrostShareImport', sealed: '00'.repeat(300), key: PLAIN, output: { vault: 's', record: 'o' } },
        { type: 'FrostRepairStep2', key: PLAIN, identifier: 3, participants: 3, commitments: [BASE_POINT, BASE_POINT], helpers: [1, 3], for: 2, deltas: [1, 3].map((from) => ({ from, sealed: '00'.repeat(264) })) },
        { type: 'FrostRepairStep3', key: PLAIN, participants: 3, commitments: [BASE_POINT, BASE_POINT], helpers: [1, 2], for: 3, sigmas: sealed(200), output: { vault: 's', record: 'o' } },
      ]) {
        await assert.rejects(c.executeChain(parseChain([step])), (e: any) => e.code === 'PolicyViolation' && e.details.field === 'key', step.type);
      }
      assert.equal(c.vaultExists('s') ? c.listRecords('s').length : 0, 0, 'nothing stored');
    } finally {
      await sh.close();
    }
  });
}

test('Slip10Derive refuses an empty chain in both modes, before anything is opened', () => {
  for (const input of [{ seed: SEED }, { key: KEY }]) {
    assert.throws(() => parseChain([{ type: 'Slip10Derive', curve: 'ed25519', chain: [], input, output: PAD }]), (e: any) => e.code === 'InvalidArgument' && e.details.field === '[0].chain');
  }
});

test('over p2p, through a rule with use on keys and write on a scratch vault, the extraction chains are refused', { timeout: 60_000 }, async () => {
  const server = Stronghold.create();
  const c = server.createClient('c');
  const caller = Stronghold.create();
  const rule = { clients: { c: { vaults: { keys: ['use' as const], s: ['use' as const, 'write' as const] } } } };
  const srv = await serve(server, { listen: ['/ip4/127.0.0.1/tcp/0'], firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [await peerIdOf(caller)]: rule } } } });
  const r = await remote(caller, srv.addresses()[0]!.toString());
  try {
    for (const reg of REGRESSIONS) {
      await c.executeChain(parseChain(reg.setup));
      await assert.rejects(r.client('c').json.executeChain(reg.chain), (e: any) => e.code === 'PolicyViolation', reg.name);
      assert.equal(c.vaultExists('s') ? c.listRecords('s').length : 0, 0, reg.name);
      for (const loc of [KEY, SEED]) if (c.recordExists(Location.from(loc))) c.deleteSecret(Location.from(loc));
    }
  } finally {
    await r.close();
    await srv.stop();
  }
});

test('through the command line, as a new user would type it: the issue\'s chain is refused and the file is unchanged', { timeout: 60_000 }, async () => {
  requireBuiltBin();
  const dir = await mkdtemp(join(tmpdir(), 'attack-cli-'));
  try {
    const snap = join(dir, 'x.stronghold');
    const env = { STRONGHOLD_PASSWORD: 'pw' };
    assert.equal((await cli(['init', snap, '--work-factor', '0'], { env })).code, 0);
    assert.equal((await cli(['key', 'generate', snap, '--client', 'c', '--key', 'keys/k', '--type', 'ed25519'], { env })).code, 0);
    const before = await readFile(snap);
    for (const r of REGRESSIONS.filter((x) => x.setup[0]!.type === 'GenerateKey' && (x.setup[0] as { keyType: string }).keyType === 'ed25519')) {
      const run = await cli(['run', snap, '--client', 'c', '--json', '--save'], { env, stdin: JSON.stringify(r.chain) });
      assert.equal(run.code, 5, `${r.name}: ${run.stderr}`);
      assert.match(run.stderr, /PolicyViolation/);
      assert.deepEqual(await readFile(snap), before, 'nothing was saved');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
