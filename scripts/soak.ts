/**
 * `npm run soak -- --minutes N [--sample-seconds S]`
 *
 * Runs a mixed load for N minutes on one snapshot file and checks that memory does not grow:
 * - writes and overwrites on a bounded set of records, revocations and garbage collection, store inserts;
 * - procedures in the secure zone process (Ed25519Sign, Hmac, a generate-then-public-key chain), every
 *   signature checked with node:crypto; when the zone worker is not built, procedures run inline;
 * - saves of the snapshot file;
 * - remote Ed25519Sign over loopback libp2p to a second Stronghold serving one client;
 * - a zone restart every 30 s (the zone process is killed; the next request starts a new one; requests in
 *   flight fail with ZoneCrashed, nothing else).
 * Memory (heap + external + array buffers, after a GC; and RSS) is sampled every S seconds. After the first
 * quarter (warm-up), the median of the last third of samples must stay within 25% + 16 MiB of the median of
 * the samples right after the warm-up (RSS: 50% + 64 MiB). Exit status 0 when it holds and every result was right, 1 otherwise.
 * @module
 */
import { createHmac, createPrivateKey, createPublicKey, sign as nodeSign, verify } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProcedureRunner } from '../src/exec/runner.js';
import { Stronghold } from '../src/client/stronghold.js';
import { Location } from '../src/engine/location.js';
import { isStrongholdError } from '../src/errors.js';
import { ed25519Sign } from '../src/procedures/ed25519-sign.js';
import { generateKey } from '../src/procedures/generate-key.js';
import { hmac } from '../src/procedures/hmac.js';
import { publicKey } from '../src/procedures/public-key.js';

const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
/** Records the load rotates over: the working set stays the same size, so memory should too. */
const RECORDS = 500;
const ZONE_RESTART_MS = 30_000;
const SAVE_EVERY = 200;
const KEY = { key: new Uint8Array(32).fill(0x61) };

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '1' }, 'sample-seconds': { type: 'string' } }, strict: true });
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error('soak: --minutes takes a positive number');
  process.exit(2);
}
const sampleMs = 1000 * Number(values['sample-seconds'] ?? Math.max(2, Math.min(30, (minutes * 60) / 40)));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.error('soak: run with --expose-gc (npm run soak does) for precise memory figures');

