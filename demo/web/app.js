// The demo: every secret stays in the zone worker; this page holds the password field and public results only.
import { Location, StrongholdWorker } from '/bundle/stronghold.js';
import { bip39Recover, ed25519Sign, publicKey, slip10Derive } from '/bundle/procedures.js';
import { blake2b } from '/vendor/@noble/hashes/blake2.js';
import { bech32 } from '/vendor/@scure/base/index.js';

const $ = (id) => document.getElementById(id);
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
// The IOTA SDK's layout of its seed, so files open in the SDK, the Tauri plugin and the command line alike.
const SEED = Location.generic('iota-wallet-secret', 'iota-wallet-seed');
const CLIENT = 'iota_seed';
const hardened = (n) => (n | 0x8000_0000) >>> 0;
let sh = null;
let client = null;

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

/** Runs a button's action, reporting its outcome (errors are StrongholdErrors with a code and a message). */
function action(id, fn) {
  $(id).addEventListener('click', async () => {
    $(id).disabled = true;
    try {
      status(await fn());
    } catch (e) {
      status(`${e.code ?? 'Error'}: ${e.message}`, true);
    } finally {
      $(id).disabled = false;
    }
  });
}

/** The Ed25519 key of address `index` (m/44'/coin'/0'/0'/index'), derived in the worker; its public key. */
async function addressKey(index) {
  const coin = Number($('coin').value);
  const key = Location.generic('demo-keys', `${coin}/${index}`);
  await client.execute(slip10Derive({ curve: 'ed25519', chain: [44, coin, 0, 0, index].map(hardened), input: { seed: SEED }, output: key }));
  return { key, pub: await client.execute(publicKey({ keyType: 'ed25519', privateKey: key })) };
}

/** An IOTA Ed25519 address: bech32(hrp, 0x00 || BLAKE2b-256(public key)). */
const address = (pub) => bech32.encode($('hrp').value, bech32.toWords(Uint8Array.from([0, ...blake2b(pub, { dkLen: 32 })])));

action('create', async () => {
  const file = $('file').files[0];
  await sh?.close();
  sh = await StrongholdWorker.open({
    storage: { kind: 'opfs' }, path: $('name').value, password: $('password').value, create: true, ...(file ? { file } : {}),
    onProgress: (p) => status(`Unlocking… ${p.fraction === undefined ? '' : `${Math.round(p.fraction * 100)} %`}`),
    onIdleLock: () => status('Locked after 5 minutes without use; create or open again.'),
  });
  client = (await sh.hasClient(CLIENT)) ? await sh.loadClient(CLIENT) : await sh.createClient(CLIENT);
  $('password').value = '';
  $('wallet').hidden = false;
  const info = await sh.info();
  return `Opened ${info.path} (snapshot v${info.snapshotVersion ?? 3}, ${info.storage}).`;
});

action('recover', async () => {
  await client.execute(bip39Recover({ mnemonic: $('mnemonic').value.trim(), output: SEED }));
  $('mnemonic').value = '';
  return 'Seed stored in the vault (the mnemonic field was cleared).';
});

action('addresses', async () => {
  const list = $('address-list');
  list.replaceChildren();
  for (let i = 0; i < 3; i++) {
    const li = document.createElement('li');
    li.textContent = address((await addressKey(i)).pub);
    list.append(li);
  }
  return 'First three addresses (account 0, external).';
});

action('sign', async () => {
  const { key, pub } = await addressKey(0);
  const sig = await client.execute(ed25519Sign({ privateKey: key, msg: new TextEncoder().encode($('message').value) }));
  $('public-key').textContent = hex(pub);
  $('signature').textContent = hex(sig);
  $('signed').hidden = false;
  return 'Signed with the key of address 0.';
});

action('save', async () => {
  await sh.save();
  return 'Saved to OPFS.';
});

action('download', async () => {
  const url = URL.createObjectURL(await sh.export());
  const a = Object.assign(document.createElement('a'), { href: url, download: $('name').value });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return 'Downloading the saved snapshot (save first to include the latest changes).';
});

action('lock', async () => {
  await sh.lock();
  $('wallet').hidden = true;
  return 'Locked: every key in the worker was wiped. Open again with the password.';
});
