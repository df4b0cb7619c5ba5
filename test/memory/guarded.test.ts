import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';
import { GuardedBuffer, GuardedPool, wipe } from '../../src/memory/guarded.js';

test('a guarded buffer is readable only inside read/write, and nests', async () => {
  const g = GuardedBuffer.adopt(new Uint8Array([1, 2, 3]));
  assert.equal(g.length, 3);
  assert.deepEqual(g.read((m) => Array.from(m)), [1, 2, 3]);
  g.read((outer) => g.read((inner) => assert.equal(inner[0], outer[0])));
  const sum = await g.read(async (m) => {
    await new Promise((r) => setTimeout(r, 1));
    return m[0]! + m[1]! + m[2]!;
  });
  assert.equal(sum, 6, 'stays readable until an async use settles');
  g.free();
  g.free();
  assert.throws(() => g.read(() => 0));
});

test('adopt wipes the source; clear and wipe zero', () => {
  const src = new Uint8Array([9, 9, 9]);
  const g = GuardedBuffer.adopt(src);
  assert.deepEqual(src, new Uint8Array(3));
  g.clear();
  assert.equal(g.length, 0);
  g.write((m) => assert.ok(m.every((b) => b === 0)));
  const a = new Uint8Array([1, 2]);
  wipe(a, null, undefined);
  assert.deepEqual(a, new Uint8Array(2));
  g.free();
});

test('guarded buffers never show their contents in JSON or inspect', () => {
  const g = GuardedBuffer.adopt(new Uint8Array([0xab, 0xcd]));
  assert.doesNotMatch(JSON.stringify({ g }), /ab|cd|171|205/);
  assert.doesNotMatch(inspect(g), /ab|cd|171|205/);
  g.free();
});

test('the pool reuses wiped buffers by size class', () => {
  const pool = new GuardedPool({ maxFreePerClass: 2 });
  const a = pool.acquire(10);
  assert.equal(a.capacity, 64);
  a.write((m) => m.fill(7));
  a.length = 10;
  pool.release(a);
  const b = pool.acquire(50);
  assert.equal(b, a, 'reused');
  b.write((m) => assert.ok(m.every((x) => x === 0), 'released buffers are wiped'));
  assert.equal(pool.acquire(100).capacity, 128);
  pool.drain();
});

test('touching a protected buffer kills the process with SIGSEGV (the guard is real)', () => {
  const code = `
    import { GuardedBuffer } from './src/memory/guarded.ts';
    const g = GuardedBuffer.adopt(new Uint8Array([1, 2, 3]));
    let leaked;
    g.read((m) => { leaked = m; });
    console.log(leaked[0]);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: new URL('../../', import.meta.url), encoding: 'utf8' });
  assert.equal(r.signal, 'SIGSEGV', `expected a segfault, got status ${r.status} ${r.stderr}`);
});
