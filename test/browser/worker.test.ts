/**
 * The zone worker in a real Chromium: files move between the page and the command line both ways (OPFS and
 * IndexedDB storage), lock from the page and the idle lock, typed errors across the boundary, procedure
 * compliance cases (RFC 8032, RFC 4231, SLIP-10, Ethereum vectors) run in the worker, and the page's heap holds no
 * seed or derived private key: a DevTools heap snapshot of the page has none of them as text (hex, base64) while it
 * does show a random key the page holds as hex, and no message the worker sent the page carries one in its bytes
 * (V8 heap snapshots hold no typed-array contents, so the bytes are checked where they would enter the page).
 */
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Location } from '../../src/engine/location.js';
import { procedureToJSON } from '../../src/procedures/json.js';
import { getEvmAddress, hmac, ed25519Sign, publicKey, slip10Derive } from '../../src/procedures/index.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { cli, json, requireBuiltBin } from '../cli/helpers.js';
import { addressChain, IOTA_FIXTURES } from '../iota-sdk-fixtures.js';
import { readVectorFile } from '../vectors.js';
import { browserSession, skipReason } from './harness.js';

const session = browserSession();
const vectors = (file: string): any => readVectorFile(file);
const CHRYSALIS = IOTA_FIXTURES.find((f) => f.file === 'chrysalis-backup-work-factor-0.stronghold')!;

/** Ed25519 verification by node:crypto, independent of both providers. */
function ed25519Verifies(pubHex: string, message: string, sigHex: string): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pubHex, 'hex')]);
  return verify(null, Buffer.from(message), createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(sigHex, 'hex'));
}

const errorShape = (code: string) => ({ name: 'StrongholdError', code });

