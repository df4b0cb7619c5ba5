/**
 * `npm run bench [-- --quick] [-- --out DIR] [-- --only a,b [--merge]]`: runs every benchmark area, prints the tables,
 * and writes `latest.json`, `latest.md` and `chart.svg` to DIR (default `bench/results/`; a `--quick` run without
 * `--out` writes to a temporary directory so that it never replaces the committed full results). With `--merge`,
 * the areas not run keep their rows from DIR's `latest.json`, each row noting the date of its own run.
 *
 * Areas whose module is not there yet (zone, p2p) or whose peer is not installed (SoftHSM2) are listed as
 * skipped with the reason. An area that throws is listed as failed and the exit code is 1.
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ratioChart } from './chart.js';
import { formatMarkdown, type AreaResult, type BenchOptions, type BenchReport, type Row } from './report.js';

interface Area {
  name: string;
  /** The module (next to this file) and its export; a missing module skips the area. */
  file: string;
  exportName: string;
}

const AREAS: Area[] = [
  { name: 'engine', file: 'engine.ts', exportName: 'benchEngine' },
  { name: 'snapshot', file: 'snapshot.ts', exportName: 'benchSnapshot' },
  { name: 'procedures', file: 'procedures.ts', exportName: 'benchProcedures' },
  { name: 'ed25519', file: 'ed25519.ts', exportName: 'benchEd25519' },
  { name: 'softhsm', file: 'softhsm.ts', exportName: 'benchSoftHsm' },
  { name: 'zone', file: 'zone.ts', exportName: 'benchZone' },
  { name: 'p2p', file: 'p2p.ts', exportName: 'benchP2p' },
  { name: 'attack', file: 'attack.ts', exportName: 'benchAttack' },
  { name: 'browser', file: 'browser.ts', exportName: 'benchBrowser' },
];

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Key ratios of areas whose rows do not label themselves for the chart: area, row name, chart label. */
const CHART_LABELS: [string, string, string][] = [
  ['zone', 'chain of ten Ed25519Sign, process / inline', 'zone: chain of ten signatures, process / inline'],
  ['zone', 'Ed25519Sign, process / inline', 'zone: one signature, process / inline'],
];

/** Other engineers' rows may use another shape; keep what fits ours. */
function normalise(area: string, raw: unknown): Row[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r: Partial<Row> & Record<string, unknown>) => {
    if (typeof r !== 'object' || r === null || typeof r.value !== 'number') return [];
    const row: Row = { ...r, area: typeof r.area === 'string' ? r.area : area, name: String(r.name ?? '?'), value: r.value, unit: String(r.unit ?? '') };
    const label = CHART_LABELS.find(([a, n]) => a === row.area && n === row.name);
    if (label && row.chart === undefined) row.chart = label[2];
    return [row];
  });
}

const quick = process.argv.includes('--quick');
const only = argValue('--only')?.split(',');
const here = new URL('.', import.meta.url);
const outDir = resolve(argValue('--out') ?? (quick ? mkdtempSync(join(tmpdir(), 'stronghold-bench-')) : new URL('results/', here).pathname));
const opts: BenchOptions = { quick };

const report: BenchReport = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${release()}`,
  cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
  quick,
  areas: [],
  rows: [],
  skipped: [],
  failed: [],
};

for (const area of AREAS) {
  if (only && !only.includes(area.name)) continue;
  const url = new URL(area.file, here);
  if (!existsSync(url)) {
    report.skipped.push({ area: area.name, reason: `bench/${area.file} does not exist yet` });
    continue;
  }
  process.stderr.write(`bench: ${area.name}...\n`);
  const started = performance.now();
  try {
    const mod = (await import(url.href)) as Record<string, unknown>;
    const fn = mod[area.exportName];
    if (typeof fn !== 'function') throw new Error(`bench/${area.file} has no export ${area.exportName}`);
    const result = (await (fn as (o: BenchOptions) => Promise<AreaResult>)(opts)) as AreaResult;
    const rows = normalise(area.name, Array.isArray(result) ? result : result.rows);
    if (!Array.isArray(result) && result.skipped) report.skipped.push({ area: area.name, reason: result.skipped });
    if (rows.length > 0) {
      report.areas.push(area.name);
      report.rows.push(...rows);
    }
  } catch (e) {
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(`bench: ${area.name} failed: ${e instanceof Error ? e.stack : reason}\n`);
    report.failed.push({ area: area.name, reason });
  }
  process.stderr.write(`bench: ${area.name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv.includes('--merge')) mergeEarlier(report, join(outDir, 'latest.json'));

/** Keeps the rows (and skips) of the areas this run did not measure, from an earlier report, dated. */
function mergeEarlier(into: BenchReport, file: string): void {
  if (!existsSync(file)) return;
  const earlier = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  const ran = new Set(AREAS.filter((a) => !only || only.includes(a.name)).map((a) => a.name));
  const when = `run ${earlier.date.slice(0, 16).replace('T', ' ')} UTC${earlier.cpus === into.cpus ? '' : ` on ${earlier.cpus}`}`;
  const kept = earlier.rows.filter((r) => !ran.has(r.area)).map((r) => ({ ...r, note: r.note?.includes('run 20') ? r.note : [r.note, when].filter(Boolean).join('; ') }));
  into.rows.unshift(...kept);
  into.skipped.unshift(...earlier.skipped.filter((s) => !ran.has(s.area)));
  const order = AREAS.map((a) => a.name);
  into.areas = [...new Set([...earlier.areas.filter((a) => !ran.has(a)), ...into.areas])].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

mkdirSync(outDir, { recursive: true });
const chart = ratioChart(report.rows, `stronghold-ts key ratios${quick ? ' (quick run)' : ''}, ${report.date.slice(0, 10)}`);
writeFileSync(join(outDir, 'chart.svg'), chart);
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const markdown = formatMarkdown(report, 'chart.svg');
writeFileSync(join(outDir, 'latest.md'), markdown);
console.log(markdown);
process.stderr.write(`bench: wrote ${join(outDir, 'latest.json')}, latest.md and chart.svg\n`);
if (report.failed.length > 0) process.exitCode = 1;
