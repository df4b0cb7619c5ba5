// The zone worker from the page: create and export, open what the command line wrote, lock and idle lock,
// errors across the boundary, and the procedure compliance cases (the JSON form of the calls, run in the worker).
import { Location, StrongholdWorker, isStrongholdError, opfsStorage, exportSnapshot } from '/bundle/stronghold.js';
import { bip39Recover, ed25519Sign, generateKey, parseChain, publicKey, resultToJSON, slip10Derive } from '/bundle/procedures.js';
import { blobToBase64, errorOf, fetchBlob, fromHex, hex } from './util.js';

const SEED = Location.generic('iota-wallet-secret', 'iota-wallet-seed');

/**
 * A new snapshot made in the worker, saved to `storage` (OPFS by default): the SDK seed from `mnemonic`, a
 * generated Ed25519 key at keys/signer, a store entry. Returns the exported file and the public results.
 */
export async function createAndExport(mnemonic, message, storageKind = 'opfs') {
  const name = `made-in-browser-${Date.now()}.stronghold`;
  const sh = await StrongholdWorker.open({ storage: { kind: storageKind }, path: name, password: 'browser-pw', create: true, workFactor: 1 });
  const seedClient = await sh.createClient('iota_seed');
  await seedClient.execute(bip39Recover({ mnemonic, output: SEED }));
  const app = await sh.createClient('app');
  const signer = Location.generic('keys', 'signer');
  await app.execute(generateKey({ keyType: 'ed25519', output: signer }));
  const pub = await app.execute(publicKey({ keyType: 'ed25519', privateKey: signer }));
  const sig = await app.execute(ed25519Sign({ privateKey: signer, msg: new TextEncoder().encode(message) }));
  await app.store.insert('made-by', 'chromium');
  await sh.save();
  const exported = await sh.export();
  const info = await sh.info();
  await sh.close();
  // The page reaches the same bytes through the storage adapter directly (OPFS is the origin's, not the worker's).
  const direct = storageKind === 'opfs' ? await blobToBase64(await exportSnapshot(opfsStorage(), name)) : null;
  return { file: await blobToBase64(exported), direct, publicKey: hex(pub), signature: hex(sig), info };
}

/** Opens a file the command line wrote (served at /scratch/) in IndexedDB storage; its public key and a signature. */
export async function openFromCli(file, password, client, vault, record, message) {
  const sh = await StrongholdWorker.open({ storage: { kind: 'indexeddb', database: 'stronghold-test' }, path: file, password, file: await fetchBlob(`/scratch/${file}`) });
  const c = await sh.loadClient(client);
  const key = Location.generic(vault, record);
  const pub = await c.execute(publicKey({ keyType: 'ed25519', privateKey: key }));
  const sig = await c.execute(ed25519Sign({ privateKey: key, msg: new TextEncoder().encode(message) }));
  const info = await sh.info();
  await sh.close();
  return { publicKey: hex(pub), signature: hex(sig), info };
}

/** lock() from the page, calls refused while locked, unlock with the password; then the idle lock. */
export async function lockAndIdle() {
  const events = [];
  let idle;
  const idled = new Promise((resolve) => (idle = resolve));
  const sh = await StrongholdWorker.open({
    path: 'lock.stronghold', password: 'pw', create: true, workFactor: 0, idleLockMs: 300, onIdleLock: () => (events.push('idle'), idle()),
  });
  const c = await sh.createClient('c');
  const key = Location.generic('v', 'k');
  await c.execute(generateKey({ keyType: 'ed25519', output: key }));
  const pub = hex(await c.execute(publicKey({ keyType: 'ed25519', privateKey: key })));
  await sh.lock();
  const whileLocked = await c.recordExists(key).then(() => null, errorOf);
  const wrong = await sh.unlock('not-pw').then(() => null, errorOf);
  await sh.unlock('pw');
  const c2 = await sh.loadClient('c');
  const again = hex(await c2.execute(publicKey({ keyType: 'ed25519', privateKey: key })));
  // Every request counts as use, so wait for the worker's event instead of asking it (5 s at most).
  await Promise.race([idled, new Promise((r) => setTimeout(r, 5000))]);
  const afterIdle = (await sh.info()).isLocked;
  const idleRefused = await c2.recordExists(key).then(() => null, errorOf);
  await sh.close();
  const afterClose = await sh.info().then(() => null, errorOf);
  return { pub, again, whileLocked, wrong, events, afterIdle, idleRefused, afterClose };
}

