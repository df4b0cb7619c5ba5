// Issue 3: the Stronghold lifecycle on real files — open, load, save, backup, password change, lock, migrate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake2b } from '@noble/hashes/blake2.js';
import { bech32 } from '@scure/base';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { addressChain, FIXTURES_DIR, IOTA_FIXTURES, SDK_CLIENT, SDK_RECORD, SDK_VAULT, type AddressCheck } from '../iota-sdk-fixtures.js';
import { peekIn } from '../engine-access.js';

const SEED = Location.generic(SDK_VAULT, SDK_RECORD);
const isCode = (code: string) => (e: any) => e.name === 'StrongholdError' && e.code === code;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

// An independent SLIP-10 Ed25519 + IOTA address derivation (node:crypto HMAC and Ed25519, noble BLAKE2b, scure bech32),
// run on the seed inside the engine's use gate: it needs no procedure.
function address(seed: Uint8Array, a: AddressCheck): string {
  let i = createHmac('sha512', 'ed25519 seed').update(seed).digest();
  for (const index of addressChain(a)) {
    const data = Buffer.alloc(37);
    i.copy(data, 1, 0, 32);
    data.writeUInt32BE(index, 33);
    i = createHmac('sha512', i.subarray(32)).update(data).digest();
  }
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), i.subarray(0, 32)]);
  const pub = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }).subarray(-32);
  const payload = Uint8Array.from([0, ...blake2b(pub, { dkLen: 32 })]);
  return bech32.encode(a.hrp, bech32.toWords(payload));
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'stronghold-lifecycle-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('every fixture opens with its password and gives its seed and addresses', () => {
  for (const f of IOTA_FIXTURES) {
    test(f.file, async () => {
      const path = join(FIXTURES_DIR, f.file);
      const before = sha(path);
      const sh = await Stronghold.open(path, f.password, { readOnly: true });
      assert.equal(sh.snapshotVersion, f.version);
      const client = sh.loadClient(SDK_CLIENT);
      assert.ok(client.recordExists(SEED));
      // The ids our derivations give are the ids the Rust code wrote into the file.
      assert.ok(sh.listClients().some((c) => c.id === Buffer.from(client.id).toString('hex')));
      assert.deepEqual(client.listRecords(SDK_VAULT).map((r) => [r.id, r.length]), [[Buffer.from(SEED.recordId).toString('hex'), 64]]);
      peekIn(sh, client.id, SEED, (seed) => {
        if (f.mnemonic) {
          const expected = pbkdf2Sync(f.mnemonic.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512');
          assert.ok(expected.equals(seed), 'the seed record is BIP39(mnemonic)');
        }
        for (const a of f.addresses) assert.equal(address(seed, a), a.address, `${a.coin}/${a.account}/${a.internal ? 1 : 0}/${a.index}`);
        if (f.addressHash) {
          const a = { coin: f.addressHash.coin, account: 0, internal: false, index: 0, hrp: 'rms', address: '' };
          const words = bech32.decode(address(seed, a) as `${string}1${string}`).words;
          assert.equal(Buffer.from(bech32.fromWords(words)).subarray(1).toString('hex'), f.addressHash.hash);
        }
      });
      await sh.close();
      assert.equal(sha(path), before, 'opening never modifies the file');
    });
  }
});

test('stores of the fixtures: v2_with_backup has coin_type 4219; the Chrysalis file has a second client with 7 entries', async () => {
  const sh = await Stronghold.open(join(FIXTURES_DIR, 'v2_with_backup.stronghold'), 'current_password', { readOnly: true });
  const store = sh.loadClient(SDK_CLIENT).store;
  assert.equal(store.keys().length, 5);
  await sh.close();
  const ch = await Stronghold.open(join(FIXTURES_DIR, 'chrysalis-backup-work-factor-0.stronghold'), 'password', { readOnly: true });
  assert.equal(ch.listClients().length, 2);
  assert.equal(ch.loadClient('iota-wallet-records').store.keys().length, 7);
  await ch.close();
});

