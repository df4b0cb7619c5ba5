/**
 * Crash safety through `Stronghold.save()` (the default, lighter run; test/slow/crash-save.test.ts kills 200+
 * times): after every SIGKILL the snapshot opens with the last saved content or the one being saved, and the
 * dead writer's lock is recovered by the next one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crashLoop } from './crash-loop.js';

test('SIGKILL a writer saving through Stronghold.save() 40 times: always the last or the in-flight version, lock recovered', { timeout: 180_000 }, async (t) => {
  const r = await crashLoop(40, 2);
  t.diagnostic(`seed ${r.seed}; ${r.kills} kills, ${r.inWrite} left a temporary file, ${r.ahead} found the in-flight save complete`);
  assert.equal(r.kills, 40);
});
