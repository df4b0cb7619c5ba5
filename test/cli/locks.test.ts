/**
 * Locks and interrupts (issue 15, item 4), through the built bin: Ctrl-C or SIGTERM while a command writes
 * releases the lock and leaves no file behind; a lock whose pid now belongs to another process (a reused pid) is
 * taken over, while a live writer's lock is not; the temporaries of a writer known dead go whatever their age.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { BIN, cli, errorCode, requireBuiltBin } from './helpers.js';

const PW = { STRONGHOLD_PASSWORD: 'pw' };
let dir: string;

before(async () => {
  requireBuiltBin();
  dir = await mkdtemp(join(tmpdir(), 'stronghold-locks-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Starts `stronghold args`, waits until `file` exists (the lock), sends `signal`; resolves with the exit and stderr. */
async function interrupt(args: string[], file: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...PW }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  while (!existsSync(file) && child.exitCode === null) await delay(20);
  child.kill(signal);
  return { code: await exited, stderr };
}

test('SIGINT during init (scrypt at work factor 19): exit 130, one line, no lock, no snapshot, no temporary', async () => {
  const snap = join(dir, 'init.stronghold');
  const r = await interrupt(['init', snap], `${snap}.lock`, 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /^stronghold: interrupted \(SIGINT\); .*lock is released\n$/);
  assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('init.stronghold')), []);
});

test('SIGTERM during a writing command: exit 143, the lock is released and the snapshot unchanged', async () => {
  const snap = join(dir, 'term.stronghold');
  assert.equal((await cli(['init', snap, '--work-factor', '19'], { env: PW })).code, 0);
  const before = await readFile(snap);
  const r = await interrupt(['key', 'generate', snap, '--client', 'c', '--key', 'v/k'], `${snap}.lock`, 'SIGTERM');
  assert.equal(r.code, 143, r.stderr);
  assert.deepEqual(await readFile(snap), before);
  assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('term.stronghold.')), []);
});

test('a lock whose pid was reused by another process is taken over; the live writer\'s own is not', async () => {
  const snap = join(dir, 'reuse.stronghold');
  assert.equal((await cli(['init', snap, '--work-factor', '0'], { env: PW })).code, 0);
  // A real writer records its lock and is killed (-9: no cleanup), leaving the lock and a temporary behind.
  const writer = spawn(process.execPath, ['--input-type=module', '-e',
    `import { acquireSnapshotLock } from ${JSON.stringify(new URL('../../dist/snapshot/file.js', import.meta.url).href)};
     await acquireSnapshotLock(${JSON.stringify(snap)}); console.log('locked'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
  const lock = JSON.parse(await readFile(`${snap}.lock`, 'utf8')) as { pid: number; start?: string };
  assert.equal(lock.pid, writer.pid);
  assert.ok(lock.start, 'the lock records the writer\'s start identity');
  const held = await cli(['store', 'set', snap, '--client', 'c', 'k', 'v'], { env: PW });
  assert.equal(held.code, 6, 'a live writer keeps its lock');
  assert.match(held.stderr, new RegExp(`^stronghold: hint: process ${writer.pid} on .*remove .*reuse\\.stronghold\\.lock`, 'm'));
  writer.kill('SIGKILL');
  await new Promise((resolve) => writer.on('exit', resolve));
  await writeFile(`${snap}.0123456789ab`, 'a half-written save of the dead writer, just now');
  // Its pid now names another live process (this test runner), which a pid check alone would take for the writer.
  await writeFile(`${snap}.lock`, JSON.stringify({ ...lock, pid: process.pid }));
  const r = await cli(['store', 'set', snap, '--client', 'c', 'k', 'v'], { env: PW });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(errorCode(r), undefined);
  assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('reuse.stronghold.')), [], 'lock and the dead writer\'s temporary are gone');
});
