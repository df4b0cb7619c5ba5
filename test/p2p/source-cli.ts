/**
 * The command line from source (tsx), for the p2p suites: `start` a long-running command (its stdin closed),
 * `run` one to its end, and a server snapshot with an Ed25519 key beside a caller snapshot whose peer id is known,
 * for firewall rules. Every child is tracked so `stopAll` leaves nothing running.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', STRONGHOLD_PASSWORD: 'pw' };
const children: ChildProcessWithoutNullStreams[] = [];

function spawnCli(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

export function start(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawnCli(args);
  child.stdin.end();
  return child;
}

export async function run(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

export function stopAll(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}

/** `server.stronghold` with an Ed25519 key at wallet keys/k0, and `caller.stronghold` with its peer id, in `dir`. */
export async function serverAndCaller(dir: string): Promise<{ server: string; caller: string; callerId: string }> {
  const server = join(dir, 'server.stronghold');
  const caller = join(dir, 'caller.stronghold');
  await Promise.all([run(['init', server, '--work-factor', '0']), run(['init', caller, '--work-factor', '0'])]);
  const key = await run(['key', 'generate', server, '--client', 'wallet', '--vault', 'keys', '--record', 'k0', '--type', 'ed25519']);
  assert.equal(key.code, 0, key.stderr);
  const id = await run(['id', caller, '--json']);
  assert.equal(id.code, 0, id.stderr);
  return { server, caller, callerId: (JSON.parse(id.stdout) as { peerId: string }).peerId };
}
