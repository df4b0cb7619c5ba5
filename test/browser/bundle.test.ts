/**
 * The browser build's imports (dist/browser/bundle/meta.json, esbuild's record of what it bundled): no Node
 * built-in, no sodium-native, nothing but our sources and @noble/@scure; every module with a `.browser.ts`
 * sibling was swapped for it; the bundles import only each other; and an app bundled for the browser gets them
 * through the package's `browser` export condition. Run `npm run build` first (`npm test` does).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const META = fileURLToPath(new URL('../../dist/browser/bundle/meta.json', import.meta.url));

interface Meta {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
  outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; entryPoint?: string }>;
}
const meta = (): Meta => JSON.parse(readFileSync(META, 'utf8')) as Meta;

test('the bundle is built', () => assert.ok(existsSync(META), 'run npm run build first'));

test('the browser entry reaches only our sources and @noble/@scure: no Node built-in, no sodium-native', () => {
  const inputs = Object.keys(meta().inputs);
  const foreign = inputs.filter((p) => !p.startsWith('src/') && !/^node_modules\/@(noble|scure)\//.test(p));
  assert.deepEqual(foreign, []);
  // A relative import that TypeScript erases (`import { type X }`) is listed as external with nothing left to load.
  const external = Object.values(meta().inputs).flatMap((i) => i.imports.filter((x) => /^node:|sodium-native/.test(x.path) || (x.external && !x.path.startsWith('.'))));
  assert.deepEqual(external, []);
  assert.ok(inputs.includes('src/browser/index.ts') && inputs.includes('src/client/stronghold.ts'));
});

test('every module with a .browser.ts sibling is replaced by it', () => {
  const inputs = new Set(Object.keys(meta().inputs));
  const swapped = [...inputs].filter((p) => p.endsWith('.browser.ts'));
  assert.deepEqual(swapped.sort(), ['src/crypto/default.browser.ts', 'src/memory/sodium.browser.ts', 'src/platform/crypto.browser.ts', 'src/snapshot/default-storage.browser.ts']);
  for (const p of swapped) assert.ok(!inputs.has(p.replace('.browser.ts', '.ts')), `${p.replace('.browser.ts', '.ts')} is bundled too`);
  for (const node of ['src/crypto/native.ts', 'src/snapshot/file.ts', 'src/zone/host.ts', 'src/zone/worker.ts']) assert.ok(!inputs.has(node), node);
});

test('the bundles import only each other', () => {
  for (const [out, o] of Object.entries(meta().outputs)) {
    for (const i of o.imports) assert.ok(!i.external && i.path.startsWith('dist/browser/bundle/'), `${out} imports ${i.path}`);
  }
});

test('an app bundled for the browser resolves stronghold-ts, /browser, /procedures and /tauri to the browser bundle', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-browser-app-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(fileURLToPath(new URL('../../', import.meta.url)), join(dir, 'node_modules/stronghold-ts'));
    const app = [
      "import { StrongholdWorker } from 'stronghold-ts';",
      "import { opfsStorage } from 'stronghold-ts/browser';",
      "import { ed25519Sign } from 'stronghold-ts/procedures';",
      "import { Stronghold } from 'stronghold-ts/tauri';",
      'console.log(StrongholdWorker, opfsStorage, ed25519Sign, Stronghold);',
    ].join('\n');
    const r = await build({ stdin: { contents: app, resolveDir: dir }, absWorkingDir: dir, bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    // esbuild follows the link, so the package's files appear by their real paths.
    const inputs = Object.keys(r.metafile.inputs).filter((p) => p !== '<stdin>');
    assert.ok(inputs.length >= 4, inputs.join(', '));
    assert.deepEqual(inputs.filter((p) => !/(^|\/)dist\/browser\/bundle\/[^/]+\.js$/.test(p)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
