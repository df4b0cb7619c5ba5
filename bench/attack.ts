/**
 * A server that keeps serving (issue 14): the real `stronghold serve` (dist/cli/main.js, its defaults: small
 * fixed-cost chains inline, the rest in a pool of secure zones) in a process of its own, a legitimate peer in this
 * process signing in a loop (one request at a time, each signature checked), and a hostile peer in a third
 * process (bench/attack-hostile.ts: maximum-cost chains, a trickled maximal frame, a flood of denied requests,
 * the maximum streams never read). Reported: the legitimate peer's median and p99 latency, failures and
 * throughput without and with the attack, the server's RSS (and its zones'); the same attack on
 * `serve --zone inline` for comparison; and remote Ed25519Sign throughput at 1 and 16 in flight, `serve`'s
 * default against `--zone inline`, in the same run.
 *
 * Soak: `npm run bench -- --only attack --attack-seconds 600` runs the quiet and attacked phases of `serve`'s default
 * that long (no inline comparison, no throughput runs); the server's RSS is reported per half of each phase.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { Stronghold } from '../src/client/stronghold.js';
import { Location } from '../src/engine/location.js';
import { peerIdOf, remote } from '../src/p2p/index.js';
import { ed25519Sign } from '../src/procedures/ed25519-sign.js';
import { generateKey } from '../src/procedures/generate-key.js';
import { publicKey } from '../src/procedures/public-key.js';
import type { BenchOptions, Row } from './report.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const KEY = Location.generic('keys', 'k');
const MSG = new TextEncoder().encode('a legitimate signature');
const IN_FLIGHT = 16;

function argSeconds(): number | undefined {
  const i = process.argv.indexOf('--attack-seconds');
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of a process in MiB, from /proc (0 when it is gone). */
function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The child processes of `pid` (the zones of a server). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface Server {
  child: ChildProcess;
  addr: string;
  /** stderr lines (the denial log). */
  lines: () => number;
  stop(): Promise<void>;
}

/** `stronghold serve` on the bench snapshot; resolves once it prints its addresses. */
async function startServer(dir: string, extra: string[]): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve', join(dir, 'server.stronghold'), '--firewall', join(dir, 'rules.json'), '--password-file', join(dir, 'pw'), '--json', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  child.stderr!.on('data', (b: Buffer) => {
    lines += b.toString().split('\n').length - 1;
  });
  const addr = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { addresses: string[] }).addresses[0]!);
    });
    child.once('exit', (code) => reject(new Error(`stronghold serve exited (${code}) before it listened`)));
  });
  return {
    child,
    addr,
    lines: () => lines,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

interface Phase {
  latencies: number[];
  failures: number;
  seconds: number;
  serverRss: number;
  /** The largest RSS sample of the first and of the second half of the phase: growth shows as second > first. */
  serverRssHalves: [number, number];
  zoneRss: number;
}

/** The legitimate peer: signs one request at a time for `seconds`, each signature verified; the server's RSS sampled. */
async function signLoop(server: Server, me: Stronghold, pub: Uint8Array, seconds: number): Promise<Phase> {
  const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });
  const r = await remote(me, server.addr);
  const c = r.client('wallet');
  const latencies: number[] = [];
  let failures = 0;
  let serverRss = 0;
  const halves: [number, number] = [0, 0];
  let zoneRss = 0;
  const sampler = setInterval(() => {
    const rss = rssMiB(server.child.pid!);
    serverRss = Math.max(serverRss, rss);
    const half = performance.now() - started < (seconds * 1000) / 2 ? 0 : 1;
    halves[half] = Math.max(halves[half], rss);
    zoneRss = Math.max(zoneRss, childrenOf(server.child.pid!).reduce((s, p) => s + rssMiB(p), 0));
  }, 250);
  const started = performance.now();
  try {
    while (performance.now() - started < seconds * 1000) {
      const t = performance.now();
      try {
        const sig = await c.execute(ed25519Sign({ privateKey: KEY, msg: MSG }));
        if (!verify(null, MSG, spki, sig)) throw new Error('a signature that does not verify');
        latencies.push(performance.now() - t);
      } catch {
        failures++;
      }
    }
  } finally {
    clearInterval(sampler);
    await r.close();
  }
  return { latencies: latencies.sort((a, b) => a - b), failures, seconds: (performance.now() - started) / 1000, serverRss, serverRssHalves: halves, zoneRss };
}

