/**
 * One headless Chromium per browser test file, driven with puppeteer-core (nothing downloaded: Debian's
 * `chromium`, which .ci/setup installs), and a 127.0.0.1 http server for the bundle, the page helpers
 * (test/browser/page/*.js, plain ES modules), the IOTA SDK fixtures (read in place) and a scratch folder.
 * Pages are sent with the Content-Security-Policy SECURITY.md recommends, so every test also proves the bundle
 * works under it. Both are stopped after the file's tests.
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIXTURES_DIR } from '../iota-sdk-fixtures.js';

export const CHROMIUM = process.env.STRONGHOLD_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE_DIR = join(ROOT, 'dist', 'browser', 'bundle');

/** Why the browser tests cannot run here, or false. Only a missing Chromium (or bundle) skips them. */
export const skipReason: string | false = !existsSync(CHROMIUM)
  ? `Chromium is not installed at ${CHROMIUM} (.ci/setup installs Debian's chromium; STRONGHOLD_CHROMIUM names another)`
  : false;

/** The policy SECURITY.md recommends: scripts and workers of this origin only, no eval, no inline script, no plugins. */
export const CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.json': 'application/json',
  '.map': 'application/json', '.png': 'image/png',
};

/** URL prefix → folder it serves. */
export type Mounts = Record<string, string>;

function serve(mounts: Mounts): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const prefix = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
      const base = prefix === undefined ? undefined : mounts[prefix]!;
      const file = base === undefined ? null : normalize(join(base, decodeURIComponent(url.pathname.slice(prefix!.length)) || 'index.html'));
      if (file === null || !(file === base || file.startsWith(base!.endsWith(sep) ? base! : base! + sep))) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CSP,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

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
    server = await serve({
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