test('a wrong password is WrongPassword and changes nothing; the file is not modified', async () => {
  const path = join(FIXTURES_DIR, 'chrysalis-backup-work-factor-0.stronghold');
  const before = sha(path);
  await assert.rejects(Stronghold.open(path, 'not the password', { readOnly: true }), isCode('WrongPassword'));
  await assert.rejects(Stronghold.open(join(FIXTURES_DIR, 'v2.stronghold'), 'wrong', { readOnly: true }), isCode('WrongPassword'));
  await assert.rejects(Stronghold.open(join(dir, 'missing.stronghold'), 'pw'), isCode('SnapshotNotFound'));
  assert.equal(sha(path), before);
});

describe('a snapshot written here', () => {
  test('create, write, save, reopen; save again without scrypt; saveAs; changePassword', async () => {
    const path = join(dir, 'new.stronghold');
    const progress: string[] = [];
    const sh = await Stronghold.open(path, 'pw-1', { create: true, workFactor: 1, onProgress: (p) => progress.push(p.phase) });
    const c = sh.createClient('alice');
    c.writeSecret(Location.generic('vault', 'key'), new Uint8Array(32).fill(4));
    c.store.insert('setting', 'on');
    assert.ok(sh.hasUnsavedChanges);
    await sh.save();
    assert.ok(!sh.hasUnsavedChanges);
    assert.deepEqual(progress.filter((p) => p !== 'tick'), ['start', 'done'], 'the first save makes a header (one scrypt)');
    c.writeSecret(Location.generic('vault', 'key2'), new Uint8Array(8).fill(5));
    await sh.save();
    assert.deepEqual(progress.filter((p) => p !== 'tick'), ['start', 'done'], 'later saves run no scrypt');

    await sh.saveAs(join(dir, 'backup.stronghold'), 'pw-backup');
    await assert.rejects(Stronghold.open(path, 'pw-1'), isCode('SnapshotLocked'), 'a second writer is refused');
    await sh.close();

    const again = await Stronghold.open(path, 'pw-1');
    const a = again.loadClient('alice');
    assert.ok(a.recordExists(Location.generic('vault', 'key2')));
    assert.equal(new TextDecoder().decode(a.store.get('setting')!), 'on');
    assert.equal(peekIn(again, a.id, Location.generic('vault', 'key'), (s) => s.every((b) => b === 4)), true);
    await again.changePassword('pw-2');
    await again.close();
    await assert.rejects(Stronghold.open(path, 'pw-1'), isCode('WrongPassword'));
    const third = await Stronghold.open(path, 'pw-2');
    assert.ok(third.loadClient('alice').recordExists(Location.generic('vault', 'key')));
    await third.close();

    const backup = await Stronghold.open(join(dir, 'backup.stronghold'), 'pw-backup', { readOnly: true });
    assert.ok(backup.loadClient('alice').recordExists(Location.generic('vault', 'key2')));
    await backup.close();
  });

  test('clients only present in the file are carried over on save', async () => {
    const path = join(dir, 'carry.stronghold');
    const sh = await Stronghold.open(path, 'pw', { create: true, workFactor: 0 });
    sh.createClient('one').writeSecret(Location.generic('v', 'r'), new Uint8Array([1]));
    sh.createClient('two').writeSecret(Location.generic('v', 'r'), new Uint8Array([2]));
    await sh.save();
    await sh.close();
    const re = await Stronghold.open(path, 'pw');
    re.loadClient('one').writeSecret(Location.generic('v', 'r2'), new Uint8Array([3]));
    await re.save();
    await re.close();
    const last = await Stronghold.open(path, 'pw', { readOnly: true });
    assert.ok(last.loadClient('two').recordExists(Location.generic('v', 'r')), 'never loaded, still saved');
    assert.ok(last.loadClient('one').recordExists(Location.generic('v', 'r2')));
    await last.close();
  });

  test('lock wipes and refuses calls until unlock; unlock with a wrong password stays locked', async () => {
    const path = join(dir, 'lock.stronghold');
    const sh = await Stronghold.open(path, 'pw', { create: true, workFactor: 0 });
    const c = sh.createClient('c');
    c.writeSecret(Location.generic('v', 'r'), new Uint8Array([7]));
    sh.store.insert('session', 'x');
    await sh.lock();
    assert.ok(sh.isLocked);
    assert.throws(() => c.recordExists(Location.generic('v', 'r')), isCode('Locked'));
    assert.throws(() => sh.getClient('c'), isCode('Locked'));
    assert.throws(() => sh.createClient('d'), isCode('Locked'));
    await assert.rejects(sh.save(), isCode('Locked'));
    await assert.rejects(sh.unlock('wrong'), isCode('WrongPassword'));
    assert.ok(sh.isLocked);
    await sh.unlock('pw');
    assert.ok(sh.loadClient('c').recordExists(Location.generic('v', 'r')), 'lock saved pending changes');
    assert.equal(sh.store.get('session'), null, 'the session store is gone');
    await sh.close();
  });

  test('bad input: missing file, directory, not a snapshot, in-memory save, read-only save', async () => {
    await assert.rejects(Stronghold.open(dir, 'pw', { readOnly: true }), isCode('Io'));
    const junk = join(dir, 'junk.stronghold');
    copyFileSync(new URL(import.meta.url), junk);
    await assert.rejects(Stronghold.open(junk, 'pw', { readOnly: true }), isCode('NotASnapshot'));
    await assert.rejects(Stronghold.create().save(), isCode('InvalidArgument'));
    const ro = await Stronghold.open(join(FIXTURES_DIR, 'chrysalis-backup-work-factor-0.stronghold'), 'password', { readOnly: true });
    await assert.rejects(ro.save(), isCode('InvalidArgument'));
    await ro.close();
    await assert.rejects(Stronghold.open('', 'pw'), isCode('InvalidArgument'));
    await assert.rejects(Stronghold.open(junk, { key: new Uint8Array(5) }), isCode('InvalidArgument'));
  });
});

