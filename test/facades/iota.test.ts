// Issue 10: the IOTA SDK StrongholdSecretManager facade on the SDK's own snapshot files (../shared/fixtures/iota-sdk,
// copied to a temp dir first): every address the fixture README asserts, after migration for the v2 files, and
// signatures checked with node:crypto (Ed25519) and an independent BIP-32 + noble check (secp256k1, Keccak-256).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, pbkdf2Sync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bech32 } from '@scure/base';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { migrateStrongholdSnapshotV2ToV3, readUserData, SecretManager } from '../../src/facades/iota.js';
import { IOTA_FIXTURES, scratchFolder, SDK_CLIENT, SDK_RECORD, SDK_VAULT } from '../iota-sdk-fixtures.js';

const isCode = (code: string) => (e: any) => e?.name === 'StrongholdError' && e.code === code;
const unhex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const ed25519Spki = (pk: Uint8Array) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]), format: 'der', type: 'spki' });
const addressOf = (pk: Uint8Array, hrp: string) => bech32.encode(hrp, bech32.toWords(Uint8Array.of(0, ...blake2b(pk, { dkLen: 32 }))));
const fast = { workFactor: 0 };

const { copy, path: scratch } = scratchFolder('stronghold-iota-');

describe('every fixture: the README addresses through generateEd25519Addresses, and signatures that verify', () => {
  for (const f of IOTA_FIXTURES) {
    test(`${f.file} (v${f.version})`, async () => {
      const path = copy(f.file);
      if (f.version === 2) {
        assert.throws(() => new SecretManager({ stronghold: { password: f.password, snapshotPath: path } }), isCode('UnsupportedVersion'), 'the SDK\'s constructor refuses v2 files too');
        await migrateStrongholdSnapshotV2ToV3(path, f.password, 'wallet.rs', 100, null, null, fast);
        assert.equal(readFileSync(path)[5], 3, 'migrated in place');
      }
      const sm = await SecretManager.create({ stronghold: { password: f.password, snapshotPath: path } });
      try {
        for (const a of f.addresses) {
          const [address] = await sm.generateEd25519Addresses({
            coinType: a.coin, accountIndex: a.account, range: { start: a.index, end: a.index + 1 }, bech32Hrp: a.hrp, options: { internal: a.internal },
          });
          assert.equal(address, a.address, `${a.coin}/${a.account}/${a.internal ? 1 : 0}/${a.index}`);

          const message = `0x${Buffer.from(`tx essence for ${a.address}`).toString('hex')}`;
          const sig = await sm.signEd25519(message, { coinType: a.coin, account: a.account, change: a.internal ? 1 : 0, addressIndex: a.index });
          assert.equal(sig.type, 0);
          assert.match(sig.publicKey, /^0x[0-9a-f]{64}$/);
          assert.match(sig.signature, /^0x[0-9a-f]{128}$/);
          assert.equal(addressOf(unhex(sig.publicKey), a.hrp), a.address, 'signed by the key of that address');
          assert.ok(verify(null, unhex(message), ed25519Spki(unhex(sig.publicKey)), unhex(sig.signature)), 'node:crypto verifies');
        }
        if (f.addressHash) {
          const [address] = await sm.generateEd25519Addresses({ coinType: f.addressHash.coin, range: { start: 0, end: 1 } });
          assert.equal(Buffer.from(bech32.fromWords(bech32.decode(address as `${string}1${string}`).words)).subarray(1).toString('hex'), f.addressHash.hash);
        }
        await sm.clearStrongholdPassword();
      } finally {
        await sm.close();
      }
      // The derived keys (64-byte sk || cc) went to a temporary record and were deleted: the saved snapshot holds
      // the seed and, when the store has values, the 32-byte userdata-store-key.
      const core = await Stronghold.open(path, f.password, { readOnly: true });
      const client = core.loadClient(SDK_CLIENT);
      const expected = client.store.keys().length > 0 ? [64, 32] : [64];
      assert.deepEqual(client.listRecords(SDK_VAULT).map((r) => r.length), expected);
      await core.close();
    });
  }

  test('an end-exclusive range gives consecutive addresses (v2.stronghold, indices 0..9)', async () => {
    const f = IOTA_FIXTURES[0]!;
    const path = copy(f.file);
    await migrateStrongholdSnapshotV2ToV3(path, f.password, 'wallet.rs', 100, scratch('range.stronghold'), 'new password', fast);
    const sm = new SecretManager({ stronghold: { password: 'new password', snapshotPath: scratch('range.stronghold') } });
    const addresses = await sm.generateEd25519Addresses({ coinType: 4219, accountIndex: 0, range: { start: 0, end: 10 }, bech32Hrp: 'rms' });
    assert.equal(addresses.length, 10);
    assert.equal(addresses[0], f.addresses[0]!.address);
    assert.equal(addresses[9], f.addresses[1]!.address);
    assert.deepEqual(await sm.generateEd25519Addresses({ coinType: 4219, range: { start: 3, end: 3 } }), []);
    assert.equal((await sm.generateEd25519Addresses()).length, 20, 'the SDK default range is 0..20');
    await assert.rejects(sm.generateEd25519Addresses({ range: { start: 2, end: 1 } }), isCode('InvalidArgument'));
    assert.equal(readFileSync(path)[5], 2, 'migration to another path leaves the v2 file alone');
    await sm.close();
  });
});

