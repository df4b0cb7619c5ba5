/**
 * Issue 3 figures, through the public `Stronghold` API on real files:
 * - save and load (open read-only + close) of 1k, 10k and 100k records of 32 bytes at work factor 0, with file
 *   bytes and the growth ratio from one size to the next (linear growth gives 10x);
 * - memory per record of a Stronghold opened from the 100k-record file;
 * - unlock (open) of a work-factor-19 file next to a bare `node:crypto.scrypt` with the same parameters
 *   (N = 2^19, r = 8, p = 1), pair by pair, and a save after that unlock as a share of it.
 * `--quick` skips 100k and W = 19. Runnable alone: `npx tsx --expose-gc bench/snapshot.ts [--quick]`.
 * @module
 */
import { scrypt } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stronghold } from '../src/client/stronghold.js';
import { Location } from '../src/engine/location.js';
import { scryptMaxmem } from '../src/snapshot/scrypt.js';
import { formatTable, gc, rowOf, settledMemory, spread, timeMs, type BenchOptions, type Row } from './report.js';

const PASSWORD = 'benchmark password';
const AREA = 'snapshot';

async function fill(path: string, n: number, workFactor: number): Promise<void> {
  const sh = await Stronghold.open(path, PASSWORD, { create: true, workFactor });
  const client = sh.createClient('bench');
  const secret = new Uint8Array(32).fill(0x5a);
  for (let i = 0; i < n; i++) client.writeSecret(Location.counter('vault', i), secret);
  await sh.save();
  await sh.close();
}

function bareScrypt(workFactor: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    scrypt('benchmark password', new Uint8Array(16 + 18), 32, { N: 2 ** workFactor, r: 8, p: 1, maxmem: scryptMaxmem(workFactor) }, (err) =>
      err ? reject(err) : resolve(performance.now() - t0));
  });
}

export async function benchSnapshot(opts: BenchOptions = { quick: false }): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-bench-snapshot-'));
  const rows: Row[] = [];
  try {
    const sizes = opts.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
    const medians = new Map<number, { save: number; load: number; bytes: number }>();
    for (const n of sizes) {
      const runs = opts.quick ? 2 : n >= 100_000 ? 5 : 7;
      const path = join(dir, `n${n}.stronghold`);
      await fill(path, n, 0);
      const bytes = statSync(path).size;
      const sh = await Stronghold.open(path, PASSWORD, { workFactor: 0 });
      // save() always encodes and writes every client, changed or not: each run is a full save.
      const saves: number[] = [];
      for (let r = 0; r < runs; r++) saves.push(await timeMs(() => sh.save()));
      await sh.close();
      const loads: number[] = [];
      for (let r = 0; r < runs; r++) {
        loads.push(await timeMs(async () => {
          const opened = await Stronghold.open(path, PASSWORD, { readOnly: true });
          await opened.close();
        }));
      }
      const label = `${n.toLocaleString('en-US')} records`;
      const note = `32-byte secrets in one vault, W = 0; file ${bytes.toLocaleString('en-US')} bytes (${(bytes / n).toFixed(1)} per record)`;
      rows.push(rowOf({ area: AREA, name: `save, ${label}`, unit: 'ms', note: `Stronghold.save(): encode, compress, encrypt, atomic write; ${note}` }, saves));
      rows.push(rowOf({ area: AREA, name: `load, ${label}`, unit: 'ms', note: `Stronghold.open(readOnly) + close: read, decrypt, decompress, decode, import; ${note}` }, loads));
      rows.push({ area: AREA, name: `file size, ${label}`, value: bytes, unit: 'bytes' });
      medians.set(n, { save: spread(saves).median, load: spread(loads).median, bytes });
    }
    for (let i = 1; i < sizes.length; i++) {
      const a = medians.get(sizes[i - 1]!)!;
      const b = medians.get(sizes[i]!)!;
      const step = `${sizes[i - 1]! / 1000}k → ${sizes[i]! / 1000}k`;
      const target = '≈ 10x (linear)';
      rows.push({ area: AREA, name: `save growth ${step}`, value: b.save / a.save, unit: 'x', target, chart: `snapshot save growth ${step} records` });
      rows.push({ area: AREA, name: `load growth ${step}`, value: b.load / a.load, unit: 'x', target, chart: `snapshot load growth ${step} records` });
      rows.push({ area: AREA, name: `bytes growth ${step}`, value: b.bytes / a.bytes, unit: 'x', target });
    }

    if (!opts.quick) {
      // Memory of what an opened 100k file holds, against nothing opened.
      const path = join(dir, 'n100000.stronghold');
      const before = await settledMemory();
      const sh = await Stronghold.open(path, PASSWORD, { readOnly: true });
      const after = await settledMemory();
      rows.push({
        area: AREA, name: 'memory per record after load, 100,000 records', value: (after - before) / 100_000, unit: 'bytes', target: '< 1,024',
        note: 'heap + external + array buffers of a Stronghold opened from the file (after GC settles), 32-byte secrets',
      });
      await sh.close();
      rows.push(...(await unlockRows(dir)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** W = 19: open vs bare scrypt and save vs open, each pair measured back to back, order alternating. */
async function unlockRows(dir: string): Promise<Row[]> {
  const W = 19;
  const runs = 7;
  const path = join(dir, 'w19.stronghold');
  await fill(path, 1_000, W);
  const unlocks: number[] = [];
  const bare: number[] = [];
  const saves: number[] = [];
  const unlockRatio: number[] = [];
  const saveShare: number[] = [];
  for (let r = 0; r < runs; r++) {
    let sh!: Stronghold;
    const open = async (): Promise<number> => timeMs(async () => {
      sh = await Stronghold.open(path, PASSWORD);
    });
    let u: number;
    let s: number;
    if (r % 2 === 0) {
      u = await open();
      s = await bareScrypt(W);
    } else {
      s = await bareScrypt(W);
      u = await open();
    }
    const save = await timeMs(() => sh.save());
    await sh.close();
    unlocks.push(u);
    bare.push(s);
    saves.push(save);
    unlockRatio.push(u / s);
    saveShare.push(save / u);
    gc();
  }
  const note = `N = 2^${W}, r = 8, p = 1 (512 MiB); 1,000 records; ${runs} pairs, order alternating`;
  return [
    rowOf({ area: AREA, name: `unlock (Stronghold.open) at W = ${W}`, unit: 'ms', note }, unlocks),
    rowOf({ area: AREA, name: `bare node:crypto.scrypt at W = ${W}`, unit: 'ms', note: 'same parameters, same run' }, bare),
    rowOf({ area: AREA, name: 'unlock / bare scrypt', unit: 'x', target: '<= 1.15x', note: 'median of the per-pair ratios', chart: 'unlock W=19 / bare scrypt' }, unlockRatio),
    rowOf({ area: AREA, name: `save after unlock at W = ${W}`, unit: 'ms', note: 'reuses the unlocked header and file key: no scrypt' }, saves),
    rowOf({ area: AREA, name: 'save after unlock / unlock', unit: 'x', target: '< 0.05x (5%)', note: 'median of the per-pair ratios', chart: 'save after unlock / unlock (W=19)' }, saveShare),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatTable(await benchSnapshot({ quick: process.argv.includes('--quick') })));
}
