/**
 * End-to-end tests of the `stronghold` bin: the built dist/cli/main.js runs as a child process. The truth is
 * independent of the CLI: the IOTA SDK fixture README (addresses), node:crypto (signatures, HMAC), and the
 * files on disk (unchanged after a failure). Every exit status of the table is produced here.
 * Only two runs pay work factor 19 (the check_existing_4 fixture, and `init` with its default); every other file uses 0.
 */
import { bech32 } from '@scure/base';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, createPublicKey, ECDH, verify } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES_DIR, IOTA_FIXTURES, type AddressCheck } from '../iota-sdk-fixtures.js';
import { BIN, cli, errorCode, json, requireBuiltBin, ROOT, run, sha256File, type Run } from './helpers.js';

const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const SECP256K1_SPKI = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');
const PW = { STRONGHOLD_PASSWORD: 'correct horse battery staple' };
const SDK = ['--client', 'iota_seed', '--vault', 'iota-wallet-secret', '--record', 'iota-wallet-seed'];

let dir: string;
/** A path in the test's temporary folder. */
const tmp = (name: string): string => join(dir, name);

let copies = 0;
/** A fresh copy of a fixture file in the temporary folder (fixtures are never written). */
async function fixtureCopy(file: string): Promise<string> {
  const to = tmp(`fixtures-${copies++}/${file}`);
  await mkdir(dirname(to), { recursive: true });
  await copyFile(join(FIXTURES_DIR, file), to);
  return to;
}

/** A new empty snapshot with work factor 0. */
async function newSnapshot(name: string, env: Record<string, string> = PW): Promise<string> {
  const path = tmp(name);
  const r = await cli(['init', path, '--work-factor', '0', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(json(r), { path, version: 3, workFactor: 0 });
  assert.equal(r.stderr, '', 'no spinner or remark on stderr when it is not a terminal');
  return path;
}

function assertExit(r: Run, code: number, errCode?: string): void {
  assert.equal(r.code, code, `exit ${r.code}, stderr: ${r.stderr}`);
  if (errCode !== undefined) assert.equal(errorCode(r), errCode, r.stderr);
  if (code !== 0) assert.match(r.stderr, /^stronghold: error: [A-Za-z]+: .+$/m);
}

function ed25519Verifies(pubHex: string, msg: Uint8Array, sigHex: string): boolean {
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI, Buffer.from(pubHex, 'hex')]), format: 'der', type: 'spki' });
  return verify(null, msg, key, Buffer.from(sigHex, 'hex'));
}

