// The Tauri plugin's guide example (v2.tauri.app/plugin/stronghold) in the page, on stronghold-ts/tauri's browser
// build; and a snapshot the Node facade wrote, opened here.
import { Client, Location, Stronghold, configure } from '/bundle/tauri.js';
import { blobToBase64, fetchBlob, hex } from './util.js';
import { exportSnapshot, opfsStorage } from '/bundle/stronghold.js';

export async function guideExample() {
  configure({ workFactor: 1 });
  const vaultPath = 'tauri-guide/vault.hold';
  const vaultPassword = 'vault password';
  const initStronghold = async () => {
    const stronghold = await Stronghold.load(vaultPath, vaultPassword);
    let client;
    const clientName = 'name your client';
    try {
      client = await stronghold.loadClient(clientName);
    } catch {
      client = await stronghold.createClient(clientName);
    }
    return { stronghold, client };
  };
  const { stronghold, client } = await initStronghold();
  const store = client.getStore();
  await store.insert('my_key', Array.from(new TextEncoder().encode('secret value')));
  const read = new TextDecoder().decode(new Uint8Array(await store.get('my_key')));
  const vault = client.getVault('vault');
  await vault.insert('raw', Array.from({ length: 32 }, (_, i) => i));
  const seedLoc = Location.generic('vault', 'seed');
  const mnemonic = new TextDecoder().decode(await vault.generateBIP39(seedLoc));
  const keyLoc = Location.generic('vault', 'key');
  const chain = [44, 4218, 0, 0, 0].map((n) => (n | 0x8000_0000) >>> 0);
  const chainCode = await vault.deriveSLIP10(chain, 'Seed', seedLoc, keyLoc);
  const pk = await vault.getEd25519PublicKey(keyLoc);
  const sig = await vault.signEd25519(keyLoc, 'hello tauri');
  await vault.recoverBIP39(mnemonic, Location.generic('vault', 'recovered'));
  await vault.deriveSLIP10(["44'", "4218'", "0'", "0'", "0'"], 'Seed', Location.generic('vault', 'recovered'), Location.generic('vault', 'key2'));
  const pk2 = await vault.getEd25519PublicKey(Location.generic('vault', 'key2'));
  await stronghold.save();
  await stronghold.unload();
  const afterUnload = await store.get('my_key').then(() => null, (e) => ({ code: e.code, text: String(e) }));
  // Load again: the saved store entry and keys are there.
  const again = await Stronghold.load(vaultPath, vaultPassword);
  const c2 = await again.loadClient('name your client');
  const stored = new TextDecoder().decode(new Uint8Array(await c2.getStore().get('my_key')));
  const pk3 = await c2.getVault('vault').getEd25519PublicKey(keyLoc);
  await again.unload();
  const wrong = await Stronghold.load('tauri-guide/vault.hold', 'not the password').then(() => null, (e) => ({ code: e.code, text: String(e) }));
  const file = await blobToBase64(await exportSnapshot(opfsStorage(), vaultPath));
  const salt = await blobToBase64(await exportSnapshot(opfsStorage(), 'tauri-guide/salt.txt'));
  configure({});
  return {
    read, mnemonic, chainCode: hex(chainCode), pk: hex(pk), pk2: hex(pk2), pk3: hex(pk3), sig: hex(sig), stored, afterUnload, wrong, file, salt,
    isClient: client instanceof Client,
  };
}

/** Runs a module the test wrote to /scratch/ (the plugin README's example, import swapped) and returns what it left. */
export async function runModule(name) {
  await import(`/scratch/${name}`);
  return globalThis.exampleResult;
}

/** The OPFS entries an example wrote, as base64 (for the test's independent check). */
export async function opfsFiles(names) {
  return Promise.all(names.map(async (n) => blobToBase64(await exportSnapshot(opfsStorage(), n))));
}

/** Opens a snapshot and its salt.txt the Node facade wrote with the plugin's default Argon2id set-up. */
export async function openNodeArgon2(name, password, client) {
  const sh = await Stronghold.load(`imported-argon2/${name}`, password, { file: await fetchBlob(`/scratch/${name}`), saltFile: await fetchBlob('/scratch/salt.txt') });
  const value = new TextDecoder().decode(new Uint8Array(await (await sh.loadClient(client)).getStore().get('from')));
  await sh.unload();
  return value;
}

/** Opens a snapshot the Node facade wrote (key: SHA-256 of the password, the app's own `passwordHash`). */
export async function openNodeSnapshot(name, password, client, vault, record) {
  const passwordHash = async (p) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(p)));
  const sh = await Stronghold.load(`imported/${name}`, password, { passwordHash, file: await fetchBlob(`/scratch/${name}`) });
  const c = await sh.loadClient(client);
  const pk = await c.getVault(vault).getEd25519PublicKey(Location.generic(vault, record));
  const value = new TextDecoder().decode(new Uint8Array(await c.getStore().get('from')));
  await sh.unload();
  return { pk: hex(pk), value };
}
