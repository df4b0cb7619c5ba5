/**
 * One headless Chromium per browser test file, driven with puppeteer-core (nothing downloaded: Debian's
 * `chromium`, which .ci/setup installs), and a 127.0.0.1 http server for the bundle, the page helpers
 * (test/browser/page/*.js, plain ES modules), the IOTA SDK fixtures (read in place) and a scratch folder
 * (scripts/web-server.ts, which sends the Content-Security-Policy SECURITY.md recommends, so every test also
 * proves the bundle works under it). Both are stopped after the file's tests.
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { serveStatic, type Mounts } from '../../scripts/web-server.js';
import { FIXTURES_DIR } from '../iota-sdk-fixtures.js';

export const CHROMIUM = process.env.STRONGHOLD_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE_DIR = join(ROOT, 'dist', 'browser', 'bundle');

/** Why the browser tests cannot run here, or false. Only a missing Chromium (or bundle) skips them. */
export const skipReason: string | false = !existsSync(CHROMIUM)
  ? `Chromium is not installed at ${CHROMIUM} (.ci/setup installs Debian's chromium; STRONGHOLD_CHROMIUM names another)`
  : false;

export interface BrowserSession {
  readonly browser: Browser;
  readonly page: Page;
  /** http://127.0.0.1:port */
  readonly origin: string;
  /** A folder served at /scratch/ (removed after the file's tests). */
  readonly scratch: string;
  /** Runs `fn(...args)` of page helper module `/page/<module>` in the page; args and result are JSON. */
  call<T>(module: string, fn: string, ...args: unknown[]): Promise<T>;
}

/**
 * Starts the server and Chromium before the file's tests (when Chromium is there) and stops both after.
 * The page starts at /page/blank.html; console errors of the page are collected in `errors`.
 */
export function browserSession(extraMounts: Mounts = {}): BrowserSession & { errors: string[] } {
  let server: Server | null = null;
  let browser: Browser | null = null;
  let page: Page | null = null;
  let scratch = '';
  const errors: string[] = [];
  const session = {
    errors,
    get browser() {
      return browser!;
    },
    get page() {
      return page!;
    },
    get origin() {
      return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    },
    get scratch() {
      return scratch;
    },
    async call<T>(module: string, fn: string, ...args: unknown[]): Promise<T> {
      const code = `import(${JSON.stringify(`/page/${module}`)}).then((m) => m[${JSON.stringify(fn)}](...${JSON.stringify(args)}))`;
      return page!.evaluate(code) as Promise<T>;
    },
  };
  before(async () => {
    if (skipReason) return;
    if (!existsSync(join(BUNDLE_DIR, 'stronghold.js'))) throw new Error(`${BUNDLE_DIR} is missing: run \`npm run build\` first (npm test does)`);
    scratch = mkdtempSync(join(tmpdir(), 'stronghold-browser-'));
    server = await serveStatic({
      '/bundle/': BUNDLE_DIR, '/page/': fileURLToPath(new URL('./page/', import.meta.url)), '/fixtures/': FIXTURES_DIR, '/scratch/': scratch, ...extraMounts,
    });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in CI has no user namespace for Chromium's sandbox; the page loads only our own test server.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--js-flags=--expose-gc'],
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${session.origin}/page/blank.html`);
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
  return session;
}
