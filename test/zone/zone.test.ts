/**
 * The zone process: what it may not do (write files, start processes or threads: the permission model's
 * ERR_ACCESS_DENIED, tried from test hooks inside the zone), how it is started (permission flags, no core
 * dumps), and fault containment: a zone killed with SIGKILL mid-request or dying of a SIGSEGV on a guarded
 * page fails the request with ZoneCrashed, the host keeps working on a new zone, and the vault is intact.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { nativeProvider } from '../../src/crypto/native.js';
import { ClientDb } from '../../src/engine/db.js';
import { Location } from '../../src/engine/location.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { pbkdf2Hmac } from '../../src/procedures/pbkdf2-hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { ZoneRunner } from '../../src/zone/host.js';
import { peek } from '../engine-access.js';

process.env.STRONGHOLD_ZONE_TEST_HOOKS = '1';

const at = (record: string, vault = 'v'): Location => Location.generic(vault, record);
const MSG = Uint8Array.of(1, 2, 3);
const code = (c: string) => (e: { code?: string }) => e.code === c;

/** A db with a signing key; returns the key's public key for checking signatures after a crash. */
async function withKey(runner: ZoneRunner): Promise<{ db: ClientDb; pub: Uint8Array }> {
  const db = new ClientDb(new Uint8Array(24).fill(3));
  const [, pub] = await runner.run(db, [generateKey({ keyType: 'ed25519', output: at('key') }), publicKey({ keyType: 'ed25519', privateKey: at('key') })]);
  return { db, pub: pub as Uint8Array };
}

async function signsWith(runner: ZoneRunner, db: ClientDb, pub: Uint8Array): Promise<boolean> {
  const [sig] = await runner.run(db, [ed25519Sign({ privateKey: at('key'), msg: MSG })]);
  return nativeProvider.ed25519Verify(pub, MSG, sig as Uint8Array);
}

describe('zone permissions', () => {
  const runner = new ZoneRunner();
  before(() => runner.start());
  after(() => runner.close());

  test('the zone cannot write a file', async () => {
    assert.deepEqual(await runner.testHook('write-file'), { threw: true, code: 'ERR_ACCESS_DENIED', permission: 'FileSystemWrite' });
  });

  test('the zone cannot read files outside its code', { skip: !existsSync('/etc/passwd') && 'no /etc/passwd' }, async () => {
    assert.deepEqual(await runner.testHook('read-file'), { threw: true, code: 'ERR_ACCESS_DENIED', permission: 'FileSystemRead' });
  });

  test('the zone cannot start a process', async () => {
    const outcome = await runner.testHook('spawn');
    assert.equal(outcome.threw, true);
    assert.equal(outcome.code, 'ERR_ACCESS_DENIED');
    assert.equal(outcome.permission, 'ChildProcess');
  });

  test('the zone cannot start a worker thread', async () => {
    const outcome = await runner.testHook('worker');
    assert.equal(outcome.code, 'ERR_ACCESS_DENIED');
    assert.equal(outcome.permission, 'WorkerThreads');
  });

  test('the zone runs under the permission model without core dumps', { skip: !existsSync('/usr/bin/prlimit') && 'needs /proc and prlimit (Linux)' }, () => {
    const args = readFileSync(`/proc/${runner.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(args.includes('--permission'));
    assert.ok(args.includes('--allow-addons'));
    assert.ok(!args.some((a) => a.startsWith('--allow-fs-write') || a === '--allow-child-process' || a === '--allow-worker'));
    const core = /^Max core file size\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${runner.pid}/limits`, 'utf8'));
    assert.deepEqual(core?.slice(1), ['0', '0']);
  });

  test('hooks are refused unless the zone was started for tests', async () => {
    delete process.env.STRONGHOLD_ZONE_TEST_HOOKS;
    const plain = new ZoneRunner();
    try {
      await assert.rejects(plain.testHook('write-file'), code('ProtocolError'));
    } finally {
      process.env.STRONGHOLD_ZONE_TEST_HOOKS = '1';
      await plain.close();
    }
  });
});

