/**
 * The fuzz harness shared by `scripts/fuzz.ts` (long runs) and `test/fuzz/*.test.ts` (bounded runs in CI).
 *
 * A target turns outside input into a call of one of our parsers. Its outcome is judged here: the call must
 * return a valid result (the target's own checks) or throw a typed error (a StrongholdError, or the CLI's
 * CliError for command lines), within the target's time bound and without growing memory past a bound.
 * Anything else (an untyped exception, a failed check, a hang, a blow-up) is a failure whose input is
 * saved under `test/fuzz-corpus/<target>/` so that it becomes a regression test.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isStrongholdError } from '../../src/errors.js';

/** Where failing inputs are kept, one folder per target. */
export const CORPUS_DIR = new URL('../fuzz-corpus/', import.meta.url).pathname;
/** Resident memory a single input may add before it counts as a blow-up. Our choice: far above any parser's need. */
export const MAX_RSS_GROWTH_BYTES = 512 * 1024 * 1024;

/** One parser under fuzzing. `T` is the input (bytes, a JSON value, an argv list...). */
export interface FuzzTarget<T> {
  name: string;
  /** Why the target cannot run here (its module has not landed), or null. */
  unavailable(): Promise<string | null>;
  /** Inputs: real seeds and their mutations. */
  arbitrary(): Promise<fc.Arbitrary<T>>;
  /**
   * Feeds one input. Returns normally for a valid result (after checking it), throws the typed error the parser
   * threw, or throws a `FuzzFailure` when a result is invalid. May return a label for the outcome tally (else "valid").
   */
  run(input: T): Promise<string | void>;
  /** Milliseconds one input may take. */
  timeBoundMs: number;
  /** Corpus file form. */
  encode(input: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /** Corpus file extension. */
  extension: string;
  /** Errors that count as typed besides StrongholdError (the CLI's own usage errors). */
  isTypedError?(e: unknown): boolean;
}

/** A result that the target judged invalid (as opposed to an error the parser threw). */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

export type Verdict = { ok: true; outcome: string } | { ok: false; kind: 'untyped' | 'invalid' | 'hang' | 'memory'; message: string };

/** Runs one input and judges its outcome. Never throws. */
export async function judge<T>(target: FuzzTarget<T>, input: T): Promise<Verdict> {
  const rss0 = process.memoryUsage.rss();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Verdict>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, kind: 'hang', message: `no outcome within ${target.timeBoundMs} ms` }), target.timeBoundMs);
  });
  const started = performance.now();
  const outcome = target.run(input).then(
    (label): Verdict => ({ ok: true, outcome: label ?? 'valid' }),
    (e: unknown): Verdict => {
      if (e instanceof FuzzFailure) return { ok: false, kind: 'invalid', message: e.message };
      if (isStrongholdError(e)) return { ok: true, outcome: e.code };
      if (target.isTypedError?.(e)) return { ok: true, outcome: String((e as { code?: unknown }).code ?? 'typed') };
      const name = e instanceof Error ? e.name : typeof e;
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, kind: 'untyped', message: `${name}: ${message}${e instanceof Error && e.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}` };
    },
  );
  try {
    const verdict = await Promise.race([outcome, hang]);
    // A synchronous loop cannot be interrupted in-process; it still shows up as a slow input here.
    const elapsed = performance.now() - started;
    if (verdict.ok && elapsed > target.timeBoundMs) return { ok: false, kind: 'hang', message: `took ${Math.round(elapsed)} ms, bound ${target.timeBoundMs} ms` };
    const grown = process.memoryUsage.rss() - rss0;
    if (verdict.ok && grown > MAX_RSS_GROWTH_BYTES) return { ok: false, kind: 'memory', message: `resident memory grew by ${Math.round(grown / 2 ** 20)} MiB` };
    return verdict;
  } finally {
    clearTimeout(timer);
  }
}

/** Saves a failing input under test/fuzz-corpus/<target>/ (named by its hash); returns the path. */
export function saveToCorpus<T>(target: FuzzTarget<T>, input: T, kind: string, corpusDir = CORPUS_DIR): string {
  const bytes = target.encode(input);
  return saveBytes(target.name, target.extension, bytes, kind, corpusDir);
}

