// Issue 16, item 1a: tsc judges test/facades/compat/*.types.ts, which hold the facades against the declaration
// files of @tauri-apps/plugin-stronghold 2.3.2 and @iota/sdk 1.1.6 as installed by npm ci (no install script
// runs: package.json allowScripts denies @iota/sdk's). Each file asserts that the real types resolved (not `any`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('the facades are assignable to the real packages\' types and accept their arguments (tsc)', { timeout: 120_000 }, async () => {
  assert.ok(!existsSync(`${ROOT}node_modules/@iota/sdk/build/Release/index.node`), 'no native addon was built or downloaded');
  const r = await promisify(execFile)(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}test/facades/compat/tsconfig.json`, '--noEmit']).catch((e) => e);
  assert.equal(r.code ?? 0, 0, `${r.stdout}${r.stderr}`);
});