describe('v2 migration', () => {
  test('a v2 file migrates to v3 under a new password, to another path and in place', async () => {
    const v2 = join(dir, 'old.stronghold');
    copyFileSync(join(FIXTURES_DIR, 'v2.stronghold'), v2);
    const sh = await Stronghold.open(v2, 'current_password');
    assert.equal(sh.snapshotVersion, 2);
    await assert.rejects(sh.save(), isCode('InvalidArgument'), 'a v2 file is not saved in place without a new password');
    await sh.saveAs(join(dir, 'migrated.stronghold'), 'new_password', { workFactor: 0 });
    await sh.changePassword('in-place', { workFactor: 0 });
    assert.equal(sh.snapshotVersion, 3);
    await sh.close();
    for (const [path, pw] of [[join(dir, 'migrated.stronghold'), 'new_password'], [v2, 'in-place']] as const) {
      assert.equal(readFileSync(path)[5], 3);
      const m = await Stronghold.open(path, pw, { readOnly: true });
      const c = m.loadClient(SDK_CLIENT);
      peekIn(m, c.id, SEED, (seed) => assert.equal(address(seed, IOTA_FIXTURES[0]!.addresses[0]!), IOTA_FIXTURES[0]!.addresses[0]!.address));
      await m.close();
    }
  });

  test('raw-key passwords and custom v2 salt and rounds', async () => {
    const key = pbkdf2Sync('current_password', 'wallet.rs', 100, 32, 'sha512');
    const sh = await Stronghold.open(join(FIXTURES_DIR, 'v2.stronghold'), { key: Uint8Array.from(key) }, { readOnly: true });
    assert.ok(sh.loadClient(SDK_CLIENT).recordExists(SEED));
    await sh.close();
    await assert.rejects(Stronghold.open(join(FIXTURES_DIR, 'v2.stronghold'), 'current_password', { readOnly: true, v2: { salt: 'other', rounds: 100 } }), isCode('WrongPassword'));
  });
});
