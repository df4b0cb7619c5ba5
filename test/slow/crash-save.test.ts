/**
 * The full crash-safety run (`npm run test:slow`): 240 SIGKILLs of a child saving through `Stronghold.save()`,
 * in three parallel lanes. After each kill the file opens with the last or the in-flight content, every slot and
 * record agrees with that version, and the lock of the dead writer is taken over.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** `npm test` globs every test file; slow ones run only under `npm run test:slow` (STRONGHOLD_SLOW=1). */
const SKIP = process.env.STRONGHOLD_SLOW === '1' ? false : 'slow: run with npm run test:slow';
import { crashLoop } from '../concurrency/crash-loop.js';

test('SIGKILL a writer saving through Stronghold.save() 240 times', { timeout: 900_000, skip: SKIP }, async (t) => {
  const r = await crashLoop(240, 3);
  t.diagnostic(`seed ${r.seed}; ${r.kills} kills, ${r.inWrite} left a temporary file, ${r.ahead} found the in-flight save complete`);
  assert.ok(r.kills >= 200);
});
