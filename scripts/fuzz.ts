/**
 * `npm run fuzz -- [--target NAME|all] [--runs N] [--seed S] [--minutes M]`
 *
 * Runs the fuzz targets of test/fuzz/targets.ts. Each target runs in a child process watched from here, so
 * that what cannot be caught in-process is caught too: a synchronous hang (no heartbeat), a crash (a signal,
 * a native abort) or a heap blow-up (the child has a bounded heap). The child writes each input to a scratch
 * file before running it; when the child dies or hangs, that input is saved under test/fuzz-corpus/<target>/.
 * Failures found in-process (untyped exception, invalid result, slow input) are shrunk by fast-check first.
 *
 * `--minutes M` keeps going for M minutes per target with successive seeds (S, S+1, ...): the way to run for
 * hours (docs/proof-suite.md). Exit status 0 when nothing failed, 1 otherwise, 2 for a usage error.
 *
 * `--target attack` runs the searching attackers of test/attack/attacker.test.ts and frost-attacker.test.ts instead (no byte parsers):
 * their searches, `--runs N / 1000` times the size CI runs, round after round with successive seeds.
 * @module
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeInput, fuzz, saveBytes } from '../test/fuzz/harness.js';
import { cleanupTargets, TARGETS } from '../test/fuzz/targets.js';

const SELF = fileURLToPath(import.meta.url);
/** Heap of the fuzzing child: a parser that needs more than this for one input has blown up. */
const CHILD_HEAP_MB = 2048;
/** Silence after which the child counts as hung, on top of the target's own time bound. */
const HEARTBEAT_SLACK_MS = 5_000;

interface ChildResult {
  runs: number;
  outcomes: Record<string, number>;
  failure?: { kind: string; message: string; saved?: string; seed: number; path?: string; input: string };
}

async function child(name: string, runs: number, seed: number, currentFile: string, maxMs: number | undefined): Promise<void> {
  const target = TARGETS[name]!;
  const beat = setInterval(() => process.send?.({ beat: true }), 250);
  try {
    const result = await fuzz(target, { runs, seed, ...(maxMs !== undefined ? { maxMs } : {}), onInput: (bytes) => writeFileSync(currentFile, bytes) });
    const out: ChildResult = { runs: result.runs, outcomes: result.outcomes };
    if (result.failure) {
      const v = result.failure.verdict;
      out.failure = {
        kind: v.ok ? 'unknown' : v.kind, message: v.ok ? 'failed' : v.message, seed: result.failure.seed, input: describeInput(target.encode(result.failure.input)),
        ...(result.failure.saved ? { saved: result.failure.saved } : {}), ...(result.failure.path ? { path: result.failure.path } : {}),
      };
    }
    process.send?.({ result: out });
  } finally {
    clearInterval(beat);
    cleanupTargets();
  }
}