/** The hostile peer's process; resolves once it is running. */
async function startHostile(addr: string, writerSeed: Uint8Array, strangerSeed: Uint8Array): Promise<{ stop(): Promise<Record<string, number>> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/attack-hostile.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ATTACK_ADDR: addr, ATTACK_WRITER_SEED: Buffer.from(writerSeed).toString('hex'), ATTACK_STRANGER_SEED: Buffer.from(strangerSeed).toString('hex') },
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  while (!out.includes('ready\n')) {
    if (child.exitCode !== null) throw new Error('the hostile peer exited before it started');
    await sleep(20);
  }
  return {
    stop: () => new Promise((resolve) => {
      child.once('exit', () => {
        const last = out.trim().split('\n').at(-1) ?? '{}';
        resolve(last === 'ready' ? {} : (JSON.parse(last) as Record<string, number>));
      });
      child.kill('SIGTERM');
    }),
  };
}

/** Remote Ed25519Sign throughput against `server`, 1 and 16 in flight, median of `runs`. */
async function throughput(server: Server, me: Stronghold, n: number, runs: number): Promise<{ serial: number[]; parallel: number[] }> {
  const r = await remote(me, server.addr);
  const c = r.client('wallet');
  const call = ed25519Sign({ privateKey: KEY, msg: MSG });
  try {
    for (let i = 0; i < 300; i++) await c.execute(call);
    const serial: number[] = [];
    const parallel: number[] = [];
    for (let run = 0; run < runs; run++) {
      let t = performance.now();
      for (let i = 0; i < n; i++) await c.execute(call);
      serial.push(n / ((performance.now() - t) / 1000));
      t = performance.now();
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = 0; i < n / IN_FLIGHT; i++) await c.execute(call);
      }));
      parallel.push(n / ((performance.now() - t) / 1000));
    }
    return { serial, parallel };
  } finally {
    await r.close();
  }
}

function median(values: number[]): { value: number; min: number; max: number } {
  const v = [...values].sort((a, b) => a - b);
  return { value: v[Math.floor(v.length / 2)]!, min: v[0]!, max: v[v.length - 1]! };
}

/** The rows of one phase; `quiet` is the phase it is compared with, `targets` whether the issue's targets apply (serve's default). */
function phaseRows(label: string, p: Phase, quiet: Phase | null, note: string, targets = quiet !== null): Row[] {
  const rate = p.latencies.length / p.seconds;
  const rows: Row[] = [
    { area: 'attack', name: `legitimate Ed25519Sign median latency, ${label}`, value: percentile(p.latencies, 0.5), unit: 'ms', note: `${p.latencies.length} signatures in ${p.seconds.toFixed(1)} s; ${note}` },
    { area: 'attack', name: `legitimate Ed25519Sign p99 latency, ${label}`, value: percentile(p.latencies, 0.99), unit: 'ms', target: targets ? '< 50 ms' : undefined, note: `max ${p.latencies.at(-1)?.toFixed(1)} ms` },
    { area: 'attack', name: `legitimate requests failed, ${label}`, value: p.failures, unit: 'requests', target: targets ? '0' : undefined },
    { area: 'attack', name: `legitimate throughput, ${label}`, value: rate, unit: 'signatures/s', target: targets && quiet ? `>= ${Math.round(quiet.latencies.length / quiet.seconds / 2)} (half of quiet)` : undefined, note: 'one request at a time' },
    { area: 'attack', name: `server RSS (max), ${label}`, value: p.serverRss, unit: 'MiB', note: `largest sample of the first half ${p.serverRssHalves[0].toFixed(0)} MiB, of the second ${p.serverRssHalves[1].toFixed(0)} MiB; its zone processes: ${p.zoneRss.toFixed(0)} MiB together` },
  ];
  if (quiet) rows.push({ area: 'attack', name: `legitimate throughput ${label} / quiet`, value: rate / (quiet.latencies.length / quiet.seconds), unit: 'x', ...(targets ? { target: '>= 0.5x' } : {}), chart: `attack: legitimate throughput, ${label} / quiet` });
  return rows.map((r) => (r.target === undefined ? (({ target: _t, ...rest }) => rest)(r) : r));
}

