// Issue 10: the @tauri-apps/plugin-stronghold facade. The plugin's documented usage, ported end to end, checked
// with node:crypto; the Argon2id key derivation against RFC 9106 and an independent implementation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { Stronghold as CoreStronghold } from '../../src/client/stronghold.js';
import { Location as CoreLocation } from '../../src/engine/location.js';
import { argon2id, readOrCreateSalt, TAURI_ARGON2_PARAMS, tauriArgon2Key } from '../../src/facades/tauri-kdf.js';
import { Client, configure, Location, Stronghold, StrongholdError, TauriStrongholdError } from '../../src/facades/tauri.js';

const isCode = (code: string) => (e: any) => e?.name === 'StrongholdError' && e.code === code;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ed25519Spki = (pk: Uint8Array) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]), format: 'der', type: 'spki' });

// SLIP-10 Ed25519 with node:crypto HMAC-SHA512 and Ed25519, independent of the procedures.
function independentPublicKey(seed: Uint8Array, chain: number[]): Uint8Array {
  let i = createHmac('sha512', 'ed25519 seed').update(seed).digest();
  for (const index of chain) {
    const data = Buffer.alloc(37);
    i.copy(data, 1, 0, 32);
    data.writeUInt32BE(index, 33);
    i = createHmac('sha512', i.subarray(32)).update(data).digest();
  }
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), i.subarray(0, 32)]);
  return createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }).subarray(-32);
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'stronghold-tauri-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('Argon2id', () => {
  // RFC 9106 §5.3: Argon2id, v=0x13, m=32 KiB, t=3, p=4, password 32×0x01, salt 16×0x02, secret 8×0x03, ad 12×0x04.
  const RFC = { memoryKiB: 32, passes: 3, parallelism: 4, tagLength: 32, secret: new Uint8Array(8).fill(3), associatedData: new Uint8Array(12).fill(4) };
  for (const impl of ['native', 'noble'] as const) {
    test(`RFC 9106 §5.3 test vector (${impl})`, async () => {
      const tag = await argon2id(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), RFC, impl);
      assert.equal(hex(tag), '0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659');
    });
  }

  test('the plugin parameters: native equals @noble/hashes argon2id(t=2, m=19456, p=1, dkLen=32) called directly', async () => {
    assert.deepEqual({ ...TAURI_ARGON2_PARAMS }, { memoryKiB: 19_456, passes: 2, parallelism: 1, tagLength: 32 });
    const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
    const expected = nobleArgon2id('correct horse battery staple', salt, { t: 2, m: 19_456, p: 1, dkLen: 32, version: 0x13 });
    const saltPath = join(dir, 'fixed.salt');
    writeFileSync(saltPath, salt);
    for (const impl of ['native', 'noble'] as const) {
      assert.equal(hex(await tauriArgon2Key('correct horse battery staple', saltPath, impl)), hex(expected), impl);
    }
  });

  test('bad parameters are InvalidArgument', async () => {
    await assert.rejects(argon2id(new Uint8Array(1), new Uint8Array(4), TAURI_ARGON2_PARAMS), isCode('InvalidArgument'));
    await assert.rejects(argon2id(new Uint8Array(1), new Uint8Array(16), { ...TAURI_ARGON2_PARAMS, passes: 0 }), isCode('InvalidArgument'));
  });
});

