/**
 * Issue 2 figures: 100,000 records of 32 bytes in one vault — writes per second, uses per second
 * (open into guarded memory, read, wipe), and process memory per record.
 */
import { Stronghold } from '../src/client/stronghold.js';
import { Location } from '../src/engine/location.js';
import { medianOf, type BenchOptions, type Row } from './report.js';
import { peekIn } from '../test/engine-access.js';

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function benchEngine(opts: BenchOptions): Promise<Row[]> {
  const n = opts.quick ? 10_000 : 100_000;
  const runs = opts.quick ? 1 : 3;
  const secret = new Uint8Array(32).fill(0x5a);
  const locations = Array.from({ length: n }, (_, i) => Location.counter('bench', i));

  let id!: Uint8Array;
  let sh!: Stronghold;
  const writes = await medianOf(runs, () => {
    sh = Stronghold.create();
    const client = sh.createClient('bench');
    id = client.id;
    const t0 = performance.now();
    for (const loc of locations) client.writeSecret(loc, secret);
    return n / ((performance.now() - t0) / 1000);
  });

  const uses = await medianOf(runs, () => {
    let sink = 0;
    const t0 = performance.now();
    for (const loc of locations) sink += peekIn(sh, id, loc, (s) => s[0]!);
    const rate = n / ((performance.now() - t0) / 1000);
    if (sink !== n * 0x5a) throw new Error('use returned wrong bytes');
    return rate;
  });

  // Memory per record: heap + external memory of a Stronghold holding n records, against an empty one.
  gc();
  const before = process.memoryUsage();
  const held = Stronghold.create();
  const client = held.createClient('memory');
  for (const loc of locations) client.writeSecret(loc, secret);
  gc();
  const after = process.memoryUsage();
  const perRecord = (after.heapUsed + after.external + after.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers)) / n;
  if (!held.hasClient('memory')) throw new Error('unreachable');

  const note = `${n.toLocaleString('en-US')} records of 32 bytes, median of ${runs}`;
  return [
    { area: 'engine', name: 'writeSecret', value: writes.median, unit: 'writes/s', target: '>= 50,000', note: `${note}; spread ${Math.round(writes.min)}..${Math.round(writes.max)}` },
    { area: 'engine', name: 'use (open, read, wipe)', value: uses.median, unit: 'uses/s', target: '>= 100,000', note: `${note}; spread ${Math.round(uses.min)}..${Math.round(uses.max)}` },
    { area: 'engine', name: 'memory per record', value: perRecord, unit: 'bytes', target: '< 1,024', note: 'heap + external + array buffers' + (typeof (globalThis as { gc?: unknown }).gc === 'function' ? '' : ' (run with --expose-gc for a precise figure)') },
  ];
}