export async function benchAttack(opts: BenchOptions): Promise<{ rows: Row[]; skipped?: string }> {
  if (!existsSync(CLI) || !existsSync(join(ROOT, 'dist/zone/worker.js'))) return { rows: [], skipped: 'needs the build (npm run build): dist/cli/main.js and dist/zone/worker.js' };
  const soak = argSeconds();
  const seconds = soak ?? (opts.quick ? 4 : 20);
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-attack-'));
  try {
    // The served snapshot: a signing key, a 1 MiB store value (what the never-reading streams ask for).
    const password = 'bench';
    writeFileSync(join(dir, 'pw'), password);
    const sh = await Stronghold.open(join(dir, 'server.stronghold'), password, { create: true, workFactor: 0 });
    const wallet = sh.createClient('wallet');
    await wallet.execute(generateKey({ keyType: 'ed25519', output: KEY }));
    const pub = await wallet.execute(publicKey({ keyType: 'ed25519', privateKey: KEY }));
    wallet.store.insert('big', randomBytes(1 << 20));
    await sh.save();
    await sh.close();
    const me = Stronghold.create();
    const writerSeed = randomBytes(32);
    const strangerSeed = randomBytes(32);
    const writer = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', writerSeed)).toString();
    writeFileSync(join(dir, 'rules.json'), JSON.stringify({
      default: 'deny',
      peers: {
        [await peerIdOf(me)]: { clients: { wallet: { vaults: { keys: ['use'] } } } },
        // The hostile peer may use the key and write a vault of its own: what a careless rule file grants.
        [writer]: { clients: { wallet: { vaults: { keys: ['use'], scratch: ['use', 'write'] }, store: ['read'] } } },
      },
    }));
    const rows: Row[] = [];
    const note = (extra: string) => `stronghold serve ${extra}in its own process; the hostile peer in a third; 2-vCPU machine shared with other jobs`;

    for (const [label, flags] of [['serve default', []], ['--zone inline', ['--zone', 'inline']]] as const) {
      // A soak is about serve's default: the inline comparison and the throughput runs are left out.
      if (label === '--zone inline' && (opts.quick || soak !== undefined)) continue;
      const server = await startServer(dir, [...flags]);
      try {
        // Warm-up: the connection, the zones, the key's cache.
        await signLoop(server, me, pub, 1);
        const quiet = await signLoop(server, me, pub, seconds);
        const hostile = await startHostile(server.addr, writerSeed, strangerSeed);
        await sleep(2000);
        const linesBefore = server.lines();
        const attacked = await signLoop(server, me, pub, label === 'serve default' ? seconds : Math.max(4, seconds / 2));
        const did = await hostile.stop();
        const denialLines = server.lines() - linesBefore;
        const hostileNote = Object.entries(did).map(([k, v]) => `${k} ${v}`).join(', ');
        if (label === 'serve default') rows.push(...phaseRows(`quiet (${label})`, quiet, null, note(flags.length ? `${flags.join(' ')} ` : '')));
        // The targets are serve's default's; --zone inline is the comparison (the server before issue 14).
        rows.push(...phaseRows(`under attack (${label})`, attacked, quiet, `${note(flags.length ? `${flags.join(' ')} ` : '')}; hostile: ${hostileNote}; ${denialLines} denial log lines meanwhile`, label === 'serve default'));
      } finally {
        await server.stop();
      }
    }

    if (soak !== undefined) return { rows };
    // Remote Ed25519Sign throughput: serve's default (pool, signatures inline) against --zone inline, same run.
    const n = opts.quick ? 400 : 3000;
    const runs = opts.quick ? 1 : 3;
    const measured: Record<string, { serial: number[]; parallel: number[] }> = {};
    for (const [label, flags] of [['serve default', []], ['--zone inline', ['--zone', 'inline']]] as const) {
      const server = await startServer(dir, [...flags]);
      try {
        measured[label] = await throughput(server, me, n, runs);
      } finally {
        await server.stop();
      }
    }
    const tnote = `${n} signatures per run, typed calls, loopback TCP + Noise + yamux, server in its own process`;
    for (const label of ['serve default', '--zone inline']) {
      rows.push({ area: 'attack', name: `remote Ed25519Sign, 1 in flight (${label})`, ...median(measured[label]!.serial), runs, unit: 'ops/s', note: tnote });
      rows.push({ area: 'attack', name: `remote Ed25519Sign, ${IN_FLIGHT} in flight (${label})`, ...median(measured[label]!.parallel), runs, unit: 'ops/s', note: tnote });
    }
    const ratio = (k: 'serial' | 'parallel') => median(measured['serve default']![k]).value / median(measured['--zone inline']![k]).value;
    rows.push({ area: 'attack', name: 'remote Ed25519Sign, 1 in flight, default / inline', value: ratio('serial'), unit: 'x', target: '>= 0.9x', chart: 'attack: remote sign 1 in flight, pool / inline' });
    rows.push({ area: 'attack', name: `remote Ed25519Sign, ${IN_FLIGHT} in flight, default / inline`, value: ratio('parallel'), unit: 'x', target: '>= 0.9x', chart: `attack: remote sign ${IN_FLIGHT} in flight, pool / inline` });
    return { rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
