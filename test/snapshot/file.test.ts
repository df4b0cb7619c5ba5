import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { isStrongholdError } from '../../src/errors.js';
import { readSnapshot } from '../../src/snapshot/codec.js';
import { acquireSnapshotLock, readSnapshotFile, removeStaleTemps, writeFileAtomic } from '../../src/snapshot/file.js';
import { passwordKey } from '../../src/snapshot/keys.js';
import { CRASH_KEY, versionBytes, versionOf } from './crash-writer.js';
import { FIXTURES, fixtureBytes, hexOf } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'stronghold-file-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => {
  const d = join(root, `d${dirs++}`);
  mkdirSync(d);
  return d;
};

async function rejects(p: Promise<unknown>, code: string, check?: (details: Record<string, unknown>) => boolean): Promise<void> {
  await assert.rejects(p, (e) => isStrongholdError(e, code as never) && (!check || check(e.details as Record<string, unknown>)));
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('writeFileAtomic', () => {
  test('creates and replaces the file, owner-only, leaving no temporary file', async () => {
    const dir = freshDir();
    const path = join(dir, 'a.stronghold');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    await writeFileAtomic(path, Uint8Array.of(4, 5));
    assert.deepEqual(new Uint8Array(readFileSync(path)), Uint8Array.of(4, 5));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['a.stronghold']);
  });

  test('a failed write reports Io with the step and leaves nothing behind', async () => {
    const dir = freshDir();
    await rejects(writeFileAtomic(join(dir, 'missing', 'x.stronghold'), Uint8Array.of(1)), 'Io', (d) => d.op === 'create');
    const target = join(dir, 'taken');
    mkdirSync(target);
    await rejects(writeFileAtomic(target, Uint8Array.of(1)), 'Io', (d) => d.op === 'rename' && d.path === target);
    assert.deepEqual(readdirSync(dir), ['taken']);
  });
});

describe('readSnapshotFile', () => {
  test('a missing file is SnapshotNotFound, a directory is Io', async () => {
    const dir = freshDir();
    await rejects(readSnapshotFile(join(dir, 'none.stronghold')), 'SnapshotNotFound', (d) => d.path === join(dir, 'none.stronghold'));
    await rejects(readSnapshotFile(dir), 'Io', (d) => d.op === 'read' && d.path === dir);
  });

  test('a failed open (wrong password) leaves the file untouched', async () => {
    const dir = freshDir();
    const f = FIXTURES.find((x) => x.path === 'no_secret_manager_data.stronghold')!;
    const path = join(dir, 'wallet.stronghold');
    await writeFileAtomic(path, fixtureBytes(f));
    const before = statSync(path);
    await rejects(readSnapshot(await readSnapshotFile(path), passwordKey('wrong')), 'WrongPassword');
    const now = statSync(path);
    assert.equal(now.mtimeMs, before.mtimeMs);
    assert.equal(hexOf(new Uint8Array(readFileSync(path))), hexOf(fixtureBytes(f)));
    assert.deepEqual(readdirSync(dir), ['wallet.stronghold']);
  });
});

describe('acquireSnapshotLock', () => {
  test('a held lock names its holder; release frees it', async () => {
    const path = join(freshDir(), 's.stronghold');
    const lock = await acquireSnapshotLock(path);
    await rejects(acquireSnapshotLock(path), 'SnapshotLocked', (d) => d.pid === process.pid && d.host === hostname() && d.path === path);
    await lock.release();
    await lock.release();
    const again = await acquireSnapshotLock(path);
    await again.release();
  });

  test('a lock left by a dead process, or unreadable garbage, is stale and taken over', async () => {
    const path = join(freshDir(), 's.stronghold');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), time: new Date().toISOString(), token: 'x' }));
    const lock = await acquireSnapshotLock(path);
    await lock.release();
    writeFileSync(`${path}.lock`, '');
    await (await acquireSnapshotLock(path)).release();
  });

  test('a lock from another host cannot be checked and is reported as held', async () => {
    const path = join(freshDir(), 's.stronghold');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 1, host: 'elsewhere.example', time: new Date().toISOString(), token: 'x' }));
    await rejects(acquireSnapshotLock(path), 'SnapshotLocked', (d) => d.pid === 1 && d.host === 'elsewhere.example');
  });
});

