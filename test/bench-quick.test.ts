/**
 * `npm run bench -- --quick` must keep working (CI runs it so the suite never rots). Speed is not asserted:
 * only that every benchmark area that exists ran, or says why it was skipped, and that the report parses.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BenchReport } from '../bench/report.js';

const ROOT = new URL('..', import.meta.url).pathname;
const AREAS: [string, string][] = [
  ['engine', 'engine.ts'], ['snapshot', 'snapshot.ts'], ['procedures', 'procedures.ts'], ['ed25519', 'ed25519.ts'],
  ['softhsm', 'softhsm.ts'], ['zone', 'zone.ts'], ['p2p', 'p2p.ts'], ['attack', 'attack.ts'], ['browser', 'browser.ts'],
];

test('bench/run.ts --quick writes a report with every existing area', { timeout: 120_000 }, (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stronghold-bench-quick-'));
  try {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `bench exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchReport;
    assert.equal(report.quick, true);
    assert.deepEqual(report.failed, []);
    for (const [area, file] of AREAS) {
      if (!existsSync(join(ROOT, 'bench', file))) continue;
      const rows = report.rows.filter((row) => row.area === area);
      const skipped = report.skipped.find((s) => s.area === area);
      assert.ok(rows.length > 0 || skipped, `area ${area} has no rows and no reason`);
      for (const row of rows) assert.ok(Number.isFinite(row.value), `${area}: ${row.name} is ${row.value}`);
      if (skipped) t.diagnostic(`${area} skipped: ${skipped.reason}`);
    }
    for (const area of ['engine', 'snapshot', 'procedures', 'ed25519']) assert.ok(report.areas.includes(area), `${area} ran`);
    assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /^# Benchmark results/);
    assert.match(readFileSync(join(out, 'chart.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
