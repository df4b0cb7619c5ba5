// Issue 16, item 1b: the examples the real packages ship, with only the import line changed, type-checked with
// tsc and run against the fixtures. Examples are read from node_modules at test time (never copied into the
// repository), rewritten into a temporary project, compiled and run there with the built package (npm run build).
//
// @iota/sdk 1.1.6 ships examples/. Those that use a Stronghold secret manager without a node run here:
// secret_manager/stronghold.ts, how_tos/sign_and_verify_ed25519/sign-ed25519.ts, how_tos/sign_secp256k1_ecdsa/
// sign-secp256k1_ecdsa.ts, compiled with the examples' own tsconfig (module commonjs, moduleResolution node).
// The others that name Stronghold build a `Wallet`, which needs a node (`NODE_URL`) and a wallet database:
// wallet/migrate-stronghold-snapshot-v2-to-v3.ts (its `new Wallet(walletOptions)` lines; the rest, migration
// without await then opening the v3 file, runs in iota-drop-in.test.ts with the SecretManager a Wallet builds),
// wallet/getting-started.ts, exchange/1-create-account.ts, 2-generate-address.ts, 5-send-amount.ts, and the
// how_tos/ transaction examples (accounts_and_addresses, advanced_transactions, alias, alias_wallet, native_tokens,
// nft_collection, nfts, simple_transaction), which also send blocks to a node.
//
// @tauri-apps/plugin-stronghold 2.3.2 ships no examples; its README.md has one (read from node_modules here).
// The docs-site example (v2.tauri.app/plugin/stronghold) runs in tauri.test.ts ("the plugin usage example").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { argon2id } from '@noble/hashes/argon2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Stronghold as CoreStronghold } from '../../src/client/stronghold.js';
import { IOTA_FIXTURES } from '../iota-sdk-fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const SDK_EXAMPLES = join(ROOT, 'node_modules/@iota/sdk/examples');
const TAURI_README = join(ROOT, 'node_modules/@tauri-apps/plugin-stronghold/README.md');
const run = promisify(execFile);
const V2 = IOTA_FIXTURES.find((f) => f.file === 'v2.stronghold')!;
const SHIMMER_0 = V2.addresses[0]!.address; // README: coin 4219, account 0, external, index 0
const unhex = (h: string) => Buffer.from(h.replace(/^0x/, ''), 'hex');
const ed25519Spki = (pk: Buffer) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]), format: 'der', type: 'spki' });

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'stronghold-examples-'));
  mkdirSync(join(dir, 'node_modules'));
  for (const [name, target] of [['stronghold-ts', ROOT], ['@types', join(ROOT, 'node_modules/@types')], ['dotenv', join(ROOT, 'node_modules/dotenv')]] as const) {
    symlinkSync(target, join(dir, 'node_modules', name));
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The example's source with its one import of `from` changed to `to`, and nothing else. */
function swapImport(source: string, from: string, to: string): string {
  const parts = source.split(from);
  assert.equal(parts.length, 2, `exactly one ${from}`);
  return parts.join(to);
}

async function tsc(project: string): Promise<void> {
  const r = await run(process.execPath, [TSC, '-p', project]).catch((e) => e);
  assert.equal(r.code ?? 0, 0, `${r.stdout}${r.stderr}`);
}

/** The value of `const NAME = {...};` in an example, as the example computes it (a plain object literal). */
function constantOf(source: string, name: string): unknown {
  const m = source.match(new RegExp(`const ${name} = (\\{[\\s\\S]*?\\n\\});`));
  assert.ok(m, name);
  return new Function(`return ${m[1]}`)();
}

describe('@iota/sdk 1.1.6 examples/ with the import swapped to stronghold-ts/iota', () => {
  const EXAMPLES = ['secret_manager/stronghold.ts', 'how_tos/sign_and_verify_ed25519/sign-ed25519.ts', 'how_tos/sign_secp256k1_ecdsa/sign-secp256k1_ecdsa.ts'];
  const sources = new Map<string, string>();
  let out: string;

  before(async () => {
    const project = join(dir, 'sdk');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'examples', private: true }));
    for (const e of EXAMPLES) {
      const source = readFileSync(join(SDK_EXAMPLES, e), 'utf8');
      sources.set(e, source);
      mkdirSync(join(project, e, '..'), { recursive: true });
      writeFileSync(join(project, e), swapImport(source, `from '@iota/sdk'`, `from 'stronghold-ts/iota'`));
    }
    // The examples' own compiler options, as shipped.
    const { compilerOptions } = JSON.parse(readFileSync(join(SDK_EXAMPLES, 'tsconfig.json'), 'utf8'));
    out = join(project, 'dist');
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, outDir: out, rootDir: project }, files: EXAMPLES }));
  });

  test('they type-check with the examples\' tsconfig (moduleResolution node, module commonjs)', { timeout: 120_000 }, async () => {
    await tsc(join(dir, 'sdk/tsconfig.json'));
  });

  const runExample = async (example: string, snapshot: string) => {
    const cwd = join(dir, `run-${snapshot}`);
    mkdirSync(cwd);
    const r = await run(process.execPath, [join(out, example.replace(/\.ts$/, '.js'))], {
      cwd, env: { ...process.env, STRONGHOLD_PASSWORD: 'example password', MNEMONIC: V2.mnemonic! },
    });
    assert.doesNotMatch(r.stdout + r.stderr, /Error: /, 'the example caught no error');
    return r;
  };

  test('secret_manager/stronghold.ts prints the README\'s first address of the mnemonic', { timeout: 120_000 }, async () => {
    const { stdout, stderr } = await runExample(EXAMPLES[0]!, 'stronghold');
    assert.match(stdout, new RegExp(`First public address: \\[ '${SHIMMER_0}' \\]`));
    assert.match(stderr, /initLogger does nothing/, 'initLogger said so, once');
  });

  test('sign-ed25519.ts: the signature verifies with node:crypto and the printed address is the README\'s', { timeout: 120_000 }, async () => {
    const { stdout } = await runExample(EXAMPLES[1]!, 'ed25519');
    const publicKey = stdout.match(/Public key: (0x[0-9a-f]{64})/)![1]!;
    const signature = stdout.match(/Signature: (0x[0-9a-f]{128})/)![1]!;
    assert.match(stdout, new RegExp(`Address: ${SHIMMER_0}`));
    const message = Buffer.from(JSON.stringify(constantOf(sources.get(EXAMPLES[1]!)!, 'FOUNDRY_METADATA')));
    assert.ok(verify(null, message, ed25519Spki(unhex(publicKey)), unhex(signature)));
  });

  test('sign-secp256k1_ecdsa.ts: the recoverable signature of the Keccak-256 digest verifies and recovers the printed key', { timeout: 120_000 }, async () => {
    const { stdout } = await runExample(EXAMPLES[2]!, 'secp256k1');
    const publicKey = unhex(stdout.match(/Public key: (0x[0-9a-f]{66})/)![1]!);
    const signature = unhex(stdout.match(/Signature: (0x[0-9a-f]{130})/)![1]!);
    const digest = keccak_256(Buffer.from(JSON.stringify(constantOf(sources.get(EXAMPLES[2]!)!, 'FOUNDRY_METADATA'))));
    assert.ok(secp256k1.verify(signature.subarray(0, 64), digest, publicKey, { prehash: false }));
    const recovered = secp256k1.Signature.fromBytes(signature.subarray(0, 64)).addRecoveryBit(signature[64]!).recoverPublicKey(digest);
    assert.deepEqual(Buffer.from(recovered.toBytes(true)), publicKey);
  });
});