describe('zone faults are contained', () => {
  test('a zone killed with SIGKILL mid-request: ZoneCrashed, the next request works, the vault is intact', async () => {
    const runner = new ZoneRunner();
    try {
      const { db, pub } = await withKey(runner);
      const before = db.hierarchy();
      // Millions of PBKDF2 rounds keep the zone busy long enough to be killed inside the request.
      const slow = runner.run(db, [
        writeVault({ data: new Uint8Array(32).fill(1), location: at('new') }),
        pbkdf2Hmac({ hashType: 'sha512', password: MSG, salt: MSG, count: 50_000_000, output: at('derived') }),
      ]);
      const pid = runner.pid!;
      await new Promise((r) => setTimeout(r, 100));
      process.kill(pid, 'SIGKILL');
      await assert.rejects(slow, (e: { code?: string; details?: { signal?: string } }) => e.code === 'ZoneCrashed' && e.details?.signal === 'SIGKILL');
      assert.deepEqual(db.hierarchy(), before, 'nothing of the killed request reached the vault');
      assert.ok(await signsWith(runner, db, pub), 'the next request runs on a new zone with the same key');
      assert.notEqual(runner.pid, pid);
    } finally {
      await runner.close();
    }
  });

  test('a zone that touches a guarded page dies of SIGSEGV: ZoneCrashed, the next request works, the vault is intact', async () => {
    const runner = new ZoneRunner();
    try {
      const { db, pub } = await withKey(runner);
      await assert.rejects(runner.testHook('segv'), (e: { code?: string; details?: { signal?: string } }) => e.code === 'ZoneCrashed' && e.details?.signal === 'SIGSEGV');
      assert.ok(await signsWith(runner, db, pub));
    } finally {
      await runner.close();
    }
  });

  test('the request in flight when the zone dies fails with ZoneCrashed; requests queued behind it run on a new zone', async () => {
    const runner = new ZoneRunner();
    try {
      const { db, pub } = await withKey(runner);
      const crash = runner.testHook('segv');
      const queued = runner.run(db, [ed25519Sign({ privateKey: at('key'), msg: MSG })]);
      await assert.rejects(crash, code('ZoneCrashed'));
      // A request queued behind the crash runs on the next zone.
      const [sig] = await queued;
      assert.ok(nativeProvider.ed25519Verify(pub, MSG, sig as Uint8Array));
    } finally {
      await runner.close();
    }
  });

  test('a request over its time limit fails with Timeout and the zone is replaced', async () => {
    const runner = new ZoneRunner({ timeoutMs: 300 });
    try {
      const { db, pub } = await withKey(runner);
      await assert.rejects(runner.testHook('hang'), (e: { code?: string; details?: { ms?: number } }) => e.code === 'Timeout' && e.details?.ms === 300);
      assert.ok(await signsWith(runner, db, pub));
    } finally {
      await runner.close();
    }
  });

  test('concurrent requests run in call order, each on the state its predecessors left', async () => {
    const runner = new ZoneRunner();
    try {
      const db = new ClientDb(new Uint8Array(24).fill(4));
      const writes = Array.from({ length: 20 }, (_, i) => runner.run(db, [writeVault({ data: Uint8Array.of(i), location: at(`r${i}`) })]));
      const revoke = runner.run(db, [writeVault({ data: Uint8Array.of(99), location: at('r0') })]);
      await Promise.all([...writes, revoke]);
      assert.equal(db.listRecords(at('r0').vaultId, 'v').length, 20);
      assert.equal(peek(db, at('r0'), (s) => s[0]), 99);
    } finally {
      await runner.close();
    }
  });

  test('concurrent chains share a request, each with its own outputs, error and rollback, in call order', async () => {
    const runner = new ZoneRunner();
    try {
      const db = new ClientDb(new Uint8Array(24).fill(6));
      const settled = await Promise.allSettled([
        runner.run(db, [generateKey({ keyType: 'ed25519', output: at('a') })]),
        runner.run(db, [generateKey({ keyType: 'ed25519', output: at('b') }), ed25519Sign({ privateKey: at('missing'), msg: MSG })]),
        runner.run(db, [publicKey({ keyType: 'ed25519', privateKey: at('a') }), ed25519Sign({ privateKey: at('a'), msg: MSG })]),
        runner.run(db, [ed25519Sign({ privateKey: at('b'), msg: MSG })]),
      ]);
      assert.deepEqual(settled.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      const failed = (settled[1] as PromiseRejectedResult).reason as { code: string; details: { step: number } };
      assert.equal(failed.code, 'RecordNotFound');
      assert.equal(failed.details.step, 1);
      assert.equal(((settled[3] as PromiseRejectedResult).reason as { code: string }).code, 'RecordNotFound', 'b was rolled back before the next chain ran');
      const [pub, sig] = (settled[2] as PromiseFulfilledResult<unknown[]>).value as [Uint8Array, Uint8Array];
      assert.ok(nativeProvider.ed25519Verify(pub, MSG, sig), 'the third chain saw the first chain\'s key');
      assert.ok(db.recordExists(at('a')));
      assert.ok(!db.recordExists(at('b')));
    } finally {
      await runner.close();
    }
  });

  test('a chain in the plain JSON form (as the command line and peers send it) runs unchanged in the zone', async () => {
    const runner = new ZoneRunner();
    try {
      const db = new ClientDb(new Uint8Array(24).fill(5));
      const [, pub, sig] = await runner.runJson(db, [
        { type: 'WriteVault', data: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', location: { vault: 'v', record: 'k' } },
        { type: 'PublicKey', keyType: 'ed25519', privateKey: { vault: 'v', record: 'k' } },
        { type: 'Ed25519Sign', privateKey: { vault: 'v', record: 'k' }, msg: '' },
      ]);
      // RFC 8032 §7.1, test 1.
      assert.equal(Buffer.from(pub as Uint8Array).toString('hex'), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
      assert.equal(Buffer.from(sig as Uint8Array).toString('hex'),
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
      await assert.rejects(runner.runJson(db, [{ type: 'Ed25519Sign', privateKey: { vault: 'v', record: 'k' } }]),
        (e: { code?: string; details?: { field?: string } }) => e.code === 'InvalidArgument' && e.details?.field === '[0].msg');
    } finally {
      await runner.close();
    }
  });

  test('a closed runner refuses work', async () => {
    const runner = new ZoneRunner();
    await runner.start();
    await runner.close();
    await assert.rejects(runner.run(new ClientDb(new Uint8Array(24)), []), code('InvalidArgument'));
  });
});