const dir = mkdtempSync(join(tmpdir(), 'stronghold-soak-'));
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 131 + i * 17 + 7) & 0xff);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sigOf = (seed: Uint8Array, msg: Uint8Array): string => hex(nodeSign(null, msg, createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' })));
const counts: Record<string, number> = {};
const count = (k: string): void => {
  counts[k] = (counts[k] ?? 0) + 1;
};
let failures = 0;
function fail(what: string): void {
  failures++;
  console.error(`soak: FAIL ${what}`);
}

async function zoneRunner(): Promise<(ProcedureRunner & { pid?: number | undefined }) | null> {
  const host = new URL('../src/zone/host.ts', import.meta.url);
  const worker = new URL('../dist/zone/worker.js', import.meta.url);
  if (!existsSync(host) || !existsSync(worker)) return null;
  const { ZoneRunner } = (await import(host.href)) as { ZoneRunner: new () => ProcedureRunner & { pid?: number | undefined; start(): Promise<void> } };
  const runner = new ZoneRunner();
  await runner.start();
  return runner;
}

async function remoteParts(): Promise<{ sign: (msg: Uint8Array) => Promise<string>; seed: Uint8Array; close: () => Promise<void> } | null> {
  if (!existsSync(new URL('../src/p2p/index.ts', import.meta.url))) return null;
  const p2p = await import('../src/p2p/index.js');
  const seed = bytes(32, 4242);
  const server = Stronghold.create();
  server.createClient('wallet').writeSecret(Location.generic('keys', 'k'), seed);
  const me = Stronghold.create();
  const s = await p2p.serve(server, { firewall: { rules: { default: 'deny', peers: { [await p2p.peerIdOf(me)]: 'allow' } } } });
  const r = await p2p.remote(me, s.addresses()[0]!);
  const c = r.client('wallet');
  return {
    seed,
    sign: async (msg) => String(await c.json.execute({ type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k' }, msg: hex(msg) })),
    close: async () => {
      await r.close();
      await s.stop();
      await server.close();
      await me.close();
    },
  };
}

function memory(): { total: number; rss: number } {
  gc?.();
  const m = process.memoryUsage();
  return { total: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

const runner = await zoneRunner();
const sh = await Stronghold.open(join(dir, 'soak.stronghold'), KEY, { create: true, workFactor: 0, ...(runner ? { runner } : {}) });
const client = sh.createClient('soak');
const seeds = Array.from({ length: 8 }, (_, i) => bytes(32, i));
seeds.forEach((s, i) => client.writeSecret(Location.generic('keys', `k${i}`), s));
const remotePart = await remoteParts();
console.log(`soak: ${minutes} min; procedures ${runner ? 'in the zone process' : 'inline (zone worker not built)'}; remote calls ${remotePart ? 'over loopback libp2p' : 'skipped (no src/p2p)'}; sample every ${sampleMs / 1000} s`);

const samples: { t: number; total: number; rss: number }[] = [];
const started = Date.now();
const deadline = started + minutes * 60_000;
let nextSample = started;
let nextRestart = started + ZONE_RESTART_MS;
let i = 0;
try {
  while (Date.now() < deadline) {
    i++;
    const msg = bytes(1 + (i % 100), i);
    const k = i % seeds.length;
    // Writes and overwrites on a bounded set; a revocation and garbage collection now and then.
    const loc = Location.generic('data', `r${i % RECORDS}`);
    client.writeSecret(loc, bytes(32, i));
    count('write');
    const old = Location.generic('data', `r${(i + 250) % RECORDS}`);
    if (i % 7 === 0 && client.recordExists(old)) {
      client.revokeSecret(old);
      count('revoke');
    }
    if (i % 50 === 0) client.garbageCollect('data');
    client.store.insert(`s${i % 100}`, bytes(64, i));
    count('store');
    // Procedures (in the zone when built), each result checked.
    const ops: Promise<void>[] = [
      client.execute(ed25519Sign({ privateKey: Location.generic('keys', `k${k}`), msg })).then((sig) => {
        if (hex(sig) !== sigOf(seeds[k]!, msg)) fail(`signature ${i}`);
        count('sign');
      }),
      client.execute(hmac({ hashType: 'sha256', key: Location.generic('keys', `k${k}`), msg })).then((mac) => {
        if (hex(mac) !== createHmac('sha256', seeds[k]!).update(msg).digest('hex')) fail(`hmac ${i}`);
        count('hmac');
      }),
    ];
    if (i % 10 === 0) {
      const out = Location.generic('generated', `g${i % 20}`);
      ops.push(client.executeChain([generateKey({ keyType: 'ed25519', output: out }), publicKey({ keyType: 'ed25519', privateKey: out })]).then(async ([, pk]) => {
        const sig = await client.execute(ed25519Sign({ privateKey: out, msg }));
        if (!verify(null, msg, createPublicKey({ key: Buffer.concat([SPKI, pk as Uint8Array]), format: 'der', type: 'spki' }), sig)) fail(`generated key ${i}`);
        count('generate');
      }));
    }
    if (remotePart && i % 3 === 0) {
      ops.push(remotePart.sign(msg).then((sig) => {
        if (sig !== sigOf(remotePart.seed, msg)) fail(`remote signature ${i}`);
        count('remote');
      }));
    }
    for (const r of await Promise.allSettled(ops)) {
      if (r.status === 'rejected') {
        if (isStrongholdError(r.reason, 'ZoneCrashed')) count('zoneCrashed (expected after a restart)');
        else fail(`call ${i}: ${isStrongholdError(r.reason) ? r.reason.code : String(r.reason)}`);
      }
    }
    if (i % SAVE_EVERY === 0) {
      await sh.save();
      count('save');
    }
    const now = Date.now();
    if (runner && now >= nextRestart) {
      nextRestart = now + ZONE_RESTART_MS;
      if (runner.pid !== undefined) {
        process.kill(runner.pid, 'SIGKILL');
        count('zone restart');
      }
    }
    if (now >= nextSample) {
      nextSample = now + sampleMs;
      samples.push({ t: (now - started) / 1000, ...memory() });
    }
  }
  await sh.save();
} finally {
  await remotePart?.close();
  await sh.close();
  rmSync(dir, { recursive: true, force: true });
}

samples.push({ t: (Date.now() - started) / 1000, ...memory() });
console.log('soak: operations', JSON.stringify(counts));
console.log('soak: memory samples (s: heap+external+buffers / rss)');
console.log(samples.map((s) => `  ${s.t.toFixed(0).padStart(5)} s: ${mib(s.total).padStart(10)} / ${mib(s.rss)}`).join('\n'));
const warm = samples.slice(Math.floor(samples.length / 4));
let grew = false;
if (warm.length >= 6) {
  const third = Math.max(2, Math.floor(warm.length / 3));
  const early = median(warm.slice(0, third).map((s) => s.total));
  const late = median(warm.slice(-third).map((s) => s.total));
  const allowed = early * 1.25 + 16 * 2 ** 20;
  // RSS also holds guarded (sodium_malloc) pages and allocator slack, so it gets a looser bound.
  const earlyRss = median(warm.slice(0, third).map((s) => s.rss));
  const lateRss = median(warm.slice(-third).map((s) => s.rss));
  const allowedRss = earlyRss * 1.5 + 64 * 2 ** 20;
  grew = late > allowed || lateRss > allowedRss;
  console.log(`soak: JS memory after warm-up ${mib(early)}, at the end ${mib(late)} (allowed ${mib(allowed)}); RSS ${mib(earlyRss)} -> ${mib(lateRss)} (allowed ${mib(allowedRss)})${grew ? ': GROWING' : ''}`);
} else {
  console.log(`soak: ${samples.length} samples are too few to judge memory growth; run longer (--minutes 10 or more)`);
}
if (grew) fail('memory grows');
console.log(failures === 0 ? 'soak: ok' : `soak: ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
