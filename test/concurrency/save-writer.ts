/**
 * Child process for the crash and two-writer tests (not a test itself). Started with
 * `fork(thisFile, [mode, path, ...], { execArgv: ['--import', 'tsx'] })`; everything goes through the public
 * `Stronghold` API (open, write, save, close), at work factor 0.
 *
 * - `crash PATH`: opens the snapshot (taking over the lock of a killed predecessor), then forever: writes version
 *   n+1 (see `writeVersion`), saves, reports `{ saved: n+1 }`. Reports `{ opened: n }` first.
 * - `counter PATH N`: N times: open (retrying while `SnapshotLocked`), add one to the store counter and record
 *   this process's step, save, close. Reports `{ locked: k }` (how often it waited) and `{ done: true }`.
 * - `hold PATH`: opens, writes `held`, saves, reports `{ ready: true }`, and keeps the lock until it receives
 *   `'close'`; then writes `final`, saves, closes and reports `{ closed: true }`.
 * @module
 */
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';

/** The snapshot key of these tests (test data, not a secret). */
export const WRITER_KEY = { key: new Uint8Array(32).fill(0x37) };
export const CLIENT = 'crash-client';
/** Store keys of the version (u32 big-endian) and of the slot each version updates. */
export const VERSION_KEY = 'version';
export const SLOTS = 8;

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};
export const readU32 = (b: Uint8Array | null): number => (b === null ? -1 : new DataView(b.buffer, b.byteOffset, 4).getUint32(0));

/** The bytes slot `n % SLOTS` holds after version n: deterministic, 100..1123 bytes, so saves vary in size. */
export function slotValue(n: number): Uint8Array {
  const out = new Uint8Array(100 + ((n * 7919) % 1024));
  for (let i = 0; i < out.length; i++) out[i] = (n + i * 31) & 0xff;
  return out;
}

/** Version n: the store says n, slot n % SLOTS holds `slotValue(n)`, and record `r<n % SLOTS>` exists. */
export function writeVersion(sh: Stronghold, n: number): void {
  const client = sh.getClient(CLIENT);
  client.store.insert(VERSION_KEY, u32(n));
  client.store.insert(`slot${n % SLOTS}`, slotValue(n));
  client.writeSecret(Location.generic('vault', `r${n % SLOTS}`), slotValue(n).subarray(0, 32));
}

function clientOf(sh: Stronghold): void {
  if (sh.hasClient(CLIENT)) sh.loadClient(CLIENT);
  else sh.createClient(CLIENT);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openRetrying(path: string): Promise<{ sh: Stronghold; waits: number }> {
  for (let waits = 0; ; waits++) {
    try {
      return { sh: await Stronghold.open(path, WRITER_KEY, { create: true, workFactor: 0 }), waits };
    } catch (e) {
      if (!isStrongholdError(e, 'SnapshotLocked')) throw e;
      await sleep(1 + Math.random() * 10);
    }
  }
}

async function crash(path: string): Promise<void> {
  const sh = await Stronghold.open(path, WRITER_KEY, { create: true, workFactor: 0 });
  clientOf(sh);
  let n = readU32(sh.getClient(CLIENT).store.get(VERSION_KEY));
  process.send?.({ opened: n });
  for (;;) {
    n++;
    writeVersion(sh, n);
    await sh.save();
    process.send?.({ saved: n });
  }
}

async function counter(path: string, times: number): Promise<void> {
  let locked = 0;
  for (let i = 0; i < times; i++) {
    const { sh, waits } = await openRetrying(path);
    locked += waits;
    clientOf(sh);
    const store = sh.getClient(CLIENT).store;
    store.insert('count', u32(Math.max(0, readU32(store.get('count'))) + 1));
    store.insert(`p${process.pid}-${i}`, u32(i));
    await sh.save();
    await sh.close();
  }
  process.send?.({ locked });
  process.send?.({ done: true });
}

async function hold(path: string): Promise<void> {
  const sh = await Stronghold.open(path, WRITER_KEY, { create: true, workFactor: 0 });
  clientOf(sh);
  sh.getClient(CLIENT).store.insert('held', u32(process.pid));
  await sh.save();
  process.send?.({ ready: true });
  await new Promise<void>((resolve) => process.on('message', (m) => m === 'close' && resolve()));
  sh.getClient(CLIENT).store.insert('final', u32(process.pid));
  await sh.save();
  await sh.close();
  process.send?.({ closed: true });
  process.disconnect();
}

if (process.send && process.argv[2]) {
  const [, , mode, path, arg] = process.argv;
  const run = mode === 'crash' ? crash(path!) : mode === 'counter' ? counter(path!, Number(arg)) : hold(path!);
  run.catch((e: unknown) => {
    process.send?.({ error: (e as { code?: string }).code ?? String(e) });
    process.exit(1);
  });
}
