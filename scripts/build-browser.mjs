/**
 * Bundles the browser build (dist/browser/bundle/) with esbuild: the `stronghold-ts/browser` entry, the procedure
 * builders, the Tauri facade and the zone worker, as ES modules sharing chunks (one copy of each class).
 *
 * Every source module `X.ts` that has a sibling `X.browser.ts` is replaced by it (memory/sodium, platform/crypto,
 * crypto/default, snapshot/default-storage); Node built-ins and sodium-native are refused, so the build fails if
 * anything still reaches them. The metafile (meta.json) lists every input, for test/browser/bundle.test.ts.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
export const BUNDLE_DIR = join(root, 'dist', 'browser', 'bundle');

/** `./x.js` imported from a source file: the `.ts` it names, or its `.browser.ts` sibling when there is one. */
const browserSwap = {
  name: 'browser-swap',
  setup(b) {
    b.onResolve({ filter: /^node:|^sodium-native$/ }, (args) => ({
      errors: [{ text: `${args.path} is not available in the browser build (imported by ${args.importer.slice(root.length + 1)})` }],
    }));
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (!args.importer.startsWith(src)) return undefined;
      const ts = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const swapped = ts.replace(/\.ts$/, '.browser.ts');
      if (existsSync(swapped)) return { path: swapped };
      return existsSync(ts) ? { path: ts } : undefined;
    });
  },
};

rmSync(BUNDLE_DIR, { recursive: true, force: true });
mkdirSync(BUNDLE_DIR, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    stronghold: 'src/browser/index.ts',
    procedures: 'src/procedures/index.ts',
    tauri: 'src/facades/tauri-web.ts',
    'zone-worker': 'src/browser/zone-worker.ts',
  },
  outdir: BUNDLE_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [browserSwap],
});
writeFileSync(join(BUNDLE_DIR, 'meta.json'), JSON.stringify(result.metafile));
