// Issue 16: a CommonJS project, set up as the IOTA SDK's users' projects are (its examples' tsconfig:
// `module commonjs`, `moduleResolution node`; and the newer `node16`), type-checks against the published
// declarations of stronghold-ts, its compiled output loads the package with `require`, and that runs on a
// fixture with the README's address hash. Uses the built dist/ (npm run build), as a consumer would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FIXTURES_DIR, IOTA_FIXTURES } from '../iota-sdk-fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const run = promisify(execFile);
const HASHED = IOTA_FIXTURES.find((f) => f.file === 'no_secret_manager_data.stronghold')!;

// Every entry point, by its public name, from a CommonJS file; the types must be real (not `any`).
const CONSUMER = `
import { SecretManager, CoinType, Utils, StrongholdError } from 'stronghold-ts/iota';
import { Stronghold as TauriStronghold, Location } from 'stronghold-ts/tauri';
import { Stronghold } from 'stronghold-ts';
import { ed25519Sign } from 'stronghold-ts/procedures';
import * as p2p from 'stronghold-ts/p2p';
import * as frost from 'stronghold-ts/frost';

type IsAny<T> = 0 extends 1 & T ? true : false;
const typed: [IsAny<SecretManager>, IsAny<TauriStronghold>, IsAny<Stronghold>, IsAny<typeof ed25519Sign>] = [false, false, false, false];

async function main(): Promise<void> {
  const [snapshotPath, password, tauriPath] = process.argv.slice(2) as [string, string, string];
  const sm = new SecretManager({ stronghold: { snapshotPath, password } });
  const sig = await sm.signEd25519('0x00', { coinType: CoinType.IOTA });
  await sm.close();
  const tauri = await TauriStronghold.load(tauriPath, 'pw', { passwordHash: () => new Uint8Array(32), workFactor: 0 });
  const vault = (await tauri.createClient('c')).getVault('v');
  await vault.generateSLIP10Seed(Location.generic('v', 'seed'));
  await tauri.unload();
  let wrong = '';
  try {
    new SecretManager({ stronghold: { snapshotPath, password: 'wrong' } });
  } catch (e) {
    wrong = e instanceof StrongholdError ? e.code : 'not a StrongholdError';
  }
  console.log(JSON.stringify({
    hash: Utils.bech32ToHex(Utils.hexPublicKeyToBech32Address(sig.publicKey, 'rms')),
    wrong, typed, core: typeof Stronghold.open, p2p: Object.keys(p2p).length > 0, frost: Object.keys(frost).length > 0,
    commonjs: typeof require === 'function' && typeof module === 'object',
  }));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'stronghold-cjs-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/stronghold-ts'));
  symlinkSync(join(ROOT, 'node_modules/@types'), join(dir, 'node_modules/@types'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-consumer', private: true, type: 'commonjs' }));
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const SETUPS = [
  { name: 'moduleResolution node (the SDK examples\' tsconfig)', options: { module: 'commonjs', moduleResolution: 'node', target: 'es2019', esModuleInterop: true } },
  { name: 'moduleResolution node16', options: { module: 'node16', moduleResolution: 'node16', target: 'es2022' } },
];

describe('a CommonJS consumer project', () => {
  for (const setup of SETUPS) {
    test(`${setup.name}: tsc without skipLibCheck, then node runs the output with require`, { timeout: 120_000 }, async () => {
      const out = join(dir, `out-${setup.options.moduleResolution}`);
      const tsconfig = join(dir, `tsconfig.${setup.options.moduleResolution}.json`);
      writeFileSync(tsconfig, JSON.stringify({
        compilerOptions: { ...setup.options, strict: true, types: ['node'], skipLibCheck: false, outDir: out, rootDir: dir },
        files: ['consumer.ts'],
      }));
      const tsc = await run(process.execPath, [TSC, '-p', tsconfig], { cwd: dir }).catch((e) => e);
      assert.equal(tsc.code ?? 0, 0, `${tsc.stdout}${tsc.stderr}`);
      const js = readFileSync(join(out, 'consumer.js'), 'utf8');
      assert.match(js, /require\("stronghold-ts\/iota"\)/, 'compiled to require()');

      const snapshot = join(dir, `${setup.options.moduleResolution}.stronghold`);
      copyFileSync(join(FIXTURES_DIR, HASHED.file), snapshot);
      const { stdout } = await run(process.execPath, [join(out, 'consumer.js'), snapshot, HASHED.password, `${snapshot}.tauri`], { cwd: dir });
      const result = JSON.parse(stdout);
      assert.deepEqual(result, {
        hash: `0x${HASHED.addressHash!.hash}`, wrong: 'WrongPassword', typed: [false, false, false, false],
        core: 'function', p2p: true, frost: true, commonjs: true,
      });
    });
  }
});
