/**
 * `npm run bench [-- --quick]`: runs every benchmark area and prints one table and one JSON document.
 */
import { benchEngine } from './engine.js';
import { formatTable, type BenchOptions, type Row } from './report.js';

const opts: BenchOptions = { quick: process.argv.includes('--quick') };
const areas: [string, (o: BenchOptions) => Promise<Row[]>][] = [['engine', benchEngine]];

const rows: Row[] = [];
for (const [name, run] of areas) {
  process.stderr.write(`bench: ${name}...\n`);
  rows.push(...(await run(opts)));
}
console.log(formatTable(rows));
console.log(JSON.stringify({ node: process.version, quick: opts.quick, rows }, null, 2));