/** Runs one target in a watched child; returns true when nothing failed. */
async function watch(name: string, runs: number, seed: number, maxMs: number | undefined): Promise<{ ok: boolean; runs: number; outcomes: Record<string, number> }> {
  const target = TARGETS[name]!;
  const scratch = mkdtempSync(join(tmpdir(), 'stronghold-fuzz-'));
  const currentFile = join(scratch, 'current');
  const args = ['--child', name, String(runs), String(seed), currentFile, String(maxMs ?? '')];
  const c = fork(SELF, args, { execArgv: ['--import', 'tsx', `--max-old-space-size=${CHILD_HEAP_MB}`], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let stderr = '';
  c.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let lastBeat = Date.now();
  let result: ChildResult | undefined;
  let hung = false;
  c.on('message', (m: { beat?: boolean; result?: ChildResult }) => {
    lastBeat = Date.now();
    if (m.result) result = m.result;
  });
  const limit = target.timeBoundMs + HEARTBEAT_SLACK_MS;
  const timer = setInterval(() => {
    if (Date.now() - lastBeat > limit) {
      hung = true;
      c.kill('SIGKILL');
    }
  }, 500);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => c.on('exit', (code, signal) => resolve({ code, signal })));
  clearInterval(timer);
  try {
    if (result && !result.failure && exit.code === 0) return { ok: true, runs: result.runs, outcomes: result.outcomes };
    if (result?.failure) {
      const f = result.failure;
      console.error(`fuzz ${name}: ${f.kind}: ${f.message}\n  seed ${f.seed}${f.path ? ` path ${f.path}` : ''}\n  input ${f.input}${f.saved ? `\n  saved ${f.saved}` : ''}`);
      return { ok: false, runs: result.runs, outcomes: result.outcomes };
    }
    // The child died or hung: the input it was running is in the scratch file.
    const kind = hung ? 'hang' : /heap out of memory|Allocation failed/i.test(stderr) ? 'memory' : 'crash';
    const why = hung ? `no heartbeat for ${limit} ms` : `exit code ${exit.code}, signal ${exit.signal}`;
    if (existsSync(currentFile)) {
      const bytes = new Uint8Array(readFileSync(currentFile));
      const saved = saveBytes(name, target.extension, bytes, kind);
      console.error(`fuzz ${name}: ${kind} (${why}), seed ${seed}\n  input ${describeInput(bytes)}\n  saved ${saved}\n${stderr.trim().split('\n').slice(-8).join('\n')}`);
    } else {
      console.error(`fuzz ${name}: ${kind} (${why}) before the first input, seed ${seed}\n${stderr.trim()}`);
    }
    return { ok: false, runs: 0, outcomes: {} };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function parent(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { target: { type: 'string', default: 'all' }, runs: { type: 'string', default: '1000' }, seed: { type: 'string' }, minutes: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}\nusage: npm run fuzz -- [--target ${Object.keys(TARGETS).join('|')}|attack|all] [--runs N] [--seed S] [--minutes M]`);
    process.exit(2);
  }
  const names = values.target === 'all' ? Object.keys(TARGETS) : values.target!.split(',');
  const attack = names.includes('attack');
  if (attack) names.splice(names.indexOf('attack'), 1);
  for (const n of names) {
    if (!TARGETS[n]) {
      console.error(`fuzz: unknown target "${n}"; targets: ${Object.keys(TARGETS).join(', ')}`);
      process.exit(2);
    }
  }
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? (Math.random() * 2 ** 31) >>> 0 : Number(values.seed);
  const minutes = values.minutes === undefined ? undefined : Number(values.minutes);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed) || (minutes !== undefined && !(minutes > 0))) {
    console.error('fuzz: --runs and --seed take whole numbers, --minutes a positive number');
    process.exit(2);
  }
  let failed = 0;
  if (attack && !(await attackRounds(runs, seed, minutes))) failed++;
  for (const name of names) {
    const why = await TARGETS[name]!.unavailable();
    if (why) {
      console.log(`fuzz ${name}: skipped (${why})`);
      continue;
    }
    const deadline = minutes === undefined ? 0 : Date.now() + minutes * 60_000;
    const total: Record<string, number> = {};
    let done = 0;
    const started = Date.now();
    for (let round = 0; ; round++) {
      const remaining = deadline - Date.now();
      const r = await watch(name, runs, seed + round, minutes === undefined ? undefined : Math.max(1000, remaining));
      done += r.runs;
      for (const [k, v] of Object.entries(r.outcomes)) total[k] = (total[k] ?? 0) + v;
      if (!r.ok) failed++;
      if (!r.ok || minutes === undefined || Date.now() >= deadline) break;
    }
    const top = Object.entries(total).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`fuzz ${name}: ${done} inputs in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${seed}; outcomes: ${top}`);
  }
  console.log(failed === 0 ? 'fuzz: no failures' : `fuzz: ${failed} target(s) failed; inputs saved under test/fuzz-corpus/`);
  process.exitCode = failed === 0 ? 0 : 1;
}

/** The searching attacker and the FROST protocol attacker, round after round with successive seeds until `minutes` pass (one round without). */
async function attackRounds(runs: number, seed: number, minutes: number | undefined): Promise<boolean> {
  const deadline = minutes === undefined ? 0 : Date.now() + minutes * 60_000;
  const tests = ['attacker.test.ts', 'frost-attacker.test.ts'].map((t) => fileURLToPath(new URL(`../test/attack/${t}`, import.meta.url)));
  for (let round = 0; ; round++) {
    const env = { ...process.env, STRONGHOLD_ATTACK_RUNS: String(Math.max(1, Math.round(runs / 1000))), STRONGHOLD_ATTACK_SEED: String(seed + round) };
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, ['--import', 'tsx', '--test', '--test-name-pattern', 'searching attacker|FROST protocol attacker', ...tests], { env, stdio: 'inherit' }).on('exit', resolve);
    });
    console.log(`fuzz attack: round ${round + 1}, seed ${seed + round}: ${code === 0 ? 'nothing found' : 'FAILED'}`);
    if (code !== 0) return false;
    if (minutes === undefined || Date.now() >= deadline) return true;
  }
}

if (process.argv[2] === '--child') {
  const [, , , name, runs, seed, currentFile, maxMs] = process.argv;
  await child(name!, Number(runs), Number(seed), currentFile!, maxMs ? Number(maxMs) : undefined);
} else {
  await parent();
}