describe('the zone worker in Chromium', { skip: skipReason }, () => {
  test('a snapshot made in the page (OPFS), exported, opens with the command line: same keys, store and addresses', async () => {
    requireBuiltBin();
    const r = await session.call<any>('worker.js', 'createAndExport', CHRYSALIS.mnemonic, 'hello from chromium');
    assert.equal(r.direct, r.file, 'the worker\'s export and the page\'s OPFS read give the same bytes');
    assert.equal(r.info.storage, 'opfs');
    assert.ok(ed25519Verifies(r.publicKey, 'hello from chromium', r.signature));
    const path = join(session.scratch, 'from-browser.stronghold');
    writeFileSync(path, Buffer.from(r.file, 'base64'));
    const env = { STRONGHOLD_PASSWORD: 'browser-pw' };
    const pub = json<{ publicKey: string }>(await cli(['pubkey', path, '--client', 'app', '--key', 'keys/signer', '--json'], { env }));
    assert.equal(pub.publicKey, r.publicKey);
    const addr = json<{ addresses: { address: string }[] }>(await cli(['address', path, '--coin-type', '4218', '--json'], { env }));
    assert.equal(addr.addresses[0]!.address, CHRYSALIS.addresses[0]!.address);
    const store = await cli(['store', 'get', path, '--client', 'app', 'made-by'], { env });
    assert.equal(store.stdout.trim(), 'chromium');
    const info = json<{ version: number; workFactor: number }>(await cli(['info', path, '--json']));
    assert.deepEqual([info.version, info.workFactor], [3, 1]);
  });

  test('a snapshot made by the command line opens in the page (IndexedDB): same public key, a signature node:crypto verifies', async () => {
    requireBuiltBin();
    const path = join(session.scratch, 'from-cli.stronghold');
    const env = { STRONGHOLD_PASSWORD: 'cli-pw' };
    json(await cli(['init', path, '--work-factor', '0', '--json'], { env }));
    const made = json<{ publicKey: string }>(await cli(['key', 'generate', path, '--client', 'cli', '--key', 'keys/k', '--type', 'ed25519', '--json'], { env }));
    const r = await session.call<any>('worker.js', 'openFromCli', 'from-cli.stronghold', 'cli-pw', 'cli', 'keys', 'k', 'signed in chromium');
    assert.equal(r.publicKey, made.publicKey);
    assert.equal(r.info.storage, 'indexeddb');
    assert.ok(ed25519Verifies(made.publicKey, 'signed in chromium', r.signature));
  });

  test('lock from the page, refused calls while locked, unlock; the worker locks itself after the idle time', async () => {
    const r = await session.call<any>('worker.js', 'lockAndIdle');
    assert.equal(r.again, r.pub, 'after unlock the same key is there');
    assert.deepEqual(r.whileLocked, { ...errorShape('Locked'), message: r.whileLocked.message });
    assert.equal(r.wrong.code, 'WrongPassword');
    assert.deepEqual(r.events, ['idle']);
    assert.equal(r.afterIdle, true);
    assert.equal(r.idleRefused.code, 'Locked');
    assert.equal(r.afterClose.code, 'Locked', 'a closed handle refuses every call');
  });

  for (const kind of ['opfs', 'indexeddb']) {
    test(`${kind}: a second writer is refused while the first holds the lock; a reader is not; after close the second opens`, async () => {
      const r = await session.call<any>('worker.js', 'secondWriter', kind);
      assert.equal(r.refused?.code, 'SnapshotLocked');
      assert.equal(r.readerSees, true);
      assert.equal(r.secondSees, true);
    });
  }

  test('bad input comes back as a typed StrongholdError', async () => {
    const r = await session.call<any>('worker.js', 'errors');
    assert.equal(r.missing.code, 'VaultNotFound');
    assert.equal(r.wrongFile.code, 'NotASnapshot');
    assert.equal(r.badPassword.code, 'WrongPassword');
    assert.equal(r.rebuilt, true);
  });

  test('procedure compliance cases run in the worker give the vectors\' answers', async () => {
    const cases: { name: string; secrets: [string, string, string][]; calls: ProcedureCall[]; expect: unknown[] }[] = [];
    const at = (v: string, r: string) => Location.generic(v, r);
    for (const v of vectors('rfc8032_ed25519/rfc8032_sec7.1_ed25519.json').vectors) {
      cases.push({
        name: `RFC 8032 ${v.name}`, secrets: [['k', 'sk', v.secretKey]],
        calls: [publicKey({ keyType: 'ed25519', privateKey: at('k', 'sk') }), ed25519Sign({ privateKey: at('k', 'sk'), msg: Buffer.from(v.message, 'hex') })],
        expect: [v.publicKey, v.signature],
      });
    }
    for (const v of vectors('rfc4231_hmac/rfc4231_sec4_hmac_sha2.json').vectors) {
      if (v.truncatedToBits) continue;
      cases.push({
        name: `RFC 4231 case ${v.tcId}`, secrets: [['k', 'mac', v.key]],
        calls: [hmac({ hashType: 'sha256', key: at('k', 'mac'), msg: Buffer.from(v.data, 'hex') }), hmac({ hashType: 'sha512', key: at('k', 'mac'), msg: Buffer.from(v.data, 'hex') })],
        expect: [v.hmacSha256, v.hmacSha512],
      });
    }
    const slip10 = vectors('slip10/slip-0010_test_vectors.json');
    for (const curve of ['ed25519', 'secp256k1'] as const) {
      for (const v of slip10.curves[curve]) {
        for (const c of v.chains.filter((x: { indices: number[] }) => x.indices.length > 0)) {
          cases.push({
            name: `SLIP-10 ${v.name} ${c.path}`, secrets: [['s', 'seed', v.seed]],
            calls: [slip10Derive({ curve, chain: c.indices, input: { seed: at('s', 'seed') }, output: at('s', 'out') }), publicKey({ keyType: curve, privateKey: at('s', 'out') })],
            expect: [c.chainCode, curve === 'ed25519' ? c.publicKey.slice(2) : c.publicKey],
          });
        }
      }
    }
    for (const v of vectors('ethereum/ethereum_address_vectors.json').keyToAddress) {
      cases.push({ name: `Ethereum ${v.source}`, secrets: [['e', 'k', v.privateKey]], calls: [getEvmAddress({ privateKey: at('e', 'k') })], expect: [v.address] });
    }
    const results = await session.call<unknown[]>('worker.js', 'compliance', cases.map((c) => ({ secrets: c.secrets, calls: c.calls.map(procedureToJSON) })));
    assert.equal(results.length, cases.length);
    for (const [i, c] of cases.entries()) assert.deepEqual(results[i], c.expect, c.name);
    assert.ok(cases.length >= 30, `${cases.length} cases`);
  });

  test('the page\'s heap holds no seed and no derived private key (and the search does find a canary the page holds)', async () => {
    const chains = CHRYSALIS.addresses.map(addressChain);
    const seed = pbkdf2Sync(CHRYSALIS.mnemonic!.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512');
    // Independent SLIP-10 Ed25519 (node:crypto HMAC): the derived private keys and chain codes.
    const derived = chains.map((chain) => {
      let i = createHmac('sha512', 'ed25519 seed').update(seed).digest();
      for (const index of chain) {
        const data = Buffer.alloc(37);
        i.copy(data, 1, 0, 32);
        data.writeUInt32BE(index, 33);
        i = createHmac('sha512', i.subarray(32)).update(data).digest();
      }
      return i.subarray(0, 32).toString('hex');
    });
    const { keys, received } = await session.call<{ keys: string[]; received: string[] }>('worker.js', 'useSecrets', CHRYSALIS.file, CHRYSALIS.password, chains);
    assert.equal(keys.length, chains.length);
    const canary = await session.call<string>('worker.js', 'holdCanary');
    const secrets = [seed.toString('hex'), seed.subarray(0, 32).toString('hex'), ...derived];
    // The searched-for keys are the right ones: node:crypto gives the page's public keys from them.
    const ed25519Public = (sk: string): string => createPublicKey(createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(sk, 'hex')]), format: 'der', type: 'pkcs8' }))
      .export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    assert.deepEqual(derived.map(ed25519Public), keys);
    // Everything that crossed from the worker to the page: the public keys did, no secret (in any of its forms) did.
    const crossed = received.join('\n');
    for (const k of keys) assert.ok(crossed.includes(k), 'the public keys crossed to the page');
    for (const s of secrets) assert.ok(!crossed.includes(s), 'a secret crossed to the page');
    const page = session.page;
    const cdp = await page.createCDPSession();
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    // Strings: a heap snapshot over the DevTools protocol, searched for each secret in hex and base64.
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const heap = chunks.join('');
    assert.ok(heap.length > 100_000, 'a heap snapshot was taken');
    assert.ok(heap.includes(canary), 'the heap snapshot shows a key the page does hold as hex');
    for (const s of secrets) {
      for (const form of [s, Buffer.from(s, 'hex').toString('base64')]) assert.ok(!heap.includes(form), `a secret is in the page's heap (${form.slice(0, 6)}…)`);
    }
    assert.ok(!heap.includes(CHRYSALIS.mnemonic!.split(' ').slice(0, 4).join(' ')), 'the mnemonic is not in the page\'s heap');
    await cdp.detach();
  });

  test('the page logged no error', () => assert.deepEqual(session.errors, []));
});
