/**
 * Ciphers through the procedures: XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 A.3.1), AES-256-GCM
 * (McGrew–Viega cases 13–16), the Wycheproof AEAD files (256-bit keys, 128-bit tags, standard nonces), and
 * RFC 3394 AES key wrap (the 256-bit KEK cases 4.3, 4.5, 4.6). AeadEncrypt returns tag || ciphertext.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aeadDecrypt } from '../../src/procedures/aead-decrypt.js';
import { aeadEncrypt, type AeadCipherName } from '../../src/procedures/aead-encrypt.js';
import { aesKeyWrapDecrypt } from '../../src/procedures/aes-key-wrap-decrypt.js';
import { aesKeyWrapEncrypt } from '../../src/procedures/aes-key-wrap-encrypt.js';
import { hmac } from '../../src/procedures/hmac.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { hex, utf8, vectors, wycheproof, wycheproofTests } from '../vectors.js';
import { at, harness, hexOf, nodeHmac, PROVIDERS, rejection } from './helpers.js';

for (const provider of PROVIDERS) {
  describe(`AEAD and key wrap (${provider.name})`, () => {
    test('XChaCha20-Poly1305 draft-03 A.3.1', async () => {
      const h = harness(provider);
      const v = vectors.xchachaDraft03().aead;
      await h.run(writeVault({ data: hex(v.key), location: at('k') }));
      const out = await h.run(aeadEncrypt({ cipher: 'xchacha20poly1305', key: at('k'), nonce: hex(v.nonce), plaintext: hex(v.plaintext), associatedData: hex(v.aad) }));
      assert.equal(hexOf(out), v.tag + v.ciphertext);
      const pt = await h.run(aeadDecrypt({ cipher: 'xchacha20poly1305', key: at('k'), nonce: hex(v.nonce), ciphertext: hex(v.ciphertext), tag: hex(v.tag), associatedData: hex(v.aad) }));
      assert.equal(hexOf(pt), v.plaintext);
    });

    test('AES-256-GCM cases 13–16', async () => {
      const h = harness(provider);
      for (const v of vectors.gcmSpec().vectors.filter((x) => !x.nonStandardIvLength)) {
        const loc = at(`g${v.tcId}`);
        await h.run(writeVault({ data: hex(v.key), location: loc }));
        const out = await h.run(aeadEncrypt({ cipher: 'aes256gcm', key: loc, nonce: hex(v.iv), plaintext: hex(v.plaintext), associatedData: hex(v.aad) }));
        assert.equal(hexOf(out), v.tag + v.ciphertext, `case ${v.tcId}`);
        const pt = await h.run(aeadDecrypt({ cipher: 'aes256gcm', key: loc, nonce: hex(v.iv), ciphertext: hex(v.ciphertext), tag: hex(v.tag), associatedData: hex(v.aad) }));
        assert.equal(hexOf(pt), v.plaintext);
      }
    });

    for (const [cipher, load, nonceBits] of [['xchacha20poly1305', wycheproof.xchacha20poly1305, 192], ['aes256gcm', wycheproof.aesGcm, 96]] as const) {
      test(`Wycheproof ${cipher}: decrypt accepts exactly the valid cases; encrypt reproduces them`, async () => {
        const h = harness(provider);
        let n = 0;
        for (const { group, test: t } of wycheproofTests(load())) {
          if (group.keySize !== 256 || group.tagSize !== 128 || group.ivSize !== nonceBits) continue;
          const loc = at(`w${t.tcId}`);
          await h.run(writeVault({ data: hex(t.key), location: loc }));
          const args = { cipher: cipher as AeadCipherName, key: loc, nonce: hex(t.iv), associatedData: hex(t.aad) };
          const dec = h.run(aeadDecrypt({ ...args, ciphertext: hex(t.ct), tag: hex(t.tag) }));
          if (t.result === 'valid') {
            assert.equal(hexOf(await dec), t.msg, `tc ${t.tcId}`);
            assert.equal(hexOf(await h.run(aeadEncrypt({ ...args, plaintext: hex(t.msg) }))), t.tag + t.ct, `tc ${t.tcId}`);
          } else {
            const err = await rejection(dec);
            assert.equal(err.code, 'InvalidArgument', `tc ${t.tcId}`);
            assert.equal(err.details.field, 'tag');
          }
          n++;
        }
        assert.ok(n > 50);
      });
    }

    test('AEAD bad input: wrong nonce size, unknown cipher, a 16-byte key record', async () => {
      const h = harness(provider);
      assert.throws(() => aeadEncrypt({ cipher: 'aes256gcm', key: at('k'), nonce: new Uint8Array(24), plaintext: new Uint8Array(1) }),
        (e: any) => e.code === 'InvalidArgument' && e.details.field === 'nonce' && e.details.procedure === 'AeadEncrypt');
      assert.throws(() => aeadEncrypt({ cipher: 'chacha' as never, key: at('k'), nonce: new Uint8Array(12), plaintext: new Uint8Array(1) }),
        (e: any) => e.code === 'InvalidArgument' && e.details.field === 'cipher');
      await h.run(writeVault({ data: new Uint8Array(16), location: at('k16') }));
      const err = await rejection(h.run(aeadEncrypt({ cipher: 'aes256gcm', key: at('k16'), nonce: new Uint8Array(12), plaintext: new Uint8Array(1) })));
      assert.equal(err.code, 'InvalidArgument');
      assert.equal(err.details.field, 'key');
    });

    test('RFC 3394 §4.3, 4.5, 4.6 (256-bit KEK): wrap, and unwrap into a record', async () => {
      const h = harness(provider);
      const cases = vectors.rfc3394().vectors.filter((v) => v.aes256Kek);
      assert.equal(cases.length, 3);
      const msg = utf8('probe');
      for (const v of cases) {
        await h.run(writeVault({ data: hex(v.kek), location: at(`kek${v.section}`) }));
        await h.run(writeVault({ data: hex(v.keyData), location: at(`key${v.section}`) }));
        const wrapped = await h.run(aesKeyWrapEncrypt({ encryptionKey: at(`kek${v.section}`), wrapKey: at(`key${v.section}`) }));
        assert.equal(hexOf(wrapped), v.ciphertext, v.section);
        await h.run(aesKeyWrapDecrypt({ decryptionKey: at(`kek${v.section}`), wrappedKey: hex(v.ciphertext), output: at(`un${v.section}`) }));
        assert.equal(hexOf(await h.run(hmac({ hashType: 'sha256', msg, key: at(`un${v.section}`) }))), nodeHmac(hex(v.keyData), msg));
      }
    });

    test('key unwrap with a failing integrity check writes nothing', async () => {
      const h = harness(provider);
      const v = vectors.rfc3394().vectors.find((x) => x.aes256Kek)!;
      await h.run(writeVault({ data: hex(v.kek), location: at('kek') }));
      const bad = hex(v.ciphertext);
      bad[5]! ^= 1;
      const err = await rejection(h.run(aesKeyWrapDecrypt({ decryptionKey: at('kek'), wrappedKey: bad, output: at('out') })));
      assert.equal(err.code, 'InvalidArgument');
      assert.equal(err.details.field, 'wrappedKey');
      assert.equal(h.db.recordExists(at('out')), false);
    });
  });
}