/** Saves raw corpus bytes (the watchdog uses this when the worker died mid-input). */
export function saveBytes(targetName: string, extension: string, bytes: Uint8Array, kind: string, corpusDir = CORPUS_DIR): string {
  const dir = join(corpusDir, targetName);
  mkdirSync(dir, { recursive: true });
  const name = `${kind}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.${extension}`;
  const path = join(dir, name);
  if (!existsSync(path)) writeFileSync(path, bytes);
  return path;
}

/** The saved inputs of a target: file name and decoded input. */
export function corpusOf<T>(target: FuzzTarget<T>, corpusDir = CORPUS_DIR): { file: string; input: T }[] {
  const dir = join(corpusDir, target.name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(`.${target.extension}`))
    .sort()
    .map((file) => ({ file, input: target.decode(new Uint8Array(readFileSync(join(dir, file)))) }));
}

export interface FuzzRunOptions {
  runs: number;
  seed: number;
  /** Called before each input with its corpus bytes (the watchdog keeps them in case the process dies). */
  onInput?: (bytes: Uint8Array) => void;
  /** Save the (shrunk) failing input to the corpus. Default true. */
  save?: boolean;
  /** Stop after this many milliseconds even if fewer runs were made. */
  maxMs?: number;
  /** Where failing inputs are saved; test/fuzz-corpus/ by default. */
  corpusDir?: string;
}

export interface FuzzRunResult {
  runs: number;
  /** How often each outcome (error code or "valid") was seen: evidence that inputs reach deep. */
  outcomes: Record<string, number>;
  failure?: { verdict: Verdict; input: unknown; saved?: string; seed: number; path?: string };
}

/** Runs `runs` inputs of a target with fast-check (which shrinks a failure to a small input). */
export async function fuzz<T>(target: FuzzTarget<T>, opts: FuzzRunOptions): Promise<FuzzRunResult> {
  const arb = await target.arbitrary();
  const outcomes: Record<string, number> = {};
  let last: Verdict | undefined;
  let runs = 0;
  const deadline = opts.maxMs === undefined ? Infinity : performance.now() + opts.maxMs;
  let lastYield = performance.now();
  const property = fc.asyncProperty(arb, async (input) => {
    if (performance.now() > deadline) return;
    // Synchronous parsers resolve at once, so a run would otherwise never leave the microtask queue:
    // let timers (the watchdog's heartbeat, the hang timer) fire now and then.
    if (performance.now() - lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    opts.onInput?.(target.encode(input));
    const verdict = await judge(target, input);
    runs++;
    last = verdict;
    if (verdict.ok) outcomes[verdict.outcome] = (outcomes[verdict.outcome] ?? 0) + 1;
    else throw new FuzzFailure(`${verdict.kind}: ${verdict.message}`);
  });
  const details = await fc.check(property, { numRuns: opts.runs, seed: opts.seed, endOnFailure: false });
  const result: FuzzRunResult = { runs, outcomes };
  if (details.failed && details.counterexample) {
    const input = details.counterexample[0] as T;
    // Judge the shrunk input again so the verdict matches what is saved.
    const verdict = await judge(target, input);
    const final = verdict.ok ? last ?? verdict : verdict;
    result.failure = { verdict: final, input, seed: details.seed, ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}) };
    if (opts.save !== false && !final.ok) result.failure.saved = saveToCorpus(target, input, final.kind, opts.corpusDir);
  } else if (details.failed) {
    result.failure = { verdict: { ok: false, kind: 'untyped', message: String(details.errorInstance) }, input: null, seed: details.seed };
  }
  return result;
}

/** A readable one-line form of an input for reports. */
export function describeInput(bytes: Uint8Array): string {
  return bytes.length > 96 ? `${Buffer.from(bytes.subarray(0, 96)).toString('hex')}… (${bytes.length} bytes)` : Buffer.from(bytes).toString('hex');
}
