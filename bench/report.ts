/** One measured figure. `target` says what the issue asks for, as text. */
export interface Row {
  area: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

export interface BenchOptions {
  quick: boolean;
}

/** Median of several runs of `fn`, with the spread (min..max). */
export async function medianOf(runs: number, fn: () => Promise<number> | number): Promise<{ median: number; min: number; max: number }> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await fn());
  values.sort((a, b) => a - b);
  return { median: values[Math.floor(values.length / 2)]!, min: values[0]!, max: values[values.length - 1]! };
}

export function formatTable(rows: Row[]): string {
  const lines = ['| area | figure | value | unit | target | note |', '| --- | --- | ---: | --- | --- | --- |'];
  for (const r of rows) {
    const v = r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(r.value >= 10 ? 1 : 3);
    lines.push(`| ${r.area} | ${r.name} | ${v} | ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}