/** Bad input crosses back as a typed StrongholdError and changes nothing. */
export async function errors() {
  const sh = await StrongholdWorker.open({ path: 'e.stronghold', password: 'pw', create: true, workFactor: 0 });
  const c = await sh.createClient('c');
  const missing = await c.execute(publicKey({ keyType: 'ed25519', privateKey: Location.generic('v', 'none') })).then(() => null, errorOf);
  const wrongFile = await StrongholdWorker.open({ path: 'x', password: 'pw', file: new Blob(['not a snapshot']) }).then(() => null, errorOf);
  const badPassword = await StrongholdWorker.open({ path: 'w', password: 'no', file: await fetchBlob('/fixtures/chrysalis-backup-work-factor-0.stronghold') }).then(() => null, errorOf);
  const rebuilt = isStrongholdError(await c.vaultExists(42).catch((e) => e));
  await sh.close();
  return { missing, wrongFile, badPassword, rebuilt };
}

/**
 * Compliance cases: each `{ secrets: [[vault, record, hex]], calls: JSON form, expect: JSON outputs }` runs as one
 * chain in the worker; returns each case's JSON outputs, or its error.
 */
export async function compliance(cases) {
  const sh = await StrongholdWorker.open({ path: 'compliance.stronghold', password: 'pw', create: true, workFactor: 0 });
  const out = [];
  try {
    for (const [i, k] of cases.entries()) {
      const c = await sh.createClient(`case-${i}`);
      for (const [vault, record, secret] of k.secrets) await c.writeSecret(Location.generic(vault, record), fromHex(secret));
      const calls = parseChain(k.calls);
      try {
        const outputs = await c.executeChain(calls);
        out.push(outputs.map((o, j) => resultToJSON(calls[j], o)));
      } catch (e) {
        out.push(errorOf(e));
      }
    }
  } finally {
    await sh.close();
  }
  return out;
}

/**
 * What the heap test searches the page for: the page opens a fixture (encrypted bytes), the worker decrypts it,
 * derives keys from its seed and signs; the page sees public keys and signatures only. The handle stays alive.
 * A spy on the Worker class records every message the page receives from the worker, so the test can also
 * search all the bytes that ever crossed to the page (a heap snapshot holds no typed-array contents).
 */
export async function useSecrets(file, password, chains) {
  const received = [];
  const RealWorker = globalThis.Worker;
  globalThis.Worker = class extends RealWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => received.push(e.data));
    }
  };
  let sh;
  try {
    sh = await StrongholdWorker.open({ path: 'heap.stronghold', password, file: await fetchBlob(`/fixtures/${file}`), readOnly: true });
  } finally {
    globalThis.Worker = RealWorker;
  }
  const c = await sh.loadClient('iota_seed');
  const keys = [];
  for (const [i, chain] of chains.entries()) {
    const key = Location.generic('derived', `k${i}`);
    await c.execute(slip10Derive({ curve: 'ed25519', chain, input: { seed: SEED }, output: key }));
    keys.push(hex(await c.execute(publicKey({ keyType: 'ed25519', privateKey: key }))));
    await c.execute(ed25519Sign({ privateKey: key, msg: new Uint8Array([1, 2, 3]) }));
  }
  globalThis.strongholdHeapTest = sh;
  return { keys, received: flatten(received) };
}

/** Every byte string (as hex) and every string inside the received messages. */
function flatten(messages) {
  const out = [];
  const walk = (v) => {
    if (ArrayBuffer.isView(v)) out.push(hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
    else if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(messages);
  return out;
}

/** The positive control of the heap search: random bytes the page holds as hex text, as it would a leaked key. */
export function holdCanary() {
  globalThis.strongholdCanary = hex(crypto.getRandomValues(new Uint8Array(32)));
  return globalThis.strongholdCanary;
}

/** Two workers on one OPFS or IndexedDB snapshot: the second is refused while the first holds the Web Lock. */
export async function secondWriter(kind) {
  const spec = kind === 'opfs' ? { kind } : { kind, database: 'stronghold-lock-test' };
  const first = await StrongholdWorker.open({ storage: spec, path: 'locked.stronghold', password: 'pw', create: true, workFactor: 0 });
  await first.createClient('c');
  await first.save();
  const refused = await StrongholdWorker.open({ storage: spec, path: 'locked.stronghold', password: 'pw' }).then(() => null, errorOf);
  const reader = await StrongholdWorker.open({ storage: spec, path: 'locked.stronghold', password: 'pw', readOnly: true });
  const readerSees = await reader.hasClient('c');
  await reader.close();
  await first.close();
  const second = await StrongholdWorker.open({ storage: spec, path: 'locked.stronghold', password: 'pw' });
  const secondSees = await second.hasClient('c');
  await second.close();
  return { refused, readerSees, secondSees };
}
