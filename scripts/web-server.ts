/**
 * A static file server on 127.0.0.1 for the browser build: the demo page (`npm run demo:web`) and the browser
 * tests. Each URL prefix serves one folder; every response carries the Content-Security-Policy SECURITY.md
 * recommends, so whatever runs here also proves the bundle works under it.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Scripts and workers of this origin only: no inline script, no eval, no plugins, not framed. */
export const CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.json': 'application/json',
  '.map': 'application/json', '.png': 'image/png',
};

/** URL prefix (ending in `/`) → folder it serves. */
export type Mounts = Record<string, string>;

/** Starts serving `mounts` on 127.0.0.1:`port` (0: any free port). Paths outside a mount's folder are 404. */
export function serveStatic(mounts: Mounts, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const prefix = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
      const base = prefix === undefined ? undefined : mounts[prefix]!;
      const rest = prefix === undefined ? '' : decodeURIComponent(url.pathname.slice(prefix.length));
      const file = base === undefined ? null : normalize(join(base, rest || 'index.html'));
      if (file === null || !file.startsWith(base!.endsWith(sep) ? base! : base! + sep)) {
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
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** The demo page (demo/web/), the bundle, and the two noble/scure modules the page uses for addresses. `/` last: it matches every path. */
export function demoMounts(): Mounts {
  return {
    '/bundle/': here('../dist/browser/bundle/'),
    '/vendor/@noble/hashes/': here('../node_modules/@noble/hashes/'),
    '/vendor/@scure/base/': here('../node_modules/@scure/base/'),
    '/': here('../demo/web/'),
  };
}
