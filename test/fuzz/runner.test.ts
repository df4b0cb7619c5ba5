/**
 * `npm run fuzz` (scripts/fuzz.ts) runs a target in a watched child and reports its outcomes; bad arguments are
 * a usage error (exit 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;
const fuzz = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fuzz.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

test('npm run fuzz -- --target procedure-json --runs 200 --seed 3: no failures, outcomes listed', () => {
  const r = fuzz(['--target', 'procedure-json', '--runs', '200', '--seed', '3']);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /^fuzz procedure-json: 200 inputs in [0-9.]+ s, seed 3; outcomes: .*InvalidArgument \d+/m);
  assert.match(r.stdout, /^fuzz: no failures$/m);
});

test('an unknown target or a bad number is a usage error', () => {
  assert.equal(fuzz(['--target', 'nope']).status, 2);
  assert.equal(fuzz(['--runs', 'many']).status, 2);
  assert.equal(fuzz(['--bogus']).status, 2);
});
