/**
 * The ```js blocks of docs/browser.md run as written in Chromium, one module each, in order, in one page: their
 * `stronghold-ts/...` imports resolve to the bundle as a bundler's `browser` condition would resolve them, and
 * every `console.log(...)   // expected` line must print what its comment shows. (test/docs/docs.test.ts runs the
 * page's ```ts block in Node and lists the ```sh one as skipped.)
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { browserSession, skipReason } from './harness.js';

const session = browserSession();
const DOC = fileURLToPath(new URL('../../docs/browser.md', import.meta.url));
const IMPORTS: Record<string, string> = {
  'stronghold-ts/browser': '/bundle/stronghold.js', 'stronghold-ts/procedures': '/bundle/procedures.js', 'stronghold-ts/tauri': '/bundle/tauri.js',
};

const blocks = [...readFileSync(DOC, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/browser.md examples in Chromium', { skip: skipReason }, () => {
  test('the page has js blocks', () => assert.ok(blocks.length >= 4, `${blocks.length} blocks`));

  test('each runs as written and prints what its comments show', async () => {
    // The "open a file the user picked" example fetches backup.stronghold from beside the page.
    const backup = await Stronghold.open(join(session.scratch, 'backup.stronghold'), 'backup password', { create: true, workFactor: 10 });
    await backup.createClient('wallet').execute(generateKey({ keyType: 'ed25519', output: Location.generic('keys', 'signer') }));
    await backup.save();
    await backup.close();
    writeFileSync(join(session.scratch, 'index.html'), '<!doctype html><meta charset="utf-8"><title>docs</title>');
    const page = session.page;
    await page.goto(`${session.origin}/scratch/index.html`);
    const logs: string[] = [];
    let checked = 0;
    page.on('console', (m) => {
      if (m.type() === 'log') logs.push(m.text());
    });
    for (const [i, code] of blocks.entries()) {
      let js = code;
      for (const [from, to] of Object.entries(IMPORTS)) js = js.replaceAll(`'${from}'`, `'${to}'`);
      assert.ok(!/from '(?!\/bundle\/)/.test(js), `block ${i}: every import is one of the package's`);
      writeFileSync(join(session.scratch, `doc-${i}.js`), js);
      logs.length = 0;
      await page.evaluate(`import('/scratch/doc-${i}.js').then(() => true)`);
      const expected = [...code.matchAll(/console\.log\(.*\);\s+\/\/ (.+)$/gm)].map((m) => m[1]!.trim());
      for (const e of expected) assert.ok(logs.includes(e), `block ${i} printed ${JSON.stringify(logs.slice(-5))}, the doc shows ${e}`);
      checked += expected.length;
    }
    assert.ok(checked >= 5, `${checked} printed lines checked`);
  });

  test('the page logged no error', () => assert.deepEqual(session.errors, []));
});
