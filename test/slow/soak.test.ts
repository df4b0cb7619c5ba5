/**
 * The soak mode runs (`npm run test:slow`): one minute of mixed load (writes, zone procedures, saves, remote
 * calls, a zone restart) with every result checked. One minute is too short to judge memory growth; run
 * `npm run soak -- --minutes 30` for that (docs/proof-suite.md).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/** `npm test` globs every test file; slow ones run only under `npm run test:slow` (STRONGHOLD_SLOW=1). */
const SKIP = process.env.STRONGHOLD_SLOW === '1' ? false : 'slow: run with npm run test:slow';

test('npm run soak -- --minutes 1 passes', { timeout: 240_000, skip: SKIP }, (t) => {
  const root = new URL('../..', import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/soak.ts', '--minutes', '1'], { cwd: root, encoding: 'utf8' });
  t.diagnostic(r.stdout.split('\n').filter((l) => /operations|memory|ok|FAIL/.test(l)).join('\n'));
  assert.equal(r.status, 0, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /^soak: ok$/m);
});
