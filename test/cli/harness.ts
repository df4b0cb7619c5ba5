/**
 * Running the command line from tests: in process through `main` (fast; no build needed), and reading the
 * `--json` banner of a long-running child (`serve`, `relay`).
 * @module
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/dispatch.js';
import type { Input } from '../../src/cli/password.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `stronghold <argv>` in this process with exactly `env` and `stdin` (default: empty). */
export async function runInProcess(argv: string[], env: Record<string, string> = {}, stdin: Input['stdin'] = Readable.from([])): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await main(argv, { stdout, stderr }, { env: { ...env }, stdin, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** The first stdout line of a long-running command (its `--json` banner), parsed. */
export function jsonBanner<T>(child: ChildProcessWithoutNullStreams): Promise<T> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as T);
    });
    child.on('close', (code) => reject(new Error(`exited ${code} before its banner: ${err}`)));
  });
}

/** A terminal's standard input for the prompt: raw mode is recorded, and `typed` arrives once the prompt listens. */
export function fakeTerminal(typed: string): Input['stdin'] & { rawModes: boolean[] } {
  const stdin = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (m: boolean) => void; rawModes: boolean[] };
  stdin.isTTY = true;
  stdin.rawModes = [];
  stdin.setRawMode = (m: boolean) => {
    stdin.rawModes.push(m);
    if (m) setImmediate(() => stdin.write(typed));
  };
  return stdin;
}
