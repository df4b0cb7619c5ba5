/**
 * `stronghold-ts/tauri` in a real Chromium, on the zone worker: the plugin README's example with its import swapped
 * to the browser bundle (compiled from its TypeScript with esbuild), the Tauri guide's example, and a snapshot the
 * Node facade wrote opened in the page. Keys are checked independently here (Argon2id of the password with the salt
 * the page made, node:crypto Ed25519 and SLIP-10 from the mnemonic).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, verify } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { argon2id } from '@noble/hashes/argon2.js';
import { transform } from 'esbuild';
import { Stronghold as CoreStronghold } from '../../src/client/stronghold.js';
import { memoryStorage } from '../../src/snapshot/storage.js';
import { configure, Location, Stronghold } from '../../src/facades/tauri.js';
import { browserSession, skipReason } from './harness.js';

const session = browserSession();
const TAURI_README = fileURLToPath(new URL('../../node_modules/@tauri-apps/plugin-stronghold/README.md', import.meta.url));
const spki = (pk: string) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pk, 'hex')]), format: 'der', type: 'spki' });

/** Opens the snapshot bytes under `key` in memory and reads `client`'s store entry `key`. */
async function storeValue(file: Buffer, key: Uint8Array, client: string, entry: string): Promise<string | null> {
  const storage = memoryStorage();
  await storage.write('s', file);
  const core = await CoreStronghold.open('s', { key }, { storage, readOnly: true });
  const v = core.loadClient(client).store.get(entry);
  await core.close();
  return v === null ? null : new TextDecoder().decode(v);
}

function slip10Ed25519Public(seed: Buffer, chain: number[]): string {
  let i = createHmac('sha512', 'ed25519 seed').update(seed).digest();
  for (const index of chain) {
    const data = Buffer.alloc(37);
    i.copy(data, 1, 0, 32);
    data.writeUInt32BE(index, 33);
    i = createHmac('sha512', i.subarray(32)).update(data).digest();
  }
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), i.subarray(0, 32)]);
  return createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
}

