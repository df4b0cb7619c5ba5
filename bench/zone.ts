/**
 * The cost of the secure zone: the same procedures through `Stronghold.create()` (inline) and
 * `Stronghold.create(optionsFor('process'))`, measured pair by pair in the same run (an inline batch, then a
 * process batch, per round), so machine noise hits both sides alike. A chain is one zone request, and chains
 * from concurrent callers share one: ten signatures as a chain or as concurrent calls, against ten calls one
 * after the other, show what batching saves.
 *
 * Needs the compiled worker (`npm run build`); the area is skipped without it.
 * @module
 */
import { existsSync } from 'node:fs';
import { Stronghold } from '../src/client/stronghold.js';
import type { Client } from '../src/client/client.js';
import { Location } from '../src/engine/location.js';
import { ed25519Sign } from '../src/procedures/ed25519-sign.js';
import { slip10Derive } from '../src/procedures/slip10-derive.js';
import { slip10Generate } from '../src/procedures/slip10-generate.js';
import type { ProcedureCall } from '../src/procedures/types.js';
import { defaultWorkerPath, ZoneRunner } from '../src/zone/host.js';
import { rowOf, timeMs, type BenchOptions, type Row } from './report.js';
import { optionsFor } from '../test/runners.js';

const AREA = 'zone';
const MSG = new Uint8Array(64).fill(0x2a);
const at = (record: string): Location => Location.generic('bench', record);

async function setUp(sh: Stronghold): Promise<Client> {
  const client = sh.createClient('zone-bench');
  await client.executeChain([
    slip10Generate({ output: at('seed') }),
    slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", "0'"], input: { seed: at('seed') }, output: at('key') }),
  ]);
  return client;
}

interface Case {
  name: string;
  /** One operation: what is timed. */
  op: (client: Client, i: number) => Promise<unknown>;
  /** Procedures per operation, to report a per-procedure figure too. */
  procedures: number;
  target?: string;
  chart?: string;
}

const sign = ed25519Sign({ privateKey: at('key'), msg: MSG });
const chainOfTen: ProcedureCall[] = Array.from({ length: 10 }, () => sign);

const CASES: Case[] = [
  { name: 'Ed25519Sign', op: (c) => c.execute(sign), procedures: 1, chart: 'zone sign' },
  {
    name: 'Slip10Derive',
    op: (c, i) => c.execute(slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", `${i % 64}'`], input: { seed: at('seed') }, output: at(`child-${i % 64}`) })),
    procedures: 1,
  },
  { name: 'chain of ten Ed25519Sign', op: (c) => c.executeChain(chainOfTen), procedures: 10, target: 'process ≤ 2× inline', chart: 'zone chain of 10' },
  {
    name: 'ten Ed25519Sign as separate calls',
    op: async (c) => {
      for (let k = 0; k < 10; k++) await c.execute(sign);
    },
    procedures: 10,
  },
  {
    name: 'ten Ed25519Sign as concurrent calls',
    op: (c) => Promise.all(Array.from({ length: 10 }, () => c.execute(sign))),
    procedures: 10,
  },
];

/** Microseconds per operation over `n` operations. */
async function timeOps(client: Client, c: Case, n: number, offset: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await c.op(client, offset + i);
  return ((performance.now() - t0) * 1000) / n;
}

export async function benchZone(opts: BenchOptions): Promise<Row[] | { skipped: string }> {
  if (!existsSync(defaultWorkerPath())) return { skipped: 'the compiled zone worker is missing; run `npm run build` first' };
  const rounds = opts.quick ? 3 : 15;
  const n = opts.quick ? 30 : 200;
  const starts: number[] = [];
  for (let r = 0; r < (opts.quick ? 2 : 5); r++) {
    const runner = new ZoneRunner();
    starts.push(await timeMs(() => runner.start()));
    await runner.close();
  }
  const inline = Stronghold.create();
  const zoned = Stronghold.create(optionsFor('process'));
  const rows: Row[] = [rowOf({ area: AREA, name: 'zone start (process, key agreement, ready)', unit: 'ms', note: 'paid once, at the first request' }, starts)];
  try {
    const clients = { inline: await setUp(inline), process: await setUp(zoned) };
    for (const c of CASES) {
      // Warm both sides (JIT, the zone's first requests) before measuring.
      await timeOps(clients.inline, c, n, 0);
      await timeOps(clients.process, c, n, 0);
      const inl: number[] = [];
      const pro: number[] = [];
      const ratio: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const a = await timeOps(clients.inline, c, n, r * n);
        const b = await timeOps(clients.process, c, n, r * n);
        inl.push(a);
        pro.push(b);
        ratio.push(b / a);
      }
      const note = c.procedures > 1 ? `${c.procedures} procedures per operation` : undefined;
      rows.push(rowOf({ area: AREA, name: `${c.name}, inline`, unit: 'µs/op', ...(note ? { note } : {}) }, inl));
      rows.push(rowOf({ area: AREA, name: `${c.name}, process`, unit: 'µs/op', ...(note ? { note } : {}) }, pro));
      rows.push(rowOf({ area: AREA, name: `${c.name}, process / inline`, unit: 'x', ...(c.target ? { target: c.target } : {}), ...(c.chart ? { chart: c.chart } : {}) }, ratio));
    }
  } finally {
    await inline.close();
    await zoned.close();
  }
  return rows;
}
