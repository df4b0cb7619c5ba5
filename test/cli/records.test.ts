/**
 * End-to-end tests of the record commands of issue 15 (item 3): `key generate --policy`, `record rm`, `verify`,
 * `ls --pubkeys`, `store ls` expiry and `completion`. The built bin runs as a child process; the truth is
 * independent of the CLI where it can be: node:crypto makes and checks Ed25519 signatures, @noble/curves
 * secp256k1 ones, and policies are read back from the record hints by `ls --json`.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, errorCode, json, requireBuiltBin, sha256File, type Run } from './helpers.js';

const PW = { STRONGHOLD_PASSWORD: 'correct horse battery staple' };

let dir: string;
let n = 0;
before(async () => {
  requireBuiltBin();
  dir = await mkdtemp(join(tmpdir(), 'stronghold-records-test-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function newSnapshot(): Promise<string> {
  const path = join(dir, `s${n++}.stronghold`);
  const r = await cli(['init', path, '--work-factor', '0'], { env: PW });
  assert.equal(r.code, 0, r.stderr);
  return path;
}

const run = (args: string[]): Promise<Run> => cli(args, { env: PW });

function assertExit(r: Run, code: number, errCode?: string): void {
  assert.equal(r.code, code, `exit ${r.code}, stdout: ${r.stdout} stderr: ${r.stderr}`);
  if (errCode !== undefined) assert.equal(errorCode(r), errCode, r.stderr);
}

interface LsRecord { id: string; kind: string; policy: { exportable: boolean; allowed: string[] | null } }
interface LsJson { clients: { vaults: { records: LsRecord[]; revoked: number }[] }[] }

async function records(path: string, client: string): Promise<LsJson['clients'][0]['vaults']> {
  const r = await run(['ls', path, '--client', client, '--json']);
  assertExit(r, 0);
  return json<LsJson>(r).clients[0]!.vaults;
}

describe('key generate --policy / --exportable', () => {
  test('the policy is stored in the hint; a policy without PublicKey stores the key and prints no public key', async () => {
    const s = await newSnapshot();
    const r = await run(['key', 'generate', s, '--client', 'app', '--key', 'keys/signer', '--policy', '{"exportable":false,"allowed":["Ed25519Sign"]}', '--json']);
    assertExit(r, 0);
    assert.equal(json(r).publicKey, null);
    const [vault] = await records(s, 'app');
    assert.deepEqual(vault!.records.map((x) => [x.kind, x.policy]), [['ed25519', { exportable: false, allowed: ['Ed25519Sign'] }]]);
    // The engine enforces what was stored: signing is allowed, the public key is not.
    assertExit(await run(['sign', s, '--client', 'app', '--key', 'keys/signer', '--message-hex', '00']), 0);
    assertExit(await run(['pubkey', s, '--client', 'app', '--key', 'keys/signer']), 5, 'PolicyViolation');
  });

  test('a policy that allows PublicKey prints the public key', async () => {
    const s = await newSnapshot();
    const r = await run(['key', 'generate', s, '--client', 'app', '--key', 'k/a', '--policy', '{"allowed":["PublicKey","Ed25519Sign"]}', '--json']);
    assertExit(r, 0);
    const pub = json(r).publicKey as string;
    const p = await run(['pubkey', s, '--client', 'app', '--key', 'k/a']);
    assert.equal(p.stdout.trim(), pub);
  });

  test('a bad policy is a usage error naming --policy, before anything is written', async () => {
    const s = await newSnapshot();
    const before = await sha256File(s);
    for (const [policy, what] of [['{nope', /--policy must be JSON/], ['{"allowed":["Steal"]}', /--policy: "allowed\[0\]" expected/], ['{"colour":1}', /--policy/], ['[]', /--policy/]] as const) {
      const r = await run(['key', 'generate', s, '--client', 'app', '--key', 'k/a', '--policy', policy]);
      assertExit(r, 1, 'Usage');
      assert.match(r.stderr, what);
    }
    assert.equal(await sha256File(s), before);
  });

  test('--exportable (or "exportable": true) stores an exportable key; the default is not; a contradiction is a usage error', async () => {
    const s = await newSnapshot();
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/a', '--exportable']), 0);
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/b', '--policy', '{"exportable":true,"allowed":["Ed25519Sign"]}']), 0);
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/c']), 0);
    const [vault] = await records(s, 'app');
    const sorted = (ps: LsRecord['policy'][]) => ps.map((p) => JSON.stringify(p)).sort();
    assert.deepEqual(sorted(vault!.records.map((x) => x.policy)),
      sorted([{ exportable: false, allowed: null }, { exportable: true, allowed: null }, { exportable: true, allowed: ['Ed25519Sign'] }]));
    const before = await sha256File(s);
    const r = await run(['key', 'generate', s, '--client', 'app', '--key', 'k/d', '--exportable', '--policy', '{"exportable":false}']);
    assertExit(r, 1, 'Usage');
    assert.match(r.stderr, /--exportable contradicts/);
    assert.equal(await sha256File(s), before);
  });
});

describe('record rm', () => {
  test('revokes the record and saves; --purge removes the revoked records from the vault', async () => {
    const s = await newSnapshot();
    for (const r of ['a', 'b']) assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', `k/${r}`]), 0);
    const before = await sha256File(s);
    const rm1 = await run(['record', 'rm', s, '--client', 'app', '--key', 'k/a', '--json']);
    assertExit(rm1, 0);
    assert.deepEqual(json(rm1), { client: 'app', key: { vault: 'k', record: 'a' }, revoked: true, purged: null });
    assert.notEqual(await sha256File(s), before, 'the revocation was saved');
    assert.deepEqual((await records(s, 'app')).map((v) => [v.records.length, v.revoked]), [[1, 1]]);
    assertExit(await run(['sign', s, '--client', 'app', '--key', 'k/a', '--message-hex', '00']), 3, 'RecordRevoked');
    assertExit(await run(['sign', s, '--client', 'app', '--key', 'k/b', '--message-hex', '00']), 0);

    const rm2 = await run(['record', 'rm', s, '--client', 'app', '--vault', 'k', '--record', 'b', '--purge', '--json']);
    assertExit(rm2, 0);
    assert.equal(json(rm2).purged, 2, 'both revoked records were collected');
    assert.deepEqual((await records(s, 'app')).map((v) => [v.records.length, v.revoked]), [[0, 0]]);
  });

  test('a missing or already revoked record exits 3 and leaves the file untouched', async () => {
    const s = await newSnapshot();
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/a']), 0);
    assertExit(await run(['record', 'rm', s, '--client', 'app', '--key', 'k/a']), 0);
    const before = await sha256File(s);
    for (const key of ['k/a', 'k/nope', 'other/a']) {
      const r = await run(['record', 'rm', s, '--client', 'app', '--key', key]);
      assertExit(r, 3, 'RecordNotFound');
      assert.match(r.stderr, /no live record/);
    }
    assertExit(await run(['record', 'rm', s, '--client', 'nobody', '--key', 'k/a']), 3, 'ClientNotFound');
    assertExit(await run(['record', 'rm', s, '--client', 'app']), 1, 'Usage');
    assert.equal(await sha256File(s), before);
  });
});

describe('verify', () => {
  const msg = Buffer.from('hello');
  const h = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const flip = (sigHex: string, i = 0): string => { const b = Buffer.from(sigHex, 'hex'); b[i] = b[i]! ^ 1; return b.toString('hex'); };
  const verify = (args: string[]): Promise<Run> => run(['verify', ...args, '--message-hex', h(msg)]);

  test('Ed25519: a node:crypto signature verifies against its raw public key; a changed one exits 7', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = h(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
    const sig = h(nodeSign(null, msg, privateKey));
    const ok = await verify(['--public-key-hex', pub, '--signature-hex', sig, '--json']);
    assertExit(ok, 0);
    assert.deepEqual(json(ok), { type: 'ed25519', publicKey: pub, valid: true });
    const bad = await verify(['--public-key-hex', pub, '--signature-hex', flip(sig)]);
    assertExit(bad, 7, 'BadSignature');
    assert.match(bad.stderr, /not valid/);
    assertExit(await run(['verify', '--public-key-hex', pub, '--signature-hex', sig, '--message-hex', '00']), 7, 'BadSignature');
  });

  test('secp256k1: a noble signature (r||s||v over Keccak-256, and r||s over SHA-256) verifies; a wrong v exits 7', async () => {
    const secret = secp256k1.utils.randomSecretKey();
    const pub = h(secp256k1.getPublicKey(secret, true));
    const rec = secp256k1.sign(keccak_256(msg), secret, { prehash: false, format: 'recovered' });
    const rsv = h(Buffer.concat([rec.subarray(1), rec.subarray(0, 1)]));
    assertExit(await verify(['--type', 'secp256k1-keccak', '--public-key-hex', pub, '--signature-hex', rsv]), 0);
    assertExit(await verify(['--type', 'secp256k1-keccak', '--public-key-hex', pub, '--signature-hex', flip(rsv, 64)]), 7, 'BadSignature');
    assertExit(await verify(['--type', 'secp256k1-sha256', '--public-key-hex', pub, '--signature-hex', rsv]), 7, 'BadSignature');
    const rs = h(secp256k1.sign(sha256(msg), secret, { prehash: false, format: 'compact' }));
    assertExit(await verify(['--type', 'secp256k1-sha256', '--public-key-hex', pub, '--signature-hex', rs]), 0);
  });

  test('against a stored record: sign then verify --key succeeds, and the signature is what noble and node accept', async () => {
    const s = await newSnapshot();
    const ed = await run(['key', 'generate', s, '--client', 'app', '--key', 'k/ed', '--json']);
    const k1 = await run(['key', 'generate', s, '--client', 'app', '--key', 'k/k1', '--type', 'secp256k1', '--json']);
    const sigEd = (await run(['sign', s, '--client', 'app', '--key', 'k/ed', '--message-hex', h(msg)])).stdout.trim();
    const sigK1 = (await run(['sign', s, '--client', 'app', '--key', 'k/k1', '--type', 'secp256k1-keccak', '--message-hex', h(msg)])).stdout.trim();
    assert.ok(secp256k1.verify(Buffer.from(sigK1, 'hex').subarray(0, 64), keccak_256(msg), Buffer.from(json(k1).publicKey as string, 'hex'), { prehash: false }));
    const ok = await verify([s, '--client', 'app', '--key', 'k/ed', '--signature-hex', sigEd, '--json']);
    assertExit(ok, 0);
    assert.deepEqual(json(ok), { client: 'app', key: { vault: 'k', record: 'ed' }, type: 'ed25519', publicKey: json(ed).publicKey, valid: true });
    assertExit(await verify([s, '--client', 'app', '--key', 'k/k1', '--type', 'secp256k1-keccak', '--signature-hex', sigK1]), 0);
    assertExit(await verify([s, '--client', 'app', '--key', 'k/ed', '--signature-hex', flip(sigEd, 63)]), 7, 'BadSignature');
  });

  test('malformed input is a usage error (exit 1), not an invalid signature', async () => {
    const pub = '00'.repeat(32);
    for (const args of [
      ['--signature-hex', '00'.repeat(64)],
      ['--public-key-hex', pub, '--key', 'k/a', '--signature-hex', '00'.repeat(64)],
      ['--public-key-hex', pub.slice(2), '--signature-hex', '00'.repeat(64)],
      ['--public-key-hex', pub, '--signature-hex', '00'.repeat(63)],
      ['--type', 'secp256k1-sha256', '--public-key-hex', '02' + '00'.repeat(32), '--signature-hex', '00'.repeat(65)],
      ['--key', 'k/a', '--client', 'app', '--signature-hex', '00'.repeat(64)],
    ]) assertExit(await verify(args), 1, 'Usage');
  });
});

describe('ls --pubkeys', () => {
  interface PubRecord { id: string; key: { vault: string; record: string } | null; kind: string; publicKey: string | null; why: string | null }
  const list = async (s: string, extra: string[]): Promise<PubRecord[]> => {
    const r = await run(['ls', s, '--client', 'app', '--pubkeys', '--json', ...extra]);
    assertExit(r, 0);
    return json<{ clients: { vaults: { records: PubRecord[] }[] }[] }>(r).clients[0]!.vaults.flatMap((v) => v.records);
  };

  test('the public key of each named key record is one its signatures verify under (node:crypto, noble)', async () => {
    const s = await newSnapshot();
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/ed']), 0);
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/k1', '--type', 'secp256k1']), 0);
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/closed', '--policy', '{"allowed":["Ed25519Sign"]}']), 0);
    assertExit(await run(['store', 'set', s, '--client', 'app', 'note', 'x']), 0);
    const recs = await list(s, ['--key', 'k/ed', '--key', 'k/k1', '--key', 'k/closed']);
    const by = (r: string): PubRecord => recs.find((x) => x.key?.record === r)!;
    assert.equal(recs.length, 3);

    const sigEd = Buffer.from((await run(['sign', s, '--client', 'app', '--key', 'k/ed', '--message-hex', '00'])).stdout.trim(), 'hex');
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(by('ed').publicKey!, 'hex')]);
    assert.ok(nodeVerify(null, Buffer.of(0), createPublicKey({ key: spki, format: 'der', type: 'spki' }), sigEd));
    const sigK1 = Buffer.from((await run(['sign', s, '--client', 'app', '--key', 'k/k1', '--type', 'secp256k1-sha256', '--message-hex', '00'])).stdout.trim(), 'hex');
    assert.ok(secp256k1.verify(sigK1.subarray(0, 64), sha256(Buffer.of(0)), Buffer.from(by('k1').publicKey!, 'hex'), { prehash: false }));
    assert.deepEqual([by('closed').publicKey, by('closed').why], [null, 'its policy does not allow PublicKey']);
  });

  test('an unnamed record gets no public key and a hint; a seed is not a key; --pubkeys needs --client', async () => {
    const s = await newSnapshot();
    assertExit(await run(['key', 'generate', s, '--client', 'app', '--key', 'k/ed']), 0);
    assertExit(await run(['mnemonic', 'generate', s, '--client', 'app', '--key', 'seeds/s']), 0);
    const recs = await list(s, ['--key', 'seeds/s']);
    assert.deepEqual(recs.map((r) => [r.kind, r.key, r.publicKey, r.why]).sort(), [
      ['ed25519', null, null, 'name it with --key VAULT/RECORD to see its public key'],
      ['seed', { vault: 'seeds', record: 's' }, null, 'a seed record is not a private key'],
    ]);
    const human = await run(['ls', s, '--client', 'app', '--pubkeys', '--key', 'k/typo']);
    assert.match(human.stdout, /ed25519 .*\(no public key: name it with --key/);
    assert.match(human.stderr, /no live record k\/typo/);
    assertExit(await run(['ls', s, '--pubkeys']), 1, 'Usage');
  });
});

describe('store ls', () => {
  test('shows when each key expires (ISO instant in --json, the time left for people); expired keys are gone', async () => {
    const s = await newSnapshot();
    const t0 = Date.now();
    assertExit(await run(['store', 'set', s, '--client', 'app', 'week', 'x', '--ttl', '7d']), 0);
    const t1 = Date.now();
    assertExit(await run(['store', 'set', s, '--client', 'app', 'blink', 'x', '--ttl', '1ms']), 0);
    assertExit(await run(['store', 'set', s, '--client', 'app', 'always', 'x']), 0);
    const r = await run(['store', 'ls', s, '--client', 'app', '--json']);
    assertExit(r, 0);
    const keys = json<{ keys: { text: string; expiresAt: string | null }[] }>(r).keys;
    assert.deepEqual(keys.map((k) => k.text), ['week', 'always'], 'the 1 ms key expired before it was listed');
    const at = Date.parse(keys[0]!.expiresAt!);
    const week = 7 * 86_400_000;
    assert.ok(at >= t0 + week - 1 && at <= t1 + week, `expiry ${keys[0]!.expiresAt} is 7 days after the set`);
    assert.equal(keys[1]!.expiresAt, null);
    const human = await run(['store', 'ls', s, '--client', 'app']);
    assert.match(human.stdout, new RegExp(`^week  expires ${keys[0]!.expiresAt!.replace(/\./g, '\\.')} \\(in 6d 23h\\)\\nalways\\n$`));
  });
});
