/**
 * Runs the built `stronghold` bin (dist/cli/main.js) as a child process with an explicit environment, so
 * that no STRONGHOLD_* variable of the test runner leaks in. `npm test` builds dist/ first.
 * @module
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Fails with a clear message when the bin has not been built. */
export function requireBuiltBin(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
  bin?: string;
  cwd?: string;
}

/** Runs the bin with `args`; stdin is closed after `stdin` is written (or at once). */
export function cli(args: string[], opts: RunOptions = {}): Promise<Run> {
  return run(process.execPath, [opts.bin ?? BIN, ...args], opts.cwd ?? ROOT, { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env }, opts.stdin);
}

/** Runs any program to its end and collects what it printed. */
export function run(program: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, stdin: string | Uint8Array = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const raw = Buffer.concat(out);
      resolve({ code: code ?? -1, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
    child.stdin.end(stdin);
  });
}

/** The single JSON document a `--json` run printed. */
export function json<T = Record<string, unknown>>(r: Run): T {
  const lines = r.stdout.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got ${lines.length}: ${r.stdout.slice(0, 200)} / ${r.stderr}`);
  return JSON.parse(lines[0]!) as T;
}

/** The `<code>` of the `stronghold: error: <code>: ...` line. */
export function errorCode(r: Run): string | undefined {
  return /^stronghold: error: ([A-Za-z]+):/m.exec(r.stderr)?.[1];
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
