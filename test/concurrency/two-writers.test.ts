/**
 * Two processes on one snapshot: while one holds it, the other writer gets `SnapshotLocked` (naming the holder)
 * and nothing it could have written is lost; two processes that take turns (open, increment, save, close, retrying
 * while locked) lose no increment.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { isStrongholdError } from '../../src/errors.js';
import { CLIENT, readU32, WRITER_KEY } from './save-writer.js';

const CHILD = new URL('./save-writer.ts', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'stronghold-two-writers-'));
after(() => rmSync(root, { recursive: true, force: true }));

function start(args: string[]): { child: ChildProcess; messages: Record<string, unknown>[]; next: (key: string) => Promise<Record<string, unknown>>; exited: Promise<number | null> } {
  const child = fork(CHILD, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const messages: Record<string, unknown>[] = [];
  const waiters: [string, (m: Record<string, unknown>) => void][] = [];
  child.on('message', (m: Record<string, unknown>) => {
    messages.push(m);
    assert.equal(m.error, undefined, `child failed: ${String(m.error)}`);
    for (const [i, [key, resolve]] of waiters.entries()) {
      if (key in m) {
        waiters.splice(i, 1);
        resolve(m);
        break;
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = (key: string): Promise<Record<string, unknown>> => {
    const seen = messages.find((m) => key in m);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push([key, resolve]));
  };
  return { child, messages, next, exited };
}

test('a second writer gets SnapshotLocked while the first holds the file, then sees every update', { timeout: 60_000 }, async () => {
  const path = join(root, 'held.stronghold');
  const a = start(['hold', path]);
  await a.next('ready');
  await assert.rejects(Stronghold.open(path, WRITER_KEY), (e) => isStrongholdError(e, 'SnapshotLocked') && e.details.pid === a.child.pid && e.details.path === path);
  // Reading never takes the lock, so it works meanwhile and sees the holder's last save.
  const reader = await Stronghold.open(path, WRITER_KEY, { readOnly: true });
  assert.equal(readU32(reader.loadClient(CLIENT).store.get('held')), a.child.pid);
  await reader.close();

  a.child.send('close');
  await a.next('closed');
  assert.equal(await a.exited, 0);
  const b = await Stronghold.open(path, WRITER_KEY);
  const store = b.loadClient(CLIENT).store;
  assert.equal(readU32(store.get('held')), a.child.pid);
  assert.equal(readU32(store.get('final')), a.child.pid, 'the first writer\'s last save before closing is there');
  store.insert('second', Uint8Array.of(0, 0, 0, 2));
  await b.save();
  await b.close();
  const check = await Stronghold.open(path, WRITER_KEY, { readOnly: true });
  const s = check.loadClient(CLIENT).store;
  assert.deepEqual([readU32(s.get('held')), readU32(s.get('final')), readU32(s.get('second'))], [a.child.pid, a.child.pid, 2]);
  await check.close();
});

test('two processes taking turns on one snapshot lose no update', { timeout: 120_000 }, async (t) => {
  const path = join(root, 'counter.stronghold');
  const N = 25;
  const writers = [start(['counter', path, String(N)]), start(['counter', path, String(N)])];
  const done = await Promise.all(writers.map(async (w) => {
    await w.next('done');
    assert.equal(await w.exited, 0);
    return Number(w.messages.find((m) => 'locked' in m)!.locked);
  }));
  t.diagnostic(`SnapshotLocked retries: ${done.join(' and ')}`);
  const sh = await Stronghold.open(path, WRITER_KEY, { readOnly: true });
  const store = sh.loadClient(CLIENT).store;
  assert.equal(readU32(store.get('count')), 2 * N);
  for (const w of writers) for (let i = 0; i < N; i++) assert.equal(readU32(store.get(`p${w.child.pid}-${i}`)), i);
  await sh.close();
});