describe('salt file (kdf.rs create_or_get_salt)', () => {
  test('created once with 32 random bytes, mode 0600, then read back', async () => {
    const path = join(dir, 'app.salt');
    const first = await readOrCreateSalt(path);
    assert.equal(first.length, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(new Uint8Array(readFileSync(path)), first);
    assert.deepEqual(await readOrCreateSalt(path), first);
  });

  test('a salt file of the wrong length is InvalidArgument (the plugin panics); a directory is Io', async () => {
    const path = join(dir, 'short.salt');
    writeFileSync(path, new Uint8Array(31));
    await assert.rejects(readOrCreateSalt(path), (e: any) => isCode('InvalidArgument')(e) && e.details.field === 'argon2.saltPath');
    await assert.rejects(readOrCreateSalt(dir), isCode('Io'));
  });
});

describe('Location and Duration shapes', () => {
  test('Location.generic / counter serialize as the plugin sends them', () => {
    assert.deepEqual({ ...Location.generic('vault', 'record') }, { type: 'Generic', payload: { vault: 'vault', record: 'record' } });
    assert.deepEqual({ ...Location.generic(new Uint8Array([1, 2]), [3]) }, { type: 'Generic', payload: { vault: [1, 2], record: [3] } });
    assert.deepEqual({ ...Location.counter('v', 7) }, { type: 'Counter', payload: { vault: 'v', counter: 7 } });
    const c = new Client('/x', new Uint8Array([9]).buffer);
    assert.deepEqual(c.name, [9]);
  });
});

describe('the plugin usage example, end to end', () => {
  test('load, loadClient or createClient, store, vault, BIP-39, SLIP-10, sign, verify, save, load again', async () => {
    configure({ argon2: { saltPath: join(dir, 'salt.txt') }, workFactor: 1 });
    const vaultPath = join(dir, 'vault.hold');
    const vaultPassword = 'vault password';

    // initStronghold() from the plugin's guide.
    const initStronghold = async () => {
      const stronghold = await Stronghold.load(vaultPath, vaultPassword);
      let client: Client;
      const clientName = 'name your client';
      try {
        client = await stronghold.loadClient(clientName);
      } catch {
        client = await stronghold.createClient(clientName);
      }
      return { stronghold, client };
    };
    const insertRecord = async (store: ReturnType<Client['getStore']>, key: string, value: string) => {
      const data = Array.from(new TextEncoder().encode(value));
      await store.insert(key, data);
    };
    const getRecord = async (store: ReturnType<Client['getStore']>, key: string): Promise<string> => {
      const data = await store.get(key);
      return new TextDecoder().decode(new Uint8Array(data!));
    };

    const { stronghold, client } = await initStronghold();
    const store = client.getStore();
    await insertRecord(store, 'my_key', 'secret value');
    assert.equal(await getRecord(store, 'my_key'), 'secret value');

    const vault = client.getVault('vault');
    await vault.insert('raw', Array.from({ length: 32 }, (_, i) => i));
    const seedLoc = Location.generic('vault', 'seed');
    const mnemonicBytes = await vault.generateBIP39(seedLoc);
    const mnemonic = new TextDecoder().decode(mnemonicBytes);
    assert.equal(mnemonic.split(' ').length, 24);
    assert.ok(validateMnemonic(mnemonic, wordlist));

    const keyLoc = Location.generic('vault', 'key');
    const chain = [44, 4218, 0, 0, 0].map((n) => (n | 0x8000_0000) >>> 0);
    const chainCode = await vault.deriveSLIP10(chain, 'Seed', seedLoc, keyLoc);
    assert.equal(chainCode.length, 32);
    const pk = await vault.getEd25519PublicKey(keyLoc);
    assert.equal(pk.length, 32);

    const sig = await vault.signEd25519(keyLoc, 'hello tauri');
    assert.ok(verify(null, Buffer.from('hello tauri'), ed25519Spki(pk), sig), 'a string is signed as its UTF-8 bytes');
    const binary = Uint8Array.from([0, 255, 1, 254]);
    assert.ok(verify(null, binary, ed25519Spki(pk), await vault.signEd25519(keyLoc, binary)), 'bytes are signed as they are');

    // The same key, derived independently from the mnemonic (BIP-39 seed, SLIP-10 Ed25519) by a recovered copy.
    await vault.recoverBIP39(mnemonic, Location.generic('vault', 'recovered'));
    await vault.deriveSLIP10(["44'", "4218'", "0'", "0'", "0'"], 'Seed', Location.generic('vault', 'recovered'), Location.generic('vault', 'key2'));
    assert.equal(hex(await vault.getEd25519PublicKey(Location.generic('vault', 'key2'))), hex(pk));
    assert.equal(hex(independentPublicKey(mnemonicToSeedSync(mnemonic), chain)), hex(pk), 'the stored seed is BIP39(mnemonic); SLIP-10 by node:crypto');

    await stronghold.save();
    await stronghold.unload();
    await assert.rejects(store.get('my_key'), isCode('InvalidArgument'), 'handles stop working after unload');

    const again = await initStronghold();
    const store2 = again.client.getStore();
    assert.equal(await getRecord(store2, 'my_key'), 'secret value');
    const vault2 = again.client.getVault('vault');
    assert.equal(hex(await vault2.getEd25519PublicKey(keyLoc)), hex(pk));
    assert.ok(verify(null, Buffer.from('again'), ed25519Spki(pk), await vault2.signEd25519(keyLoc, 'again')));
    assert.deepEqual(await store2.remove('my_key'), new TextEncoder().encode('secret value'));
    assert.equal(await store2.get('my_key'), null);
    await vault2.remove(Location.generic('ignored-vault', 'raw'));
    await again.stronghold.unload();

    // The file's key is the raw Argon2id output, as KeyProvider::try_from(hash) makes it.
    const salt = readFileSync(join(dir, 'salt.txt'));
    const key = nobleArgon2id(vaultPassword, salt, { t: 2, m: 19_456, p: 1, dkLen: 32 });
    const core = await CoreStronghold.open(vaultPath, { key }, { readOnly: true });
    const c = core.loadClient('name your client');
    assert.ok(c.recordExists(CoreLocation.generic('vault', 'key')));
    assert.ok(!c.recordExists(CoreLocation.generic('vault', 'raw')), 'Vault.remove used its own vault');
    await core.close();

    await assert.rejects(Stronghold.load(vaultPath, 'wrong password'), isCode('WrongPassword'));
  });
});

describe('passwordHash and errors', () => {
  test('a custom passwordHash gives the raw key; it must be 32 bytes', async () => {
    const path = join(dir, 'custom.hold');
    const passwordHash = (p: string) => new Uint8Array(32).fill(p.length);
    const sh = await Stronghold.load(path, 'abc', { passwordHash, workFactor: 0 });
    const client = await sh.createClient([1, 2, 3]);
    await client.getVault('v').insert('r', new Uint8Array([5]));
    await client.getStore().insert('ttl', [1], { secs: 3600, nanos: 0 });
    assert.deepEqual(await client.getStore().get('ttl'), new Uint8Array([1]));
    await sh.save();
    await assert.rejects(sh.createClient([1, 2, 3]), isCode('ClientAlreadyLoaded'));
    await sh.unload();
    const core = await CoreStronghold.open(path, { key: new Uint8Array(32).fill(3) }, { readOnly: true });
    assert.ok(core.loadClient(new Uint8Array([1, 2, 3])).recordExists(CoreLocation.generic('v', 'r')));
    await core.close();
    await assert.rejects(Stronghold.load(path, 'abc', { passwordHash: () => new Uint8Array(31) }), (e: any) => isCode('InvalidArgument')(e) && e.details.field === 'passwordHash');
  });

  test('without configure, load uses the plugin\'s Argon2id with salt.txt beside the snapshot', async () => {
    configure({});
    const sub = join(dir, 'default-kdf');
    mkdirSync(sub);
    const path = join(sub, 'vault.hold');
    const sh = await Stronghold.load(path, 'pw', { workFactor: 0 });
    await (await sh.createClient('c')).getStore().insert('k', [7]);
    await sh.unload();
    const salt = readFileSync(join(sub, 'salt.txt'));
    assert.equal(salt.length, 32);
    const core = await CoreStronghold.open(path, { key: nobleArgon2id('pw', salt, { t: 2, m: 19_456, p: 1, dkLen: 32 }) }, { readOnly: true });
    assert.deepEqual(core.loadClient('c').store.get('k'), new Uint8Array([7]));
    await core.close();
    assert.throws(() => configure(null as never), isCode('InvalidArgument'));
    await assert.rejects(Stronghold.load('', 'pw'), isCode('InvalidArgument'));
  });

  test('a second load of the same path replaces the first instance without saving it', async () => {
    const path = join(dir, 'twice.hold');
    const opts = { passwordHash: () => new Uint8Array(32).fill(1), workFactor: 0 };
    const first = await Stronghold.load(path, 'pw', opts);
    const c = await first.createClient('c');
    await c.getStore().insert('saved', [1]);
    await first.save();
    await c.getStore().insert('unsaved', [2]);
    const second = await Stronghold.load(path, 'pw', opts);
    const store = (await second.loadClient('c')).getStore();
    assert.deepEqual(await store.get('saved'), new Uint8Array([1]));
    assert.equal(await store.get('unsaved'), null);
    await second.unload();
  });

  test('a failed load of a loaded path keeps the loaded instance and its unsaved data (the plugin inserts only on success)', async () => {
    const path = join(dir, 'keep.hold');
    const opts = { passwordHash: (p: string) => new Uint8Array(32).fill(p.length), workFactor: 0 };
    const first = await Stronghold.load(path, 'pw', opts);
    const store = (await first.createClient('c')).getStore();
    await store.insert('saved', [1]);
    await first.save();
    await store.insert('unsaved', [2]);
    await assert.rejects(Stronghold.load(path, 'wrong', opts), isCode('WrongPassword'));
    assert.deepEqual(await store.get('unsaved'), new Uint8Array([2]), 'the loaded instance survived');
    await first.save();
    const core = await CoreStronghold.open(path, { key: new Uint8Array(32).fill(2) }, { readOnly: true });
    assert.deepEqual(core.loadClient('c').store.get('unsaved'), new Uint8Array([2]), 'and can still save');
    await core.close();
    await first.unload();
  });

  test('a loaded path that was never saved is replaced by a load with another password (nothing on disk to check against)', async () => {
    const path = join(dir, 'never-saved.hold');
    const opts = { passwordHash: (p: string) => new Uint8Array(32).fill(p.length), workFactor: 0 };
    const first = await Stronghold.load(path, 'pw', opts);
    await first.createClient('c');
    const second = await Stronghold.load(path, 'other', opts);
    await assert.rejects(second.loadClient('c'), isCode('ClientNotFound'));
    await second.unload();
  });

  test('rejections carry the typed code and behave like the plugin\'s string rejections', async () => {
    const sh = await Stronghold.load(join(dir, 'errors.hold'), 'pw', { passwordHash: () => new Uint8Array(32), workFactor: 0 });
    const err = await sh.loadClient('missing').catch((e) => e);
    assert.ok(isCode('ClientNotFound')(err));
    assert.ok(err instanceof StrongholdError && err instanceof TauriStrongholdError);
    // App code written for the plugin, where `err` is a string:
    assert.equal(String(err), err.message);
    assert.equal(`${err}`, err.message);
    assert.equal(err + '', err.message);
    assert.ok(err.includes('missing') && err.startsWith(err.message.slice(0, 5)) && err.toLowerCase() === err.message.toLowerCase());
    assert.equal(err.length, err.message.length);
    assert.deepEqual(err.split(' '), err.message.split(' '));
    const wrong = await Stronghold.load(join(dir, 'errors.hold'), 'pw', { passwordHash: () => new Uint8Array(31) }).catch((e) => e);
    assert.ok(wrong instanceof TauriStrongholdError && wrong.code === 'InvalidArgument' && wrong.includes('passwordHash'));
    const vault = (await sh.createClient('c')).getVault('v');
    assert.deepEqual(vault.procedureArgs, { snapshotPath: join(dir, 'errors.hold'), client: 'c', vault: 'v' }, 'public, as the plugin\'s');
    await vault.remove(Location.generic('v', 'never written'));
    await (await sh.createClient('empty')).getVault('no such vault').remove(Location.generic('x', 'r'));
    await vault.insert('written', [1]);
    await vault.remove(Location.generic('v', 'written'));
    await vault.remove(Location.generic('v', 'written'));
    await assert.rejects(vault.remove({ type: 'Generic', payload: { record: 5 } } as unknown as Location), isCode('InvalidArgument'), 'a malformed location still rejects');
    await assert.rejects(vault.deriveSLIP10([44], 'Seed', Location.generic('v', 's'), Location.generic('v', 'k')), isCode('InvalidArgument'), 'non-hardened Ed25519');
    await assert.rejects(vault.recoverBIP39('not a mnemonic', Location.generic('v', 's')), isCode('InvalidArgument'));
    await assert.rejects(vault.getEd25519PublicKey(Location.generic('v', 'nothing')), (e: any) => e?.name === 'StrongholdError');
    await assert.rejects(vault.insert('r', [256]), isCode('InvalidArgument'));
    await assert.rejects(vault.signEd25519({ type: 'Nope', payload: {} } as Location, 'x'), isCode('InvalidArgument'));
    assert.deepEqual(await vault.generateSLIP10Seed(Location.counter('v', 0)), new Uint8Array(0));
    await sh.unload();
  });
});
