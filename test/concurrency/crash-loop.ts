/**
 * The SIGKILL loop shared by the default crash test (a few dozen kills) and the slow one (hundreds):
 * a child saves through `Stronghold.save()` in a loop (save-writer.ts `crash`), and is killed at a random moment.
 * After each kill the file must open with the last acknowledged version or the one being saved (never a torn or
 * older file), every slot and record must match that version, and the next child must take over the dead
 * child's lock. Kills run in parallel lanes (one file each) to use the cores.
 * @module
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { CLIENT, readU32, SLOTS, slotValue, VERSION_KEY, WRITER_KEY } from './save-writer.js';
import { rng } from '../rng.js';

const CHILD = new URL('./save-writer.ts', import.meta.url).pathname;


const hex = (b: Uint8Array | null): string => (b === null ? 'null' : Buffer.from(b).toString('hex'));

/** Opens the file read-only and checks it is exactly version `v` for some v in `allowed`; returns v. */
async function checkFile(path: string, allowed: readonly number[], seed: number): Promise<number> {
  const sh = await Stronghold.open(path, WRITER_KEY, { readOnly: true });
  try {
    const client = sh.loadClient(CLIENT);
    const v = readU32(client.store.get(VERSION_KEY));
    assert.ok(allowed.includes(v), `file has version ${v}, expected one of ${allowed.join(', ')} (seed ${seed})`);
    for (let j = 0; j < SLOTS; j++) {
      // The latest version <= v that wrote slot j (the first version is 0).
      const m = v - ((((v - j) % SLOTS) + SLOTS) % SLOTS);
      const want = m >= 0 ? slotValue(m) : null;
      assert.equal(hex(client.store.get(`slot${j}`)), hex(want), `slot ${j} of version ${v} (seed ${seed})`);
      assert.equal(client.recordExists(Location.generic('vault', `r${j}`)), m >= 0, `record r${j} of version ${v} (seed ${seed})`);
    }
    return v;
  } finally {
    await sh.close();
  }
}

export interface CrashLoopResult {
  kills: number;
  /** Kills that left a temporary file: they landed inside a write. */
  inWrite: number;
  /** Kills after which the file held the version being saved rather than the last acknowledged one. */
  ahead: number;
  seed: number;
}

async function lane(dir: string, kills: number, random: () => number, seed: number): Promise<{ inWrite: number; ahead: number }> {
  const path = join(dir, 'crash.stronghold');
  let ahead = 0;
  for (let cycle = 0; cycle < kills; cycle++) {
    const child = fork(CHILD, ['crash', path], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let opened = -2;
    let lastAck = -1;
    let failure: string | undefined;
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const started = new Promise<void>((resolve) => {
      child.on('message', (m: { opened?: number; saved?: number; error?: string }) => {
        if (m.error) failure = m.error;
        if (m.opened !== undefined) opened = m.opened;
        if (m.saved !== undefined) lastAck = m.saved;
        if (m.saved !== undefined || m.error) resolve();
      });
      child.on('exit', () => resolve());
    });
    await started;
    assert.equal(failure, undefined, `writer failed: ${failure} (seed ${seed}); a killed writer's lock must be taken over`);
    if (cycle === 0) {
      // While the writer lives, a second writer is refused and told who holds the lock.
      await assert.rejects(Stronghold.open(path, WRITER_KEY), (e) => isStrongholdError(e, 'SnapshotLocked') && e.details.pid === child.pid);
    }
    await new Promise((r) => setTimeout(r, random() * 25));
    child.kill('SIGKILL');
    await exited;
    const acked = Math.max(lastAck, opened);
    const v = await checkFile(path, [acked, acked + 1], seed);
    if (v === acked + 1) ahead++;
  }
  // The last writer died holding the lock: a new writer recovers it.
  const sh = await Stronghold.open(path, WRITER_KEY);
  await sh.close();
  return { inWrite: readdirSync(dir).filter((f) => /^crash\.stronghold\.[0-9a-f]{12}$/.test(f)).length, ahead };
}

/** `kills` SIGKILLs spread over `lanes` parallel files. */
export async function crashLoop(kills: number, lanes: number): Promise<CrashLoopResult> {
  const seed = (Math.random() * 0xffffffff) >>> 0 || 1;
  const root = mkdtempSync(join(tmpdir(), 'stronghold-crash-save-'));
  try {
    const per = Math.ceil(kills / lanes);
    const results = await Promise.all(Array.from({ length: lanes }, (_, i) => {
      const dir = join(root, `lane${i}`);
      mkdirSync(dir);
      return lane(dir, per, rng(seed + i), seed);
    }));
    return {
      kills: per * lanes,
      inWrite: results.reduce((a, r) => a + r.inWrite, 0),
      ahead: results.reduce((a, r) => a + r.ahead, 0),
      seed,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
