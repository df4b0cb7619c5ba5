/**
 * Usage policies: defaults per procedure, the exfiltration paths Rust leaves open (wrap, copy, concat),
 * procedure restrictions, tightening-only requests, the hint encoding and the legacy (Rust) default.
 */
import assert from 'node:assert/strict';
import { createDecipheriv, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { aeadDecrypt } from '../../src/procedures/aead-decrypt.js';
import { aeadEncrypt } from '../../src/procedures/aead-encrypt.js';
import { aesKeyWrapEncrypt } from '../../src/procedures/aes-key-wrap-encrypt.js';
import { bip39Generate } from '../../src/procedures/bip39-generate.js';
import { concatSecret } from '../../src/procedures/concat-secret.js';
import { copyRecord } from '../../src/procedures/copy-record.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { hkdf } from '../../src/procedures/hkdf.js';
import { hmac } from '../../src/procedures/hmac.js';
import { decodeHint, encodeHint, LEGACY_POLICY, POLICY_BITS, RECORD_KINDS } from '../../src/engine/policy.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { slip10Generate } from '../../src/procedures/slip10-generate.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { x25519DiffieHellman } from '../../src/procedures/x25519-diffie-hellman.js';
import { utf8 } from '../vectors.js';
import { at, harness, PROVIDERS, rejection } from './helpers.js';

const MSG = utf8('m');
const policyAt = (h: ReturnType<typeof harness>, r: string) => decodeHint(h.db.recordInfo(at(r)).hint).policy;

describe('kind and policy hint encoding', () => {
  test('round trip, magic, mask bits by the persisted bit table, the kind byte', () => {
    const pad = new Uint8Array(14).fill(0xaa);
    for (const p of [{ exportable: true, allowed: null }, { exportable: false, allowed: ['PublicKey', 'Ed25519Sign'] }, { exportable: false, allowed: [] }]) {
      for (const kind of RECORD_KINDS) {
        const hint = encodeHint(kind, p, pad);
        assert.equal(hint.length, 24);
        assert.deepEqual([...hint.subarray(0, 4)], [0x73, 0x68, 0x70, 0x02]);
        assert.equal(hint[9], RECORD_KINDS.indexOf(kind));
        assert.deepEqual(decodeHint(hint), { kind, policy: { exportable: p.exportable, allowed: p.allowed && POLICY_BITS.filter((n) => p.allowed!.includes(n)) } });
      }
    }
    const hint = encodeHint('ed25519', { exportable: false, allowed: ['WriteVault', 'ConcatSecret'] }, pad);
    assert.equal(hint[4], 3);
    assert.equal(new DataView(hint.buffer).getUint32(5), 1 | (1 << POLICY_BITS.indexOf('ConcatSecret')));
  });

  test('a hint without the magic (Rust, random) is unknown and legacy; version 1 keeps its policy; unknown flags or kinds fail closed', () => {
    assert.deepEqual(decodeHint(Uint8Array.of(1, 2, 3, ...new Uint8Array(21))), { kind: 'unknown', policy: LEGACY_POLICY });
    const v1 = encodeHint('ed25519', { exportable: false, allowed: ['Hmac'] }, new Uint8Array(14));
    v1[3] = 0x01;
    assert.deepEqual(decodeHint(v1), { kind: 'unknown', policy: { exportable: false, allowed: ['Hmac'] } });
    const flags = encodeHint('seed', { exportable: true, allowed: null }, new Uint8Array(14));
    flags[4] = 0x80;
    assert.deepEqual(decodeHint(flags), { kind: 'invalid', policy: { exportable: false, allowed: [] } });
    const kind = encodeHint('seed', { exportable: true, allowed: null }, new Uint8Array(14));
    kind[9] = 200;
    assert.equal(decodeHint(kind).kind, 'invalid');
  });
});

for (const provider of PROVIDERS) {
  describe(`policies (${provider.name})`, () => {
    test('defaults: generated and derived secrets are non-exportable, WriteVault data exportable', async () => {
      const h = harness(provider);
      await h.chain([
        writeVault({ data: new Uint8Array(32).fill(1), location: at('w') }),
        generateKey({ keyType: 'x25519', output: at('g') }),
        slip10Generate({ output: at('s') }),
        bip39Generate({ output: at('b') }),
        slip10Derive({ curve: 'ed25519', chain: ["0'"], input: { seed: at('w') }, output: at('d') }),
        hkdf({ hashType: 'sha256', ikm: at('w'), okm: at('h') }),
        x25519DiffieHellman({ privateKey: at('w'), publicKey: new Uint8Array(32).fill(9), sharedKey: at('x') }),
        copyRecord({ source: at('w'), target: at('cw') }),
        copyRecord({ source: at('g'), target: at('cg') }),
      ]);
      const exportable = Object.fromEntries(['w', 'g', 's', 'b', 'd', 'h', 'x', 'cw', 'cg'].map((r) => [r, policyAt(h, r).exportable]));
      assert.deepEqual(exportable, { w: true, g: false, s: false, b: false, d: false, h: false, x: false, cw: true, cg: false });
    });

    test('Rust exfiltration: wrapping a non-exportable key under a known KEK is a PolicyViolation', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(32).fill(7), location: at('known-kek') }));
      await h.run(generateKey({ keyType: 'ed25519', output: at('secret') }));
      const err = await rejection(h.run(aesKeyWrapEncrypt({ encryptionKey: at('known-kek'), wrapKey: at('secret') })));
      assert.equal(err.code, 'PolicyViolation');
      assert.deepEqual({ ...err.details, policy: undefined }, { procedure: 'AesKeyWrapEncrypt', vault: 'v', record: 'secret', field: 'wrapKey', kind: 'ed25519', policy: undefined, step: 0 });
      assert.match(err.details.policy, /non-exportable/);
      // A non-exportable KEK may wrap an exportable key.
      await h.run(hkdf({ hashType: 'sha256', ikm: at('known-kek'), okm: at('sealed-kek') }));
      await h.run(writeVault({ data: new Uint8Array(32).fill(8), location: at('exportable') }));
      await h.run(aesKeyWrapEncrypt({ encryptionKey: at('sealed-kek'), wrapKey: at('exportable') }));
    });

    test('copy or concat of a non-exportable secret stays non-exportable, so it cannot be wrapped either', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(32).fill(7), location: at('kek') }));
      await h.run(writeVault({ data: new Uint8Array(32).fill(9), location: at('secret'), policy: { exportable: false } }));
      await h.run(copyRecord({ source: at('secret'), target: at('copy') }));
      await h.run(concatSecret({ locationA: at('kek'), locationB: at('secret'), output: at('joined') }));
      for (const r of ['copy', 'joined']) {
        const err = await rejection(h.run(aesKeyWrapEncrypt({ encryptionKey: at('kek'), wrapKey: at(r) })));
        assert.equal(err.code, 'PolicyViolation');
      }
    });

    test('asking for an exportable copy/concat/derivation of a non-exportable source is refused and writes nothing', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(32).fill(7), location: at('w') }));
      await h.run(generateKey({ keyType: 'x25519', output: at('secret') }));
      const calls = [
        copyRecord({ source: at('secret'), target: at('o1'), policy: { exportable: true } }),
        concatSecret({ locationA: at('w'), locationB: at('secret'), output: at('o2'), policy: { exportable: true } }),
        hkdf({ hashType: 'sha256', ikm: at('secret'), okm: at('o3'), policy: { exportable: true } }),
        slip10Generate({ output: at('o4'), policy: { exportable: true } }),
      ];
      for (const [i, c] of calls.entries()) {
        const err = await rejection(h.run(c));
        assert.equal(err.code, 'PolicyViolation', c.procedure.type);
        assert.equal(err.details.procedure, c.procedure.type);
        assert.equal(h.db.recordExists(at(`o${i + 1}`)), false);
      }
      assert.equal(err0Record(await rejection(h.run(calls[0]!))), 'secret');
    });

    test('GenerateKey is non-exportable unless asked: an exportable key wraps out, and its public key matches the unwrapped bytes', async () => {
      const h = harness(provider);
      await h.run(generateKey({ keyType: 'ed25519', output: at('kept') }));
      await h.run(generateKey({ keyType: 'ed25519', output: at('free'), policy: { exportable: true, allowed: ['PublicKey', 'AesKeyWrapEncrypt'] } }));
      assert.deepEqual(policyAt(h, 'kept'), { exportable: false, allowed: null });
      assert.deepEqual(policyAt(h, 'free'), { exportable: true, allowed: ['PublicKey', 'AesKeyWrapEncrypt'] });
      const kek = new Uint8Array(32).fill(3);
      await h.run(writeVault({ data: kek, location: at('kek') }));
      const wrapped = await h.run(aesKeyWrapEncrypt({ encryptionKey: at('kek'), wrapKey: at('free') }));
      const decipher = createDecipheriv('id-aes256-wrap', kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
      const seed = Buffer.concat([decipher.update(wrapped), decipher.final()]);
      const jwk = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
      const expected = Buffer.from(createPublicKey(jwk).export({ format: 'der', type: 'spki' })).subarray(12);
      assert.deepEqual(Buffer.from(await h.run(publicKey({ keyType: 'ed25519', privateKey: at('free') }))), expected);
      assert.equal((await rejection(h.run(aesKeyWrapEncrypt({ encryptionKey: at('kek'), wrapKey: at('kept') })))).code, 'PolicyViolation');
    });

    test('AeadDecrypt with a non-exportable key returns the plaintext of a caller ciphertext', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(32).fill(9), location: at('k'), policy: { exportable: false } }));
      const nonce = new Uint8Array(24);
      const sealed = await h.run(aeadEncrypt({ cipher: 'xchacha20poly1305', key: at('k'), nonce, plaintext: MSG }));
      const pt = await h.run(aeadDecrypt({ cipher: 'xchacha20poly1305', key: at('k'), nonce, tag: sealed.subarray(0, 16), ciphertext: sealed.subarray(16) }));
      assert.deepEqual(pt, MSG);
    });

    test('a record restricted to Ed25519Sign and PublicKey cannot be used by anything else', async () => {
      const h = harness(provider);
      await h.run(generateKey({ keyType: 'ed25519', output: at('k'), policy: { allowed: ['Ed25519Sign', 'PublicKey'] } }));
      assert.deepEqual(policyAt(h, 'k'), { exportable: false, allowed: ['PublicKey', 'Ed25519Sign'] });
      await h.run(ed25519Sign({ privateKey: at('k'), msg: MSG }));
      await h.run(publicKey({ keyType: 'ed25519', privateKey: at('k') }));
      for (const c of [hmac({ hashType: 'sha256', msg: MSG, key: at('k') }), copyRecord({ source: at('k'), target: at('c') }),
        slip10Derive({ curve: 'ed25519', chain: ["0'"], input: { seed: at('k') }, output: at('c') })]) {
        const err = await rejection(h.run(c));
        assert.equal(err.code, 'PolicyViolation');
        assert.equal(err.details.procedure, c.procedure.type);
        assert.equal(err.details.record, 'k');
        assert.equal(h.db.recordExists(at('c')), false);
      }
    });

    test('a copy keeps the restriction; a request may narrow it but not widen it', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(32).fill(1), location: at('w'), policy: { allowed: ['CopyRecord', 'Hmac', 'Ed25519Sign'] } }));
      await h.run(copyRecord({ source: at('w'), target: at('c1') }));
      assert.deepEqual(policyAt(h, 'c1'), { exportable: true, allowed: ['CopyRecord', 'Ed25519Sign', 'Hmac'] });
      await h.run(copyRecord({ source: at('w'), target: at('c2'), policy: { allowed: ['Hmac'], exportable: false } }));
      assert.deepEqual(policyAt(h, 'c2'), { exportable: false, allowed: ['Hmac'] });
      const err = await rejection(h.run(copyRecord({ source: at('w'), target: at('c3'), policy: { allowed: ['AeadEncrypt'] } })));
      assert.equal(err.code, 'PolicyViolation');
      assert.equal(h.db.recordExists(at('c3')), false);
    });

    test('a Rust-written record (random hint) is exportable and usable by anything', async () => {
      const h = harness(provider);
      h.db.write(at('legacy'), new Uint8Array(32).fill(3), Uint8Array.of(9, 8, 7, ...new Uint8Array(21)));
      assert.deepEqual(policyAt(h, 'legacy'), LEGACY_POLICY);
      await h.run(writeVault({ data: new Uint8Array(32).fill(4), location: at('kek') }));
      assert.equal((await h.run(aesKeyWrapEncrypt({ encryptionKey: at('kek'), wrapKey: at('legacy') }))).length, 40);
    });

    test('the policy field rejects unknown procedure names', () => {
      assert.throws(() => generateKey({ keyType: 'ed25519', output: at('k'), policy: { allowed: ['Sign'] } }),
        (e: any) => e.code === 'InvalidArgument' && e.details.field === 'policy.allowed[0]');
    });
  });
}

function err0Record(err: { details: { record: string } }): string {
  return err.details.record;
}