before(async () => {
  requireBuiltBin();
  dir = await mkdtemp(join(tmpdir(), 'stronghold-cli-test-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The suites use separate files and run side by side (each suite's tests in order): most of the time is process start-up.
describe('the stronghold bin', { concurrency: 4 }, () => {
  describe('help and usage', () => {
    test('--help lists every command and the exit status table; no arguments is a usage error', async () => {
      const r = await cli(['--help']);
      assertExit(r, 0);
      for (const c of ['init', 'info', 'ls', 'mnemonic generate', 'mnemonic recover', 'key generate', 'derive', 'pubkey', 'sign', 'address', 'run',
        'store get', 'store set', 'store rm', 'store ls', 'passwd', 'backup', 'migrate', 'demo', 'record rm', 'verify', 'completion']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'), c);
      for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 10]) assert.match(r.stdout, new RegExp(`^  ${code} +\\S`, 'm'));
      const none = await cli([]);
      assertExit(none, 1, 'Usage');
      assert.equal(none.stdout, '', 'usage on stderr when no command is given');
    });

    test('usage errors exit 1: unknown flag, odd hex, bad path, empty range, missing argument; the snapshot is unchanged', async () => {
      const snap = await newSnapshot('usage.stronghold');
      // The full table of usage errors runs in process (dispatch.test.ts); these go through the bin.
      const cases: string[][] = [
        ['ls', snap, '--bogus'],
        ['sign', snap, '--client', 'c', '--key', 'v/r', '--message-hex', 'abc'],
        ['sign', snap, '--client', 'c', '--key', 'no-slash', '--message-hex', '00'],
        ['address', snap, '--coin-type', '4219', '--range', '5..2'],
        ['init', tmp('x.stronghold'), '--work-factor', '99'],
        ['ls'],
      ];
      const before = await sha256File(snap);
      await Promise.all(cases.map(async (args) => {
        const r = await cli([...args, '--json'], { env: PW });
        assertExit(r, 1);
        assert.equal(json<{ error: { exitCode: number } }>(r).error.exitCode, 1, args.join(' '));
      }));
      assert.equal(await sha256File(snap), before);
      await assert.rejects(stat(tmp('x.stronghold')));
    });

    test('a password is never taken from the command line, and its value is not echoed', async () => {
      const snap = await newSnapshot('argv.stronghold');
      for (const flag of [['--password', 'hunter2-secret'], ['--password=hunter2-secret'], ['--new-password', 'hunter2-secret']]) {
        const r = await cli(['ls', snap, ...flag]);
        assertExit(r, 1, 'Usage');
        assert.doesNotMatch(r.stderr + r.stdout, /hunter2/);
      }
      // Without any password source and without a terminal: a usage error naming the sources.
      const r = await cli(['ls', snap]);
      assertExit(r, 1, 'Usage');
      assert.match(r.stderr, /STRONGHOLD_PASSWORD/);
    });
  });

  describe('address: the IOTA SDK fixtures give the README addresses', { concurrency: true }, () => {
    /** One run per (file, coin, account, change, hrp), covering every index the README asserts. */
    const groups = new Map<string, { file: string; password: string; a: AddressCheck; checks: AddressCheck[] }>();
    // Work factor 19 costs ~1.5 s and 512 MiB per open: of the two wf-19 fixtures, only check_existing_4 runs here.
    for (const f of IOTA_FIXTURES.filter((x) => x.file !== 'already_v3.stronghold')) {
      for (const a of f.addresses) {
        const key = `${f.file}|${a.coin}|${a.account}|${a.internal}|${a.hrp}`;
        const g = groups.get(key) ?? { file: f.file, password: f.password, a, checks: [] };
        g.checks.push(a);
        groups.set(key, g);
      }
    }
    for (const g of groups.values()) {
      test(`${g.file}: coin ${g.a.coin}, account ${g.a.account}, ${g.a.internal ? 'internal' : 'external'}, hrp ${g.a.hrp}`, async () => {
        const path = await fixtureCopy(g.file);
        const end = Math.max(...g.checks.map((c) => c.index)) + 1;
        const args = ['address', path, '--coin-type', `${g.a.coin}`, '--account', `${g.a.account}`, '--range', `0..${end}`, '--json'];
        if (g.a.internal) args.push('--internal');
        if (g.a.hrp !== 'rms') args.push('--hrp', g.a.hrp);
        const before = await sha256File(path);
        const r = await cli(args, { env: { STRONGHOLD_PASSWORD: g.password } });
        assertExit(r, 0);
        const out = json<{ addresses: { index: number; address: string }[] }>(r);
        assert.deepEqual(out.addresses.map((x) => x.index), [...Array(end).keys()], 'end-exclusive range');
        for (const c of g.checks) assert.equal(out.addresses[c.index]!.address, c.address, `index ${c.index}`);
        assert.equal(await sha256File(path), before, 'address never writes the snapshot');
        assert.deepEqual((await readdir(dirname(path))).filter((n) => n.endsWith('.lock')), [], 'read-only: no lock file');
      });
    }

    test('no_secret_manager_data: the address hash of m/44\'/4218\'/0\'/0\'/0\' (human output, default layout)', async () => {
      const f = IOTA_FIXTURES.find((x) => x.addressHash)!;
      const path = await fixtureCopy(f.file);
      const r = await cli(['address', path, '--coin-type', `${f.addressHash!.coin}`], { env: { STRONGHOLD_PASSWORD: f.password } });
      assertExit(r, 0);
      const [index, bip32, addr] = r.stdout.trimEnd().split('\t');
      assert.equal(index, '0');
      assert.equal(bip32, "m/44'/4218'/0'/0'/0'");
      const words = bech32.decode(addr as `${string}1${string}`).words;
      assert.equal(Buffer.from(bech32.fromWords(words)).subarray(1).toString('hex'), f.addressHash!.hash);
    });
  });

  describe('mnemonic, derive, sign', () => {
    test('a recovered mnemonic signs a message whose signature verifies with node:crypto', async () => {
      const f = IOTA_FIXTURES[0]!;
      const snap = await newSnapshot('recover.stronghold');
      // Words from stdin with irregular whitespace and a trailing newline, as a file or a paste would have them.
      const words = `  ${f.mnemonic!.split(' ').join('  \t')}\r\n`;
      const rec = await cli(['mnemonic', 'recover', snap, ...SDK, '--json'], { env: PW, stdin: words });
      assertExit(rec, 0);
      assert.deepEqual(json(rec), { client: 'iota_seed', key: { vault: 'iota-wallet-secret', record: 'iota-wallet-seed' } });

      const addr = await cli(['address', snap, '--coin-type', '4219', '--json'], { env: PW });
      assert.equal(json<{ addresses: { address: string }[] }>(addr).addresses[0]!.address, f.addresses[0]!.address);

      const der = await cli(['derive', snap, '--client', 'iota_seed', '--key', 'iota-wallet-secret/iota-wallet-seed', '--to', 'keys/addr0',
        '--path', "m/44'/4219'/0'/0'/0'", '--json'], { env: PW });
      assertExit(der, 0);
      assert.match(json<{ chainCode: string }>(der).chainCode, /^[0-9a-f]{64}$/);

      const msg = Buffer.from('stronghold cli end-to-end');
      const sig = await cli(['sign', snap, '--client', 'iota_seed', '--key', 'keys/addr0', '--message-hex', msg.toString('hex'), '--json'], { env: PW });
      assertExit(sig, 0);
      const pub = await cli(['pubkey', snap, '--client', 'iota_seed', '--key', 'keys/addr0', '--type', 'ed25519'], { env: PW });
      assertExit(pub, 0);
      const pubHex = pub.stdout.trim();
      assert.equal(json<{ addresses: { publicKey: string }[] }>(addr).addresses[0]!.publicKey, pubHex, 'derive + pubkey = address key');
      const signature = json<{ signature: string }>(sig).signature;
      assert.ok(ed25519Verifies(pubHex, msg, signature));
      assert.ok(!ed25519Verifies(pubHex, Buffer.from('another message'), signature));

      // The same message from a file gives the same (deterministic) signature.
      await writeFile(tmp('msg.bin'), msg);
      const sig2 = await cli(['sign', snap, '--client', 'iota_seed', '--key', 'keys/addr0', '--message-file', tmp('msg.bin')], { env: PW });
      assert.equal(sig2.stdout.trim(), signature);

      // A second recover into the same record is refused unless --force; the file is unchanged.
      const before = await sha256File(snap);
      const again = await cli(['mnemonic', 'recover', snap, ...SDK], { env: PW, stdin: f.mnemonic! });
      assertExit(again, 5, 'AlreadyExists');
      assert.equal(await sha256File(snap), before);
    });

    test('an invalid mnemonic is refused without echoing a word, and nothing is stored', async () => {
      const snap = await newSnapshot('bad-words.stronghold');
      const before = await sha256File(snap);
      const r = await cli(['mnemonic', 'recover', snap, ...SDK], { env: PW, stdin: 'abandon abandon zzzsecretword abandon abandon abandon abandon abandon abandon abandon abandon about' });
      assertExit(r, 1, 'InvalidArgument');
      assert.doesNotMatch(r.stderr, /zzzsecretword/);
      assert.equal(await sha256File(snap), before);
    });

    test('mnemonic generate prints 24 words once; recovering them elsewhere gives the same addresses', async () => {
      const a = await newSnapshot('gen-a.stronghold');
      const b = await newSnapshot('gen-b.stronghold');
      const gen = await cli(['mnemonic', 'generate', a, ...SDK, '--json'], { env: PW });
      assertExit(gen, 0);
      const out = json<{ mnemonic: string; language: string }>(gen);
      assert.equal(out.mnemonic.split(' ').length, 24);
      assert.equal(out.language, 'english');
      const human = await cli(['mnemonic', 'generate', a, '--client', 'other', '--vault', 'v', '--record', 'r'], { env: PW });
      assertExit(human, 0);
      assert.equal(human.stdout.trimEnd().split(' ').length, 24, 'human output: only the words on stdout');
      assert.match(human.stderr, /not shown again/);

      assertExit(await cli(['mnemonic', 'recover', b, ...SDK], { env: PW, stdin: `${out.mnemonic}\n` }), 0);
      const addrA = await cli(['address', a, '--coin-type', '4218', '--range', '0..3', '--json'], { env: PW });
      const addrB = await cli(['address', b, '--coin-type', '4218', '--range', '0..3', '--json'], { env: PW });
      assert.deepEqual(json(addrA), json(addrB));
    });

    test('mnemonic generate with a passphrase file: the seed differs from the one without', async () => {
      const snap = await newSnapshot('pass.stronghold');
      await writeFile(tmp('passphrase.txt'), 'TREZOR\n');
      const gen = await cli(['mnemonic', 'generate', snap, ...SDK, '--passphrase-file', tmp('passphrase.txt'), '--json'], { env: PW });
      assertExit(gen, 0);
      const { mnemonic } = json<{ mnemonic: string }>(gen);
      const plain = await newSnapshot('nopass.stronghold');
      assertExit(await cli(['mnemonic', 'recover', plain, ...SDK], { env: PW, stdin: mnemonic }), 0);
      const withPass = await newSnapshot('withpass.stronghold');
      assertExit(await cli(['mnemonic', 'recover', withPass, ...SDK, '--passphrase-file', tmp('passphrase.txt')], { env: PW, stdin: mnemonic }), 0);
      const addr = async (p: string) => json<{ addresses: { address: string }[] }>(await cli(['address', p, '--coin-type', '4219', '--json'], { env: PW })).addresses[0]!.address;
      const [g, n, w] = [await addr(snap), await addr(plain), await addr(withPass)];
      assert.equal(g, w);
      assert.notEqual(g, n);
    });

    test('key generate secp256k1 and sign secp256k1-sha256: node:crypto verifies', async () => {
      const snap = await newSnapshot('secp.stronghold');
      const gen = await cli(['key', 'generate', snap, '--client', 'app', '--vault', 'keys', '--record', 'eth', '--type', 'secp256k1', '--json'], { env: PW });
      assertExit(gen, 0);
      const pub = json<{ publicKey: string }>(gen).publicKey;
      assert.match(pub, /^0[23][0-9a-f]{64}$/);
      const msg = Buffer.from('secp256k1 via the cli');
      const sig = await cli(['sign', snap, '--client', 'app', '--key', 'keys/eth', '--type', 'secp256k1-sha256', '--message-hex', msg.toString('hex')], { env: PW });
      assertExit(sig, 0);
      const rsv = Buffer.from(sig.stdout.trim(), 'hex');
      assert.equal(rsv.length, 65);
      const uncompressed = ECDH.convertKey(pub, 'secp256k1', 'hex', undefined, 'uncompressed') as Buffer;
      const key = createPublicKey({ key: Buffer.concat([SECP256K1_SPKI, uncompressed]), format: 'der', type: 'spki' });
      assert.ok(verify('sha256', msg, { key, dsaEncoding: 'ieee-p1363' }, rsv.subarray(0, 64)));
      const again = await cli(['pubkey', snap, '--client', 'app', '--key', 'keys/eth', '--type', 'secp256k1'], { env: PW });
      assert.equal(again.stdout.trim(), pub);
    });
  });

  describe('run, store, ls, info', () => {
    const SECRET = '5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2';
    const chain = JSON.stringify([
      { type: 'WriteVault', data: SECRET, location: { vault: 'mac', record: 'key' } },
      { type: 'Hmac', hashType: 'sha256', msg: '68656c6c6f', key: { vault: 'mac', record: 'key' } },
    ]);

    test('run executes a chain (HMAC checked with node:crypto); without --save nothing is written', async () => {
      const snap = await newSnapshot('run.stronghold');
      const before = await sha256File(snap);
      const dry = await cli(['run', snap, '--client', 'app', '--json'], { env: PW, stdin: chain });
      assertExit(dry, 0);
      const expected = createHmac('sha256', Buffer.from(SECRET, 'hex')).update('hello').digest('hex');
      assert.deepEqual(json(dry), { results: [{ type: 'WriteVault', result: null }, { type: 'Hmac', result: expected }], saved: false });
      assert.equal(await sha256File(snap), before);
      assertExit(await cli(['ls', snap, '--client', 'app'], { env: PW }), 3, 'ClientNotFound');

      await writeFile(tmp('chain.json'), chain);
      const saved = await cli(['run', snap, '--client', 'app', '--save', '--file', tmp('chain.json')], { env: PW });
      assertExit(saved, 0);
      assert.match(saved.stdout, new RegExp(`\\[1\\] Hmac: "${expected}"`));
      const ls = await cli(['ls', snap, '--client', 'app', '--json'], { env: PW });
      assertExit(ls, 0);
      const listed = json<{ clients: { name: string; vaults: { records: { length: number; policyText: string }[] }[] }[] }>(ls);
      assert.equal(listed.clients[0]!.name, 'app');
      assert.equal(listed.clients[0]!.vaults[0]!.records[0]!.length, 32);
      for (const r of [ls, await cli(['ls', snap], { env: PW }), await cli(['info', snap, '--json'], { env: PW })]) {
        assert.ok(!r.stdout.includes(SECRET) && !r.stdout.includes(Buffer.from(SECRET, 'hex').toString('latin1')), 'ls/info never show a secret');
      }
    });

    test('run: invalid JSON and unknown procedures are usage errors that quote nothing; a policy refusal exits 5', async () => {
      const snap = await newSnapshot('run-bad.stronghold');
      const bad = await cli(['run', snap, '--client', 'app'], { env: PW, stdin: '[{"type": "BIP39Recover", "mnemonic": "zzzsecretword' });
      assertExit(bad, 1, 'InvalidArgument');
      assert.doesNotMatch(bad.stderr, /zzzsecretword/);
      assertExit(await cli(['run', snap, '--client', 'app'], { env: PW, stdin: '[{"type": "Frobnicate"}]' }), 1, 'UnknownProcedure');

      const policy = JSON.stringify([
        { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'k', record: 'pk-only' }, policy: { allowed: ['PublicKey'] } },
      ]);
      assertExit(await cli(['run', snap, '--client', 'app', '--save'], { env: PW, stdin: policy }), 0);
      const before = await sha256File(snap);
      const refused = await cli(['sign', snap, '--client', 'app', '--key', 'k/pk-only', '--message-hex', '00', '--json'], { env: PW });
      assertExit(refused, 5, 'PolicyViolation');
      assert.equal(json<{ error: { code: string; details: { policy: string } } }>(refused).error.details.policy, 'non-exportable, allowed: PublicKey');
      assert.equal(await sha256File(snap), before);
    });

    test('store set, get, ls, rm; a missing key exits 3', async () => {
      const snap = await newSnapshot('store.stronghold');
      assertExit(await cli(['store', 'set', snap, '--client', 'app', 'greeting', 'hello world'], { env: PW }), 0);
      assertExit(await cli(['store', 'set', snap, '--client', 'app', 'raw', '--value-hex', '00ff10'], { env: PW }), 0);
      assertExit(await cli(['store', 'set', snap, '--client', 'app', 'session', 'x', '--ttl', '10m'], { env: PW }), 0);
      const get = await cli(['store', 'get', snap, '--client', 'app', 'greeting'], { env: PW });
      assert.equal(get.stdout, 'hello world');
      const raw = await cli(['store', 'get', snap, '--client', 'app', 'raw'], { env: PW });
      assert.deepEqual([...raw.raw], [0x00, 0xff, 0x10]);
      assert.deepEqual(json(await cli(['store', 'get', snap, '--client', 'app', 'raw', '--json'], { env: PW })), { client: 'app', key: 'raw', value: '00ff10' });
      const ls = json<{ keys: { text: string }[] }>(await cli(['store', 'ls', snap, '--client', 'app', '--json'], { env: PW }));
      assert.deepEqual(ls.keys.map((k) => k.text), ['greeting', 'raw', 'session']);
      assertExit(await cli(['store', 'rm', snap, '--client', 'app', 'greeting'], { env: PW }), 0);
      const before = await sha256File(snap);
      assertExit(await cli(['store', 'get', snap, '--client', 'app', 'greeting'], { env: PW }), 3, 'KeyNotFound');
      assertExit(await cli(['store', 'rm', snap, '--client', 'app', 'greeting'], { env: PW }), 3, 'KeyNotFound');
      assert.equal(await sha256File(snap), before);
      const info = json<{ clients: { storeKeys: number }[] }>(await cli(['info', snap, '--json'], { env: PW }));
      assert.equal(info.clients[0]!.storeKeys, 2);
    });

    test('info: the header without a password; clients, vaults and counts with it', async () => {
      const f = await fixtureCopy('chrysalis-backup-work-factor-0.stronghold');
      const bare = await cli(['info', f, '--json']);
      assertExit(bare, 0);
      assert.deepEqual(json(bare), { path: f, version: 3, workFactor: 0, bytes: 4541 });
      const v2 = json(await cli(['info', await fixtureCopy('v2.stronghold'), '--json']));
      assert.equal(v2.version, 2);
      assert.equal(v2.workFactor, null);
      // A work-factor-19 header is read without deriving anything.
      assert.equal(json(await cli(['info', join(FIXTURES_DIR, 'check_existing_4_db_test/walletstronghold'), '--json'])).workFactor, 19);
      const full = await cli(['info', f, '--json'], { env: { STRONGHOLD_PASSWORD: 'password' } });
      const clients = json<{ clients: { id: string; vaults: { records: number }[]; storeKeys: number }[] }>(full).clients;
      assert.deepEqual(clients.map((c) => [c.id, c.vaults.map((v) => v.records), c.storeKeys]).sort(), [
        ['4d6d354cd2fc52effbb5741cbe206da77024f8b3c3594f82', [1], 0],
        ['52ccd1d7e86523610b5534f05097d3b7c771ffbaeac7e7c9', [], 7],
      ]);
    });
  });

  describe('passwords, backup, migrate', () => {
    test('passwd: the old password stops working, the new one opens the same contents', async () => {
      const snap = await newSnapshot('passwd.stronghold');
      assertExit(await cli(['store', 'set', snap, '--client', 'app', 'k', 'v'], { env: PW }), 0);
      await writeFile(tmp('new-pw'), 'a new password\n');
      const changed = await cli(['passwd', snap, '--new-password-file', tmp('new-pw'), '--json'], { env: PW });
      assertExit(changed, 0);
      assert.deepEqual(json(changed), { path: snap, version: 3, workFactor: 0 });
      assertExit(await cli(['store', 'get', snap, '--client', 'app', 'k'], { env: PW }), 2, 'WrongPassword');
      await writeFile(tmp('pw'), 'a new password');
      const r = await cli(['store', 'get', snap, '--client', 'app', 'k', '--password-file', tmp('pw')]);
      assertExit(r, 0);
      assert.equal(r.stdout, 'v');
      assert.equal(json(await cli(['info', snap, '--json'])).workFactor, 0, 'passwd keeps the work factor');
    });

    test('backup writes a copy under another password and leaves the source unchanged; never over a file without --force', async () => {
      const snap = await newSnapshot('backup-src.stronghold');
      assertExit(await cli(['store', 'set', snap, '--client', 'app', 'k', 'v'], { env: PW }), 0);
      const before = await sha256File(snap);
      const copy = tmp('backup-copy.stronghold');
      const env = { ...PW, STRONGHOLD_NEW_PASSWORD: 'backup password' };
      const made = await cli(['backup', snap, copy, '--json'], { env });
      assertExit(made, 0);
      assert.deepEqual(json(made), { path: snap, copy, version: 3, workFactor: 0 });
      assert.equal(await sha256File(snap), before);
      assert.equal((await cli(['store', 'get', copy, '--client', 'app', 'k'], { env: { STRONGHOLD_PASSWORD: 'backup password' } })).stdout, 'v');
      const copyBefore = await sha256File(copy);
      assertExit(await cli(['backup', snap, copy], { env }), 5, 'AlreadyExists');
      assert.equal(await sha256File(copy), copyBefore);
      assertExit(await cli(['backup', snap, copy, '--force'], { env }), 0);
      assertExit(await cli(['backup', snap, snap], { env }), 1, 'SamePath');
    });

    test('migrate: a v2 fixture becomes a v3 file whose address is the README\'s', async () => {
      const f = IOTA_FIXTURES.find((x) => x.file === 'check_existing_db_test/strongholdfile')!;
      const src = await fixtureCopy(f.file);
      const before = await sha256File(src);
      const target = tmp('migrated.stronghold');
      const r = await cli(['migrate', src, target, '--work-factor', '0', '--json'], { env: { STRONGHOLD_PASSWORD: f.password, STRONGHOLD_NEW_PASSWORD: 'migrated' } });
      assertExit(r, 0);
      assert.deepEqual(json(r), { source: src, target, fromVersion: 2, version: 3, workFactor: 0 });
      assert.equal(await sha256File(src), before);
      const addr = await cli(['address', target, '--coin-type', '4219', '--range', '0..2', '--json'], { env: { STRONGHOLD_PASSWORD: 'migrated' } });
      const list = json<{ addresses: { address: string }[] }>(addr).addresses.map((a) => a.address);
      assert.deepEqual(list, [f.addresses[0]!.address, f.addresses[2]!.address]);
      // A wrong salt gives a wrong key: refused as a wrong password, nothing written.
      const wrong = await cli(['migrate', src, tmp('migrated-2.stronghold'), '--salt', 'not-wallet.rs', '--work-factor', '0'],
        { env: { STRONGHOLD_PASSWORD: f.password, STRONGHOLD_NEW_PASSWORD: 'x' } });
      assertExit(wrong, 2, 'WrongPassword');
      await assert.rejects(stat(tmp('migrated-2.stronghold')));
    });
  });

  describe('failures: each exit status, and the snapshot is unchanged', () => {
    test('2: wrong password', async () => {
      const snap = await newSnapshot('wrong.stronghold');
      const before = await sha256File(snap);
      const r = await cli(['store', 'set', snap, '--client', 'app', 'k', 'v', '--json'], { env: { STRONGHOLD_PASSWORD: 'wrong' } });
      assertExit(r, 2, 'WrongPassword');
      assert.equal(json<{ error: { code: string } }>(r).error.code, 'WrongPassword');
      assert.match(r.stderr, /^stronghold: hint: /m);
      assert.equal(await sha256File(snap), before);
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('wrong.stronghold.')), [], 'no lock or temporary file left');
    });

    test('3: missing snapshot (also in a missing folder), client, record', async () => {
      assertExit(await cli(['ls', tmp('missing.stronghold')], { env: PW }), 3, 'SnapshotNotFound');
      assertExit(await cli(['store', 'set', tmp('no/such/dir/x.stronghold'), '--client', 'c', 'k', 'v'], { env: PW }), 3, 'SnapshotNotFound');
      assertExit(await cli(['info', tmp('missing.stronghold')]), 3, 'SnapshotNotFound');
      const snap = await newSnapshot('notfound.stronghold');
      assertExit(await cli(['ls', snap, '--client', 'nobody'], { env: PW }), 3, 'ClientNotFound');
      assertExit(await cli(['address', snap, '--coin-type', '4219'], { env: PW }), 3, 'ClientNotFound');
      assertExit(await cli(['key', 'generate', snap, '--client', 'app', '--vault', 'keys', '--record', 'a', '--type', 'ed25519'], { env: PW }), 0);
      const before = await sha256File(snap);
      assertExit(await cli(['sign', snap, '--client', 'app', '--key', 'keys/missing', '--message-hex', '00'], { env: PW }), 3, 'RecordNotFound');
      assertExit(await cli(['pubkey', snap, '--client', 'app', '--key', 'nokeys/a', '--type', 'ed25519'], { env: PW }), 3, 'VaultNotFound');
      assertExit(await cli(['derive', snap, '--client', 'app', '--from', 'keys/missing', '--to', 'keys/b', '--path', "m/0'"], { env: PW }), 3, 'RecordNotFound');
      assert.equal(await sha256File(snap), before);
    });

    test('4: not a snapshot, truncated file, work factor above the limit', async () => {
      await writeFile(tmp('garbage.stronghold'), Buffer.from('this is not a stronghold snapshot at all, just text'));
      assertExit(await cli(['info', tmp('garbage.stronghold')]), 4, 'NotASnapshot');
      assertExit(await cli(['ls', tmp('garbage.stronghold')], { env: PW }), 4, 'NotASnapshot');
      const snap = await newSnapshot('truncate.stronghold');
      const bytes = await readFile(snap);
      await writeFile(tmp('truncated.stronghold'), bytes.subarray(0, 40));
      const r = await cli(['ls', tmp('truncated.stronghold')], { env: PW });
      assertExit(r, 4);
      assert.ok(['Truncated', 'CorruptHeader'].includes(errorCode(r)!), r.stderr);
      // A work factor above --max-work-factor is refused before any key derivation.
      const wf19 = await fixtureCopy('check_existing_4_db_test/walletstronghold');
      assertExit(await cli(['ls', wf19, '--max-work-factor', '18'], { env: { STRONGHOLD_PASSWORD: 'STRONGHOLD_PASSWORD' } }), 4, 'WorkFactorTooHigh');
    });

    test('5: init never overwrites a file', async () => {
      const snap = await newSnapshot('exists.stronghold');
      const before = await sha256File(snap);
      assertExit(await cli(['init', snap, '--work-factor', '0'], { env: PW }), 5, 'AlreadyExists');
      assert.equal(await sha256File(snap), before);
    });

    test('6: a snapshot locked by another live process', async () => {
      const snap = await newSnapshot('locked.stronghold');
      const before = await sha256File(snap);
      const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      try {
        await writeFile(`${snap}.lock`, JSON.stringify({ pid: holder.pid, host: hostname(), time: new Date().toISOString(), token: 'ab'.repeat(16) }));
        const r = await cli(['store', 'set', snap, '--client', 'app', 'k', 'v', '--json'], { env: PW });
        assertExit(r, 6, 'SnapshotLocked');
        assert.equal(json<{ error: { details: { pid: number } } }>(r).error.details.pid, holder.pid);
        // Readers take no lock.
        assertExit(await cli(['ls', snap], { env: PW }), 0);
      } finally {
        holder.kill();
      }
      assert.equal(await sha256File(snap), before);
    });

    test('10: a directory instead of a file', async () => {
      await mkdir(tmp('a-directory'), { recursive: true });
      const r = await cli(['ls', tmp('a-directory')], { env: PW });
      assertExit(r, 10, 'Io');
    });
  });

  describe('demo and the installed bin', () => {
    test('demo runs on a temporary snapshot, verifies its signature and cleans up', async () => {
      const home = tmp('demo-tmp');
      await mkdir(home);
      const r = await cli(['demo'], { env: { TMPDIR: home } });
      assertExit(r, 0);
      assert.match(r.stdout, /verified with node:crypto/);
      assert.match(r.stdout, /work factor 0/);
      assert.deepEqual(await readdir(home), [], 'the temporary snapshot is removed');
      const j = await cli(['demo', '--json'], { env: { TMPDIR: home } });
      const out = json<{ verified: boolean; reopenedSame: boolean; wrongPasswordRefused: boolean; mnemonicWords: number }>(j);
      assert.deepEqual([out.verified, out.reopenedSame, out.wrongPasswordRefused, out.mnemonicWords], [true, true, true, 24]);
    });

    test('init uses work factor 19 by default', async () => {
      const snap = tmp('wf19.stronghold');
      assertExit(await cli(['init', snap], { env: PW }), 0);
      assert.equal(json(await cli(['info', snap, '--json'])).workFactor, 19);
    });

    test('npm pack, install the tarball without the network, run its bin and import its exports', { timeout: 120_000 }, async () => {
      const packDir = tmp('pack');
      const project = tmp('project');
      await mkdir(packDir);
      await mkdir(join(project, 'node_modules/.bin'), { recursive: true });
      // --ignore-scripts: pack the dist/ this run tests instead of rebuilding it underneath the other tests.
      const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], ROOT);
      assert.equal(pack.code, 0, pack.stderr);
      const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
      // What `npm install <tgz>` would do, minus the registry (a fresh machine's cache is empty): unpack the tarball
      // as the package, link the dependencies this clone installed, link the bin the package declares.
      const installed = join(project, 'node_modules/stronghold-ts');
      await mkdir(installed);
      const untar = await run('tar', ['-xzf', join(packDir, filename), '-C', installed, '--strip-components=1'], project);
      assert.equal(untar.code, 0, untar.stderr);
      const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
      for (const name of await readdir(join(ROOT, 'node_modules'))) {
        if (name.startsWith('.') || name === 'stronghold-ts') continue;
        await symlink(join(ROOT, 'node_modules', name), join(project, 'node_modules', name));
      }
      await symlink(join('..', 'stronghold-ts', manifest.bin.stronghold!), join(project, 'node_modules/.bin/stronghold'));
      await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'cli-install-check', version: '1.0.0', private: true, type: 'module' }));
      const bin = join(project, 'node_modules/.bin/stronghold');
      const r = await cli(['--help'], { bin, cwd: project });
      assertExit(r, 0);
      assert.match(r.stdout, /^EXIT STATUS/m);
      const v = await cli(['--version'], { bin, cwd: project });
      assert.equal(v.stdout.trim(), manifest.version);
      // Every export the package declares resolves from the tarball, by its public name.
      const entries = ['stronghold-ts', 'stronghold-ts/procedures', 'stronghold-ts/tauri', 'stronghold-ts/iota', 'stronghold-ts/p2p', 'stronghold-ts/frost'];
      await writeFile(join(project, 'check.mjs'), `for (const e of ${JSON.stringify(entries)}) { const m = await import(e); if (Object.keys(m).length === 0) throw new Error(e + ' exports nothing'); }\nconsole.log('ok');\n`);
      const imports = await run(process.execPath, ['check.mjs'], project);
      assert.equal(imports.code, 0, imports.stderr);
      assert.equal(imports.stdout.trim(), 'ok');
    });
  });
});

// The bin path is what the tests run; keep it visible in failures.
test('the tests run the built bin', () => assert.ok(BIN.endsWith('dist/cli/main.js')));