describe('migrateStrongholdSnapshotV2ToV3 re-encrypts the store as the SDK does', () => {
  test('v2_with_backup: each value decrypts under the new userdata-store-key record to what the v2 key sealed; coin_type = 4219', async () => {
    const src = copy('v2_with_backup.stronghold');
    const out = scratch('migrated-with-backup.stronghold');
    // Independent truth: the v2 values opened with the PBKDF2 key (node:crypto) and noble's XChaCha20-Poly1305.
    const v2Key = pbkdf2Sync('current_password', 'wallet.rs', 100, 32, 'sha512');
    const before = await Stronghold.open(src, { key: Uint8Array.from(v2Key) }, { readOnly: true });
    const beforeStore = before.loadClient(SDK_CLIENT).store;
    const expected = new Map(beforeStore.keys().map((k) => {
      const v = beforeStore.get(k)!;
      return [Buffer.from(k).toString(), xchacha20poly1305(v2Key, v.subarray(0, 24)).decrypt(Uint8Array.from([...v.subarray(40), ...v.subarray(24, 40)]))];
    }));
    await before.close();
    assert.equal(expected.size, 5);

    await migrateStrongholdSnapshotV2ToV3(src, 'current_password', 'wallet.rs', 100, out, 'new_password');
    const sh = await Stronghold.open(out, 'new_password', { readOnly: true });
    assert.equal(sh.snapshotVersion, 3);
    const client = sh.loadClient(SDK_CLIENT);
    assert.ok(client.recordExists(Location.generic(SDK_VAULT, 'userdata-store-key')));
    for (const [k, plain] of expected) {
      assert.deepEqual(await readUserData(client, k), plain, k);
    }
    const coin = await readUserData(client, 'coin_type');
    assert.equal(new DataView(coin!.buffer, coin!.byteOffset).getUint32(0, true), 4219);
    assert.match(new TextDecoder().decode((await readUserData(client, 'migration-version'))!), /"sdk_version":"0\.4\.0"/);
    assert.equal(await readUserData(client, 'absent'), null);
    await sh.close();
    await assert.rejects(migrateStrongholdSnapshotV2ToV3(out, 'new_password', 'wallet.rs', 100), isCode('UnsupportedVersion'));
    await assert.rejects(migrateStrongholdSnapshotV2ToV3(copy('v2.stronghold'), 'wrong', 'wallet.rs', 100), isCode('WrongPassword'));
    await assert.rejects(migrateStrongholdSnapshotV2ToV3(src, 'current_password', 'wallet.rs', 0), isCode('InvalidArgument'));
  });
});

// Independent BIP-32 (secp256k1) for the EVM checks: node:crypto HMAC-SHA512 and noble's point arithmetic.
function bip32(seed: Uint8Array, chain: number[]): Uint8Array {
  const N = secp256k1.Point.Fn.ORDER;
  const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex')}`);
  let I = createHmac('sha512', 'Bitcoin seed').update(seed).digest();
  let k = big(I.subarray(0, 32));
  for (const index of chain) {
    const kBytes = Buffer.from(k.toString(16).padStart(64, '0'), 'hex');
    const data = index >= 0x8000_0000 ? Buffer.concat([Buffer.alloc(1), kBytes]) : Buffer.from(secp256k1.getPublicKey(kBytes, true));
    const idx = Buffer.alloc(4);
    idx.writeUInt32BE(index);
    I = createHmac('sha512', I.subarray(32)).update(Buffer.concat([data, idx])).digest();
    k = (big(I.subarray(0, 32)) + k) % N;
  }
  return Buffer.from(k.toString(16).padStart(64, '0'), 'hex');
}