describe('crash safety', () => {
  const CHILD = new URL('./crash-writer.ts', import.meta.url).pathname;
  /** Two lanes (two cores) of 50 kills each. */
  const LANES = 2;
  const KILLS_PER_LANE = 50;

  // xorshift32, seeded once; the seed is in the failure message so a failing run can be replayed.
  const seed = (Math.random() * 0xffffffff) >>> 0 || 1;
  let rng = seed;
  const random = (): number => {
    rng ^= rng << 13; rng >>>= 0;
    rng ^= rng >>> 17;
    rng ^= rng << 5; rng >>>= 0;
    return rng / 0x100000000;
  };

  /** Returns how many temporary files the kills left behind: evidence that kills landed inside writes. */
  async function lane(laneIndex: number): Promise<number> {
    const dir = freshDir();
    const path = join(dir, 'crash.stronghold');
    for (let cycle = 0; cycle < KILLS_PER_LANE; cycle++) {
      const first = (laneIndex * KILLS_PER_LANE + cycle) * 100_000;
      const child = fork(CHILD, [path, String(first)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      let lastAck = -1;
      let failure: unknown;
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const firstWrite = new Promise<void>((resolve) => {
        child.on('message', (m: { written?: number; error?: string }) => {
          if (m.error) failure = m.error;
          if (m.written !== undefined) lastAck = m.written;
          resolve();
        });
        child.on('exit', () => resolve());
      });
      await firstWrite;
      assert.equal(failure, undefined, `child failed: ${String(failure)} (seed ${seed})`);
      if (cycle === 0) {
        // While the writer lives, its lock names it.
        await rejects(acquireSnapshotLock(path), 'SnapshotLocked', (d) => d.pid === child.pid);
      }
      await new Promise((r) => setTimeout(r, random() * 15));
      child.kill('SIGKILL');
      await exited;
      const bytes = await readSnapshotFile(path);
      const { state } = await readSnapshot(bytes, CRASH_KEY);
      const n = versionOf(state);
      assert.ok(n >= lastAck && n >= first, `file has version ${n}, last acknowledged ${lastAck} (seed ${seed})`);
      assert.equal(hexOf(bytes), hexOf(await versionBytes(n)), `version ${n} is not byte-equal to what was written (seed ${seed})`);
    }
    // The last child died holding the lock: it is stale now and a new writer recovers it.
    const lock = await acquireSnapshotLock(path);
    await lock.release();
    return readdirSync(dir).filter((name) => /^crash\.stronghold\.[0-9a-f]{12}$/.test(name)).length;
  }

  test(`SIGKILL at random moments, ${LANES * KILLS_PER_LANE} times: the file is always a whole written version`, async (t) => {
    const torn = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    t.diagnostic(`seed ${seed}; ${torn.reduce((a, b) => a + b, 0)} kills landed inside a write (temporary file left behind)`);
  });
});

describe('temporary files of killed writers', () => {
  test('removeStaleTemps removes old <path>.<12 hex> files only; opening for writing does it under the lock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'temps-'));
    try {
      const path = join(dir, 'w.stronghold');
      const old = new Date(Date.now() - 120_000);
      for (const name of ['w.stronghold.0123456789ab', 'w.stronghold.ba9876543210']) {
        await writeFile(join(dir, name), 'torn');
        await utimes(join(dir, name), old, old);
      }
      await writeFile(join(dir, 'w.stronghold.fresh0000000'), 'not ours');
      await writeFile(join(dir, 'w.stronghold.cafecafecafe'), 'a save in progress');
      await writeFile(join(dir, 'other.0123456789ab'), 'another file');
      await utimes(join(dir, 'other.0123456789ab'), old, old);
      const sh = await Stronghold.open(path, 'pw', { create: true, workFactor: 0 });
      await sh.close();
      assert.deepEqual((await readdir(dir)).sort(), ['other.0123456789ab', 'w.stronghold.cafecafecafe', 'w.stronghold.fresh0000000']);
      assert.equal(await removeStaleTemps(path, Date.now() + 120_000), 1, 'the young one goes once it is old');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
