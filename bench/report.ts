/**
 * The shape of benchmark results and their text forms: one Markdown table per area, and the JSON document
 * `bench/run.ts` writes. Figures are medians of several runs; `min`/`max` carry the spread when there was more than one run.
 * @module
 */

/** One measured figure. `target` says what the issue asks for, as text. */
export interface Row {
  area: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
  /** Spread of the runs the median came from. */
  min?: number;
  max?: number;
  /** How many runs the median came from. */
  runs?: number;
  /** A short label: the row is a key ratio and appears in the chart (unit `x`). */
  chart?: string;
}

export interface BenchOptions {
  quick: boolean;
}

/** An area that produced no rows, and why (not installed, module missing, ...). */
export interface Skipped {
  area: string;
  reason: string;
}

/**
 * What an area function returns: its rows, optionally with a reason some part (or all of it) could not
 * run here, which the report lists under "Skipped".
 */
export type AreaResult = Row[] | { rows?: Row[]; skipped?: string };

/** Everything one `npm run bench` run writes to latest.json. */
export interface BenchReport {
  date: string;
  node: string;
  platform: string;
  cpus: string;
  quick: boolean;
  /** Areas in the order they ran. */
  areas: string[];
  rows: Row[];
  skipped: Skipped[];
  /** Areas that threw: a broken benchmark, reported rather than hidden. */
  failed: Skipped[];
}

/** Median of several runs of `fn`, with the spread (min..max). */
export async function medianOf(runs: number, fn: () => Promise<number> | number): Promise<{ median: number; min: number; max: number }> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await fn());
  return spread(values);
}

/** Median and range of a list of measurements (the upper median for an even count). */
export function spread(values: readonly number[]): { median: number; min: number; max: number } {
  if (values.length === 0) throw new RangeError('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** A row from a list of runs: median as the value, with its spread and run count. */
export function rowOf(base: Omit<Row, 'value' | 'min' | 'max' | 'runs'>, values: readonly number[]): Row {
  const s = spread(values);
  const row: Row = { ...base, value: s.median, runs: values.length };
  if (values.length > 1) {
    row.min = s.min;
    row.max = s.max;
  }
  return row;
}

/** Operations per second of `op` over about `ms` milliseconds (at least `min` operations, after `min` warm-up calls). */
export async function rate(ms: number, op: () => unknown, min = 3): Promise<number> {
  for (let i = 0; i < min; i++) await op();
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms || n < min) {
    await op();
    n++;
    elapsed = performance.now() - t0;
  }
  return n / (elapsed / 1000);
}

/** Milliseconds one call of `fn` takes. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Runs the garbage collector when node was started with --expose-gc. */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Heap + external + array-buffer bytes once garbage has really gone: a few GC passes with pauses between them,
 * because buffers are released by finalizers that run after the collection that found them.
 */
export async function settledMemory(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01 || a === 0) return v.toFixed(3);
  return v.toPrecision(3);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One Markdown table of rows (all areas together). */
export function formatTable(rows: readonly Row[]): string {
  const lines = ['| area | figure | value | spread | unit | target | note |', '| --- | --- | ---: | --- | --- | --- | --- |'];
  for (const r of rows) {
    const s = r.min !== undefined && r.max !== undefined ? `${formatNumber(r.min)} .. ${formatNumber(r.max)}` : '';
    lines.push(`| ${cell(r.area)} | ${cell(r.name)} | ${formatNumber(r.value)} | ${s} | ${cell(r.unit)} | ${cell(r.target ?? '')} | ${cell(r.note ?? '')} |`);
  }
  return lines.join('\n');
}

/** The whole report as Markdown: a heading and a table per area, then what was skipped or failed. */
export function formatMarkdown(report: BenchReport, chartFile?: string): string {
  const out = [
    '# Benchmark results',
    '',
    `${report.date} · Node ${report.node} · ${report.platform} · ${report.cpus}${report.quick ? ' · **quick run** (short, not for comparison)' : ''}`,
    '',
    'Each value is the median of the runs shown in `spread` (min .. max). Ratios are measured pair by pair in the same run.',
    'Produced by `npm run bench`; see docs/proof-suite.md.',
  ];
  if (chartFile) out.push('', `![key ratios](${chartFile})`);
  for (const area of report.areas) {
    const rows = report.rows.filter((r) => r.area === area);
    if (rows.length === 0) continue;
    out.push('', `## ${area}`, '', formatTable(rows));
  }
  if (report.skipped.length > 0) {
    out.push('', '## Skipped', '');
    for (const s of report.skipped) out.push(`- **${s.area}**: ${cell(s.reason)}`);
  }
  if (report.failed.length > 0) {
    out.push('', '## Failed', '');
    for (const s of report.failed) out.push(`- **${s.area}**: ${cell(s.reason)}`);
  }
  return `${out.join('\n')}\n`;
}
