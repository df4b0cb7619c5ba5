/**
 * `npm run demo:web`: serves the demo page (demo/web/) with the browser bundle on http://127.0.0.1:8080 (PORT to
 * change it) until Ctrl-C. Build first (`npm run build`); 127.0.0.1 is a secure context, so OPFS works.
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoMounts, serveStatic } from './web-server.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
if (!existsSync(here('../dist/browser/bundle/stronghold.js'))) {
  console.error('demo:web: dist/browser/bundle is missing; run `npm run build` first');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 8080);
const server = await serveStatic(demoMounts(), port);
console.log(`Stronghold demo: http://127.0.0.1:${port}/ (Ctrl-C stops it)`);
process.on('SIGINT', () => server.close(() => process.exit(0)));

