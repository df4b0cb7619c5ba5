// Issue 16: what SDK code relies on beyond the secret manager's results. The migration example's un-awaited
// migration, the constructor's eager open and its synchronous errors, the SDK's error shape, getType(), and the
// pure helpers, each checked against the fixtures' README values or node:crypto.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { CoinType, hexToUtf8, initLogger, migrateStrongholdSnapshotV2ToV3, SecretManager, StrongholdError, utf8ToHex, Utils } from '../../src/facades/iota.js';
import { IOTA_FIXTURES, scratchFolder } from '../iota-sdk-fixtures.js';

const isCode = (code: string) => (e: any) => e?.name === 'StrongholdError' && e.code === code;
const fast = { workFactor: 0 };
const V2 = IOTA_FIXTURES.find((f) => f.file === 'v2.stronghold')!;
const HASHED = IOTA_FIXTURES.find((f) => f.file === 'no_secret_manager_data.stronghold')!;
const ed25519Spki = (pk: Buffer) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]), format: 'der', type: 'spki' });

const { copy, path: scratch } = scratchFolder('stronghold-iota-drop-in-');

/** Collects unhandled rejections while `fn` runs (the SDK example's un-awaited migration must not leave any). */
async function withoutUnhandledRejections(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

// The call sequence of @iota/sdk 1.1.6 examples/wallet/migrate-stronghold-snapshot-v2-to-v3.ts: the migration
// without await, then the v3 path opened on the next line. Its `new Wallet(walletOptions)` needs a node and a
// wallet database; a Wallet opens its `secretManager` option with the SDK's SecretManager, which runs here.
describe('the SDK migration example: migrateStrongholdSnapshotV2ToV3 without await, then a SecretManager on the new path', () => {
  test('the secret manager waits for the migration and gives the README addresses; nothing is rejected unhandled', async () => {
    const v2Path = copy(V2.file);
    const v3Path = scratch('v3.stronghold');
    const unhandled = await withoutUnhandledRejections(async () => {
      migrateStrongholdSnapshotV2ToV3(v2Path, V2.password, 'wallet.rs', 100, v3Path, 'new_password', fast);
      const sm = new SecretManager({ stronghold: { snapshotPath: v3Path, password: 'new_password' } });
      const [first] = await sm.generateEd25519Addresses({ coinType: CoinType.Shimmer, range: { start: 0, end: 1 } });
      assert.equal(first, V2.addresses[0]!.address);
      await sm.close();
    });
    assert.deepEqual(unhandled, []);
    assert.equal(readFileSync(v3Path)[5], 3);
  });

  test('in place: the v2 path itself; a wrong password: the waiting manager reports the migration\'s error', async () => {
    const path = copy(V2.file);
    migrateStrongholdSnapshotV2ToV3(path, V2.password, 'wallet.rs', 100, null, null, fast);
    const sm = new SecretManager({ stronghold: { snapshotPath: path, password: V2.password } });
    assert.deepEqual(await sm.generateEd25519Addresses({ range: { start: 9, end: 10 } }), [V2.addresses[1]!.address]);
    await sm.close();

    const other = copy(V2.file);
    const unhandled = await withoutUnhandledRejections(async () => {
      migrateStrongholdSnapshotV2ToV3(other, 'not the password', 'wallet.rs', 100, scratch('never.stronghold'), 'x', fast);
      const waiting = new SecretManager({ stronghold: { snapshotPath: scratch('never.stronghold'), password: 'x' } });
      await assert.rejects(waiting.isStrongholdPasswordAvailable(), isCode('WrongPassword'));
      await waiting.close();
    });
    assert.deepEqual(unhandled, []);
    assert.ok(!existsSync(scratch('never.stronghold')), 'no empty file was created for a failed migration');
  });
});

describe('the constructor opens eagerly, as the SDK\'s', () => {
  test('a new path is created and written before any later call, with nothing else called', async () => {
    const path = scratch('eager.stronghold');
    const sm = new SecretManager({ stronghold: { snapshotPath: path, password: 'pw' } }, fast);
    await sm.close();
    assert.equal(readFileSync(path)[5], 3, 'the constructor wrote a v3 snapshot');
  });

  test('a wrong password and a v2 file throw synchronously; no snapshotPath or another secret manager type too', () => {
    assert.throws(() => new SecretManager({ stronghold: { snapshotPath: copy(HASHED.file), password: 'wrong' } }), isCode('WrongPassword'));
    assert.throws(() => new SecretManager({ stronghold: { snapshotPath: copy(V2.file), password: V2.password } }), isCode('UnsupportedVersion'));
    assert.throws(() => new SecretManager({ stronghold: { password: 'pw' } }), (e: any) => isCode('InvalidArgument')(e) && e.details.field === 'stronghold.snapshotPath');
    assert.throws(() => new SecretManager({ mnemonic: V2.mnemonic! }), (e: any) => isCode('InvalidArgument')(e) && e.details.field === 'stronghold');
  });
});

describe('the SDK\'s error shape, on top of the typed code', () => {
  test('JSON.parse(err.message) is { type, error }; code and details stay', async () => {
    const thrown = (() => {
      try {
        new SecretManager({ stronghold: { snapshotPath: copy(HASHED.file), password: 'wrong' } });
      } catch (e) {
        return e as StrongholdError;
      }
      return assert.fail('no error');
    })();
    assert.ok(thrown instanceof StrongholdError);
    assert.equal(thrown.code, 'WrongPassword');
    const parsed = JSON.parse(thrown.message);
    assert.deepEqual(Object.keys(parsed), ['type', 'error']);
    assert.equal(parsed.type, 'client');
    assert.match(parsed.error, /wrong password/);

    const sm = new SecretManager({ stronghold: { snapshotPath: scratch('empty.stronghold'), password: 'pw' } }, fast);
    const missing = await sm.signEd25519('0x00', { coinType: CoinType.IOTA }).catch((e) => e);
    assert.equal(missing.code, 'RecordNotFound');
    assert.deepEqual(missing.details, { vault: 'iota-wallet-secret', record: 'iota-wallet-seed' });
    assert.equal(JSON.parse(missing.message).type, 'client');
    const invalid = await sm.storeMnemonic('abandon abandon').catch((e) => e);
    assert.equal(invalid.details.field, 'mnemonic');
    assert.doesNotThrow(() => JSON.parse(invalid.message));
    await sm.close();
  });
});

describe('getType() and the helpers the SDK examples import', () => {
  test('signature and unlock objects answer getType(); Utils turns the public key into the README address', async () => {
    const path = copy(HASHED.file);
    const sm = new SecretManager({ stronghold: { snapshotPath: path, password: HASHED.password } });
    const message = utf8ToHex(JSON.stringify({ standard: 'IRC30', name: 'NativeToken' }));
    assert.equal(message, `0x${Buffer.from(JSON.stringify({ standard: 'IRC30', name: 'NativeToken' })).toString('hex')}`);
    assert.equal(hexToUtf8(message), JSON.stringify({ standard: 'IRC30', name: 'NativeToken' }));
    const sig = await sm.signEd25519(message, { coinType: CoinType.IOTA });
    assert.equal(sig.getType(), 0);
    const unlock = await sm.signatureUnlock(`0x${'11'.repeat(32)}`, { coinType: CoinType.IOTA });
    assert.equal(unlock.getType(), 0);
    assert.equal(unlock.signature.getType(), 0);
    await sm.close();

    const address = Utils.hexPublicKeyToBech32Address(sig.publicKey, 'rms');
    assert.equal(Utils.bech32ToHex(address), `0x${HASHED.addressHash!.hash}`, 'the README address hash');
    assert.equal(Utils.hexToBech32(`0x${HASHED.addressHash!.hash}`, 'rms'), address);
    assert.ok(Utils.isAddressValid(address));
    assert.ok(!Utils.isAddressValid(address.slice(0, -1) + (address.endsWith('q') ? 'p' : 'q')), 'a bad checksum');
    assert.ok(Utils.isAddressValid(Utils.aliasIdToBech32(`0x${'ab'.repeat(32)}`, 'rms')));
    assert.equal(Utils.bech32ToHex(Utils.nftIdToBech32(`0x${'cd'.repeat(32)}`, 'smr')), `0x${'cd'.repeat(32)}`);
    assert.ok(Utils.verifyEd25519Signature(sig, message));
    assert.ok(verify(null, Buffer.from(message.slice(2), 'hex'), ed25519Spki(Buffer.from(sig.publicKey.slice(2), 'hex')), Buffer.from(sig.signature.slice(2), 'hex')));
    assert.ok(!Utils.verifyEd25519Signature(sig, utf8ToHex('another message')));
    assert.throws(() => Utils.hexToBech32('0x1234', 'rms'), isCode('InvalidArgument'));
  });

  test('generateMnemonic gives 24 words whose BIP-39 checksum node:crypto confirms; verifyMnemonic accepts the fixtures\' and refuses a changed one', () => {
    const words = Utils.generateMnemonic().split(' ');
    assert.equal(words.length, 24);
    const bits = words.map((w) => wordlist.indexOf(w).toString(2).padStart(11, '0')).join('');
    const entropy = Buffer.from(bits.slice(0, 256).match(/.{8}/g)!.map((b) => parseInt(b, 2)));
    assert.equal(bits.slice(256), createHash('sha256').update(entropy).digest()[0]!.toString(2).padStart(8, '0'));
    for (const f of IOTA_FIXTURES) if (f.mnemonic) Utils.verifyMnemonic(f.mnemonic);
    const changed = V2.mnemonic!.split(' ');
    changed[0] = changed[0] === 'abandon' ? 'ability' : 'abandon';
    assert.throws(() => Utils.verifyMnemonic(changed.join(' ')), (e: any) => isCode('InvalidArgument')(e) && !e.message.includes(changed[0]));
  });

  test('initLogger does nothing and says so once', () => {
    const emit = process.emitWarning;
    const emitted: string[] = [];
    process.emitWarning = ((w: string) => emitted.push(String(w))) as typeof process.emitWarning;
    try {
      initLogger();
      initLogger({ name: 'app.log', levelFilter: 'debug' });
    } finally {
      process.emitWarning = emit;
    }
    assert.equal(emitted.length, 1);
    assert.match(emitted[0]!, /initLogger does nothing/);
  });
});