describe('@tauri-apps/plugin-stronghold 2.3.2 README example with the import swapped to stronghold-ts/tauri', () => {
  test('it type-checks and runs; the snapshot holds the record under the plugin\'s default Argon2id key', { timeout: 120_000 }, async () => {
    const readme = readFileSync(TAURI_README, 'utf8');
    const block = readme.match(/```javascript\n([\s\S]*?)```/)![1]!;
    let code = swapImport(block, 'from "tauri-plugin-stronghold-api"', 'from "stronghold-ts/tauri"');
    // Outside Tauri there is no app data folder: `appDataDir()` asks the host over IPC. These two lines become
    // a folder from the environment.
    code = code.replace('import { appDataDir } from "@tauri-apps/api/path";\n', '');
    code = code.replace('`${await appDataDir()}/vault.hold`', '`${process.env.APP_DATA_DIR}/vault.hold`');
    // Two slips in the README itself, which fail with the plugin too: `hold` is never declared (it means
    // `stronghold`), and `data` is declared twice in one scope.
    code = code.replaceAll('await hold.', 'await stronghold.');
    code = code.replace('const data = await store.get(key);\n\nconst value = new TextDecoder().decode(new Uint8Array(data));',
      'const read = await store.get(key);\n\nconst value = new TextDecoder().decode(new Uint8Array(read!));');
    assert.ok(!code.includes('appDataDir') && !/\bhold\./.test(code), 'the README still has the lines this test adapts');

    const project = join(dir, 'tauri');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tauri-readme', private: true, type: 'module' }));
    writeFileSync(join(project, 'readme.ts'), `${code}\nconsole.log(JSON.stringify({ value }));\n`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, types: ['node'], outDir: join(project, 'dist') },
      files: ['readme.ts'],
    }));
    await tsc(join(project, 'tsconfig.json'));
    const appData = join(project, 'app-data');
    mkdirSync(appData);
    const { stdout } = await run(process.execPath, [join(project, 'dist/readme.js')], { cwd: project, env: { ...process.env, APP_DATA_DIR: appData } });
    assert.deepEqual(JSON.parse(stdout), { value: 'Hello, World!' });

    // Independent check of the key: Argon2id (RustCrypto defaults) of the README's password with the salt.txt
    // that load created beside the snapshot, as Builder::with_argon2 does in the app data folder.
    const key = argon2id('The key to the vault', readFileSync(join(appData, 'salt.txt')), { t: 2, m: 19_456, p: 1, dkLen: 32 });
    const core = await CoreStronghold.open(join(appData, 'vault.hold'), { key }, { readOnly: true });
    assert.equal(new TextDecoder().decode(core.loadClient('name your client').store.get('my_key')!), 'Hello, World!', 'saved before the README removes it');
    await core.close();
  });
});
