/**
 * Browser unlock: opening a work-factor-19 snapshot in headless Chromium's zone worker (noble's async scrypt, the
 * browser build) next to `Stronghold.open` of the same file in Node (node:crypto's native scrypt), pair by pair,
 * order alternating. The browser figure includes starting the worker and importing the file (a few ms); the
 * ratio is the price of scrypt in JavaScript. `--quick` uses W = 16 and one pair. Skipped without Chromium (Debian's
 * `chromium`, which .ci/setup installs) or without the bundle (`npm run build`).
 * Runnable alone: `npx tsx --expose-gc bench/browser.ts [--quick]`.
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { serveStatic } from '../scripts/web-server.js';
import { Stronghold } from '../src/client/stronghold.js';
import { formatTable, gc, rowOf, timeMs, type BenchOptions, type Row } from './report.js';

const AREA = 'browser';
const PASSWORD = 'benchmark password';
const CHROMIUM = process.env.STRONGHOLD_CHROMIUM ?? '/usr/bin/chromium';
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const BUNDLE = here('../dist/browser/bundle/');

export async function benchBrowser(opts: BenchOptions = { quick: false }): Promise<{ rows: Row[]; skipped?: string }> {
  if (!existsSync(CHROMIUM)) return { rows: [], skipped: `Chromium is not installed at ${CHROMIUM} (Debian package chromium; .ci/setup installs it)` };
  if (!existsSync(join(BUNDLE, 'stronghold.js'))) return { rows: [], skipped: 'dist/browser/bundle is missing (npm run build makes it)' };
  const W = opts.quick ? 16 : 19;
  const pairs = opts.quick ? 1 : 5;
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-bench-browser-'));
  const path = join(dir, 'bench.stronghold');
  const made = await Stronghold.open(path, PASSWORD, { create: true, workFactor: W });
  made.createClient('bench');
  await made.save();
  await made.close();
  const server = await serveStatic({ '/bundle/': BUNDLE, '/page/': here('./browser-page/'), '/files/': dir });
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/page/`);
    const inBrowser = (): Promise<number> => page.evaluate(`import('/page/unlock.js').then((m) => m.unlock(${JSON.stringify(PASSWORD)}))`) as Promise<number>;
    const inNode = (): Promise<number> => timeMs(async () => (await Stronghold.open(path, PASSWORD, { readOnly: true })).close());
    const browserMs: number[] = [];
    const nodeMs: number[] = [];
    const ratio: number[] = [];
    for (let r = 0; r < pairs; r++) {
      let b: number;
      let n: number;
      if (r % 2 === 0) {
        b = await inBrowser();
        n = await inNode();
      } else {
        n = await inNode();
        b = await inBrowser();
      }
      browserMs.push(b);
      nodeMs.push(n);
      ratio.push(b / n);
      gc();
    }
    const note = `N = 2^${W}, r = 8, p = 1; ${pairs} pair${pairs > 1 ? 's' : ''}, order alternating`;
    return {
      rows: [
        rowOf({ area: AREA, name: `browser unlock at W = ${W} (Chromium, zone worker, noble scrypt)`, unit: 'ms', note: `${note}; includes starting the worker` }, browserMs),
        rowOf({ area: AREA, name: `Node unlock at W = ${W} (Stronghold.open, native scrypt)`, unit: 'ms', note: 'same file, same run' }, nodeMs),
        rowOf({ area: AREA, name: 'browser unlock / Node unlock', unit: 'x', note: 'median of the per-pair ratios', chart: `browser / Node unlock (W=${W})` }, ratio),
      ],
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, skipped } = await benchBrowser({ quick: process.argv.includes('--quick') });
  console.log(formatTable(rows));
  if (skipped) console.log(`skipped: ${skipped}`);
}