describe('a new wallet: storeMnemonic, EVM addresses and secp256k1 signatures', () => {
  const f = IOTA_FIXTURES[2]!; // the Chrysalis file's mnemonic and coin-4218 addresses
  test('storeMnemonic gives the fixture addresses; EVM addresses and signatures match an independent BIP-32', async () => {
    const path = scratch('new-wallet.stronghold');
    const sm = await SecretManager.create({ stronghold: { password: 'pw', snapshotPath: path } }, fast);
    await assert.rejects(sm.generateEd25519Addresses({ range: { start: 0, end: 1 } }), isCode('RecordNotFound'), 'no mnemonic yet');
    await assert.rejects(sm.storeMnemonic('abandon abandon'), isCode('InvalidArgument'));
    await sm.storeMnemonic(`  ${f.mnemonic}\n`);
    await assert.rejects(sm.storeMnemonic(f.mnemonic!), (e: any) => isCode('InvalidArgument')(e) && e.details.field === 'mnemonic', 'MnemonicAlreadyStored');
    for (const a of f.addresses) {
      const [address] = await sm.generateEd25519Addresses({ coinType: a.coin, accountIndex: a.account, range: { start: 0, end: 1 }, options: { internal: a.internal } });
      assert.equal(address, a.address);
    }

    const seed = pbkdf2Sync(f.mnemonic!.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512');
    const H = 0x8000_0000;
    const evm = await sm.generateEvmAddresses({ coinType: 60, accountIndex: 0, range: { start: 0, end: 2 }, options: { internal: true } });
    for (const [i, address] of evm.entries()) {
      const sk = bip32(seed, [44 + H, 60 + H, H, 1, i]);
      assert.equal(address, `0x${Buffer.from(keccak_256(secp256k1.getPublicKey(sk, false).subarray(1)).subarray(12)).toString('hex')}`);
    }

    const message = Uint8Array.from(Buffer.from('an EVM message'));
    const sig = await sm.signSecp256k1Ecdsa(`0x${Buffer.from(message).toString('hex')}`, { coinType: 60, account: 0, change: 0, addressIndex: 5 });
    const sk = bip32(seed, [44 + H, 60 + H, H, 0, 5]);
    assert.equal(sig.publicKey, `0x${Buffer.from(secp256k1.getPublicKey(sk, true)).toString('hex')}`);
    const bytes = unhex(sig.signature);
    assert.equal(bytes.length, 65);
    const digest = keccak_256(message);
    assert.ok(secp256k1.verify(bytes.subarray(0, 64), digest, unhex(sig.publicKey), { prehash: false }));
    const recovered = secp256k1.Signature.fromBytes(bytes.subarray(0, 64)).addRecoveryBit(bytes[64]!).recoverPublicKey(digest);
    assert.equal(Buffer.from(recovered.toBytes(true)).toString('hex'), sig.publicKey.slice(2));

    const unlock = await sm.signatureUnlock(new Uint8Array(32).fill(1), { coinType: 4218 });
    assert.equal(unlock.type, 0);
    assert.equal(addressOf(unhex(unlock.signature.publicKey), 'rms'), f.addresses[0]!.address, 'default chain: account 0, change 0, index 0');
    assert.ok(verify(null, new Uint8Array(32).fill(1), ed25519Spki(unhex(unlock.signature.publicKey)), unhex(unlock.signature.signature)));
    await assert.rejects(sm.signEd25519('0xabc', {}), isCode('InvalidArgument'), 'odd-length hex');
    await assert.rejects(sm.signEd25519('abcd', {}), isCode('InvalidArgument'), 'no 0x prefix');
    await sm.close();
  });
});

describe('password lifecycle, timeout, backup and restore', () => {
  const f = IOTA_FIXTURES[2]!;
  test('set, wrong, clear, set again, change (both forms)', async () => {
    const path = copy(f.file);
    const sm = new SecretManager({ stronghold: { snapshotPath: path } }, fast);
    assert.equal(await sm.isStrongholdPasswordAvailable(), false);
    await assert.rejects(sm.generateEd25519Addresses({ range: { start: 0, end: 1 } }), isCode('Locked'), 'the SDK\'s KeyCleared');
    await assert.rejects(sm.setStrongholdPassword('wrong'), isCode('WrongPassword'));
    await sm.setStrongholdPassword(f.password);
    await sm.setStrongholdPassword(f.password);
    await assert.rejects(sm.setStrongholdPassword('other'), isCode('WrongPassword'), 'a different password while one is set');
    assert.equal(await sm.isStrongholdPasswordAvailable(), true);
    await sm.clearStrongholdPassword();
    assert.equal(await sm.isStrongholdPasswordAvailable(), false);
    await assert.rejects(sm.signEd25519('0x00', { coinType: 4218 }), isCode('Locked'));
    await sm.setStrongholdPassword(f.password);
    await sm.changeStrongholdPassword('second');
    await assert.rejects(sm.changeStrongholdPassword('not current', 'third'), isCode('WrongPassword'));
    await sm.changeStrongholdPassword('second', 'third');
    await sm.close();
    await assert.rejects(Stronghold.open(path, 'second', { readOnly: true }), isCode('WrongPassword'));
    const again = await SecretManager.create({ stronghold: { password: 'third', snapshotPath: path } });
    assert.deepEqual(await again.generateEd25519Addresses({ coinType: 4218, range: { start: 0, end: 1 } }), [f.addresses[0]!.address]);
    await again.close();
  });

  test('a wrong password in the options throws in the constructor, as the SDK\'s; calls run one at a time', async () => {
    const path = copy(f.file);
    assert.throws(() => new SecretManager({ stronghold: { password: 'wrong', snapshotPath: path } }), isCode('WrongPassword'));
    const sm = new SecretManager({ stronghold: { password: f.password, snapshotPath: path } });
    const message = new Uint8Array([1, 2, 3]);
    // Same chain, so the same temporary record: concurrent calls must not interleave.
    const sigs = await Promise.all(Array.from({ length: 4 }, () => sm.signEd25519(message, { coinType: 4218 })));
    for (const s of sigs) assert.ok(verify(null, message, ed25519Spki(unhex(s.publicKey)), unhex(s.signature)));
    await sm.close();
  });

  test('the timeout clears the password after inactivity (timer.unref, Stronghold.lock)', async () => {
    const path = copy(f.file);
    const sm = await SecretManager.create({ stronghold: { password: f.password, snapshotPath: path, timeout: 3600 } });
    assert.equal(await sm.isStrongholdPasswordAvailable(), true);
    await sm.setStrongholdPasswordClearInterval(30);
    // Polls faster than the timeout: a status query is not activity, so the timer still fires. The bound only
    // stops a broken timer from hanging the suite.
    for (let i = 0; await sm.isStrongholdPasswordAvailable(); i++) {
      if (i > 5000) assert.fail('the password was never cleared');
      await new Promise((r) => setTimeout(r, 2));
    }
    await assert.rejects(sm.generateEd25519Addresses({ range: { start: 0, end: 1 } }), isCode('Locked'));
    await sm.setStrongholdPasswordClearInterval();
    await sm.setStrongholdPassword(f.password);
    assert.equal((await sm.generateEd25519Addresses({ coinType: 4218, range: { start: 0, end: 1 } }))[0], f.addresses[0]!.address);
    await sm.close();
  });

  test('backup to another file under another password; restore into another manager', async () => {
    const path = copy(f.file);
    const sm = await SecretManager.create({ stronghold: { password: f.password, snapshotPath: path } }, fast);
    const backup = scratch('backup.stronghold');
    await sm.backupToStrongholdSnapshot(backup, 'backup password');
    await sm.close();
    const core = await Stronghold.open(backup, 'backup password', { readOnly: true });
    assert.ok(core.loadClient(SDK_CLIENT).recordExists(Location.generic(SDK_VAULT, SDK_RECORD)));
    await core.close();

    const other = await SecretManager.create({ stronghold: { password: 'fresh', snapshotPath: scratch('restored.stronghold') } }, fast);
    await assert.rejects(other.restoreBackup(backup, 'wrong'), isCode('WrongPassword'));
    await other.restoreFromStrongholdSnapshot(backup, 'backup password');
    assert.deepEqual(await other.generateEd25519Addresses({ coinType: 4218, range: { start: 0, end: 1 } }), [f.addresses[0]!.address]);
    await other.close();
    await Stronghold.open(scratch('restored.stronghold'), 'backup password', { readOnly: true }).then((s) => s.close());
  });
});