describe('the Tauri facade in Chromium', { skip: skipReason }, () => {
  test('the plugin README example, import swapped to the browser bundle, runs; the file holds the entry under the plugin\'s Argon2id key', async () => {
    const block = readFileSync(TAURI_README, 'utf8').match(/```javascript\n([\s\S]*?)```/)![1]!;
    let code = block.replace('from "tauri-plugin-stronghold-api"', 'from "/bundle/tauri.js"');
    // A page has no Tauri app data folder: the two lines asking the host for it name an OPFS folder instead.
    code = code.replace('import { appDataDir } from "@tauri-apps/api/path";\n', '').replace('`${await appDataDir()}/vault.hold`', '"app-data/vault.hold"');
    // The README's own two slips, as in test/facades/examples.test.ts: `hold` means `stronghold`; `data` is declared twice.
    code = code.replaceAll('await hold.', 'await stronghold.')
      .replace('const data = await store.get(key);\n\nconst value = new TextDecoder().decode(new Uint8Array(data));', 'const read = await store.get(key);\n\nconst value = new TextDecoder().decode(new Uint8Array(read));');
    assert.ok(!code.includes('appDataDir') && !/\bhold\./.test(code) && code.includes('/bundle/tauri.js'), 'the README still has the lines this test adapts');
    const js = (await transform(`${code}\nglobalThis.exampleResult = { value };\n`, { loader: 'ts', format: 'esm' })).code;
    writeFileSync(join(session.scratch, 'readme.js'), js);
    assert.deepEqual(await session.call('tauri.js', 'runModule', 'readme.js'), { value: 'Hello, World!' });
    const [file, salt] = (await session.call<string[]>('tauri.js', 'opfsFiles', ['app-data/vault.hold', 'app-data/salt.txt'])).map((b) => Buffer.from(b, 'base64'));
    assert.equal(salt!.length, 32);
    const key = argon2id('The key to the vault', salt!, { t: 2, m: 19_456, p: 1, dkLen: 32 });
    assert.equal(await storeValue(file!, key, 'name your client', 'my_key'), 'Hello, World!', 'saved before the README removes it');
  });

  test('the Tauri guide example: store, vault, BIP-39, SLIP-10, sign, save, unload, load again', async () => {
    const r = await session.call<any>('tauri.js', 'guideExample');
    assert.equal(r.isClient, true);
    assert.equal(r.read, 'secret value');
    assert.equal(r.mnemonic.split(' ').length, 24);
    const chain = [44, 4218, 0, 0, 0].map((n) => (n | 0x8000_0000) >>> 0);
    assert.equal(slip10Ed25519Public(pbkdf2Sync(r.mnemonic.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512'), chain), r.pk, 'the stored seed is BIP39(mnemonic)');
    assert.equal(r.pk2, r.pk);
    assert.equal(r.pk3, r.pk);
    assert.equal(r.chainCode.length, 64);
    assert.ok(verify(null, Buffer.from('hello tauri'), spki(r.pk), Buffer.from(r.sig, 'hex')));
    assert.equal(r.stored, 'secret value');
    assert.equal(r.afterUnload.code, 'InvalidArgument');
    assert.equal(r.wrong.code, 'WrongPassword');
    assert.ok(r.wrong.text.length > 0, 'a rejection reads as a string, as the plugin\'s');
    const key = argon2id('vault password', Buffer.from(r.salt, 'base64'), { t: 2, m: 19_456, p: 1, dkLen: 32 });
    assert.equal(await storeValue(Buffer.from(r.file, 'base64'), key, 'name your client', 'my_key'), 'secret value');
  });

  test('a snapshot the Node facade wrote opens in the page with the same passwordHash', async () => {
    const dir = join(session.scratch, 'node');
    mkdirSync(dir);
    const passwordHash = (p: string) => createHash('sha256').update(p).digest();
    configure({ passwordHash, workFactor: 0 });
    try {
      const sh = await Stronghold.load(join(dir, 'node.hold'), 'node password');
      const client = await sh.createClient('app');
      await client.getStore().insert('from', Array.from(Buffer.from('node')));
      const vault = client.getVault('keys');
      await vault.generateSLIP10Seed(Location.generic('keys', 'seed'));
      await vault.deriveSLIP10(["44'", "4218'", "0'"], 'Seed', Location.generic('keys', 'seed'), Location.generic('keys', 'k'));
      const pk = Buffer.from(await vault.getEd25519PublicKey(Location.generic('keys', 'k'))).toString('hex');
      await sh.save();
      await sh.unload();
      writeFileSync(join(session.scratch, 'node.hold'), readFileSync(join(dir, 'node.hold')));
      const r = await session.call<{ pk: string; value: string }>('tauri.js', 'openNodeSnapshot', 'node.hold', 'node password', 'app', 'keys', 'k');
      assert.deepEqual(r, { pk, value: 'node' });
    } finally {
      configure({});
    }
  });

  test('a snapshot and salt.txt the Node facade wrote with the plugin\'s default Argon2id open in the page', async () => {
    const dir = join(session.scratch, 'node-argon2');
    mkdirSync(dir);
    configure({ workFactor: 0 });
    try {
      const sh = await Stronghold.load(join(dir, 'app.hold'), 'argon2 password');
      await (await sh.createClient('app')).getStore().insert('from', Array.from(Buffer.from('node argon2')));
      await sh.save();
      await sh.unload();
    } finally {
      configure({});
    }
    writeFileSync(join(session.scratch, 'app.hold'), readFileSync(join(dir, 'app.hold')));
    writeFileSync(join(session.scratch, 'salt.txt'), readFileSync(join(dir, 'salt.txt')));
    assert.equal(await session.call('tauri.js', 'openNodeArgon2', 'app.hold', 'argon2 password', 'app'), 'node argon2');
  });

  test('the page logged no error', () => assert.deepEqual(session.errors, []));
});
