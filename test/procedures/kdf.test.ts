/**
 * MACs and KDFs through the procedures: RFC 4231 (Hmac), RFC 5869 (Hkdf), PBKDF2 (RFC 7914 §11 and the
 * CPython SHA-256/512 tables), Concat KDF (RFC 7518 App. C with the Stronghold parameters).
 * Derived keys never leave the vault, so each is checked through a later Hmac with that key, compared
 * with node:crypto's HMAC keyed by the vector's expected bytes. Stronghold's Hkdf and Pbkdf2Hmac outputs are
 * hash-length long; both KDFs are prefix-stable, so the expected key is the vector's first hash-length bytes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HashName } from '../../src/crypto/provider.js';
import { concatKdf } from '../../src/procedures/concat-kdf.js';
import { hkdf } from '../../src/procedures/hkdf.js';
import { hmac } from '../../src/procedures/hmac.js';
import { pbkdf2Hmac } from '../../src/procedures/pbkdf2-hmac.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { hex, utf8, vectors, wycheproof, wycheproofTests } from '../vectors.js';
import { at, harness, hexOf, nodeHmac, PROVIDERS, rejection } from './helpers.js';

const MSG = utf8('probe');
const LEN: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

for (const provider of PROVIDERS) {
  describe(`MACs and KDFs (${provider.name})`, () => {
    test('RFC 4231 §4.2–4.8 for sha256, sha384, sha512', async () => {
      const h = harness(provider);
      for (const v of vectors.rfc4231().vectors) {
        await h.run(writeVault({ data: hex(v.key), location: at(`k${v.tcId}`) }));
        for (const [hashType, expected] of [['sha256', v.hmacSha256], ['sha384', v.hmacSha384], ['sha512', v.hmacSha512]] as const) {
          const mac = await h.run(hmac({ hashType, msg: hex(v.data), key: at(`k${v.tcId}`) }));
          const n = v.truncatedToBits ? v.truncatedToBits / 8 : mac.length;
          assert.equal(hexOf(mac.subarray(0, n)), expected.slice(0, 2 * n), `case ${v.tcId} ${hashType}`);
        }
      }
    });

    test('Wycheproof HMAC-SHA256/512 (full-length tags, valid cases)', async () => {
      const h = harness(provider);
      for (const [hashType, file] of [['sha256', wycheproof.hmacSha256()], ['sha512', wycheproof.hmacSha512()]] as const) {
        for (const { group, test: t } of wycheproofTests(file)) {
          if (group.tagSize !== LEN[hashType] * 8 || t.key.length === 0) continue;
          const loc = at(`w${hashType}${t.tcId}`);
          await h.run(writeVault({ data: hex(t.key), location: loc }));
          const mac = await h.run(hmac({ hashType, msg: hex(t.msg), key: loc }));
          assert.equal(hexOf(mac) === t.tag, t.result === 'valid', `tc ${t.tcId}`);
        }
      }
    });

    test('RFC 5869 A.1–A.3: the stored okm is the first 32 bytes of the vector okm', async () => {
      const h = harness(provider);
      for (const v of vectors.rfc5869().vectors) {
        await h.run(writeVault({ data: hex(v.ikm), location: at(`ikm${v.tcId}`) }));
        await h.run(hkdf({ hashType: 'sha256', salt: hex(v.salt), label: hex(v.info), ikm: at(`ikm${v.tcId}`), okm: at(`okm${v.tcId}`) }));
        assert.equal(h.db.recordInfo(at(`okm${v.tcId}`)).length, 32);
        const mac = await h.run(hmac({ hashType: 'sha256', msg: MSG, key: at(`okm${v.tcId}`) }));
        assert.equal(hexOf(mac), nodeHmac(hex(v.okm).subarray(0, 32), MSG), `case ${v.tcId}`);
      }
    });

    test('PBKDF2: RFC 7914 §11 and CPython sha256/sha512 tables (dkLen >= hash length, not slow)', async () => {
      const h = harness(provider);
      const files = [['sha256', vectors.pbkdf2Sha256Rfc7914()], ['sha256', vectors.pbkdf2Sha256Cpython()], ['sha512', vectors.pbkdf2Sha512Cpython()]] as const;
      let checked = 0;
      for (const [hashType, file] of files) {
        for (const v of file.vectors) {
          if (v.slow || v.dkLen < LEN[hashType] || v.iterations > 100_000) continue;
          const loc = at(`p${checked}`);
          await h.run(pbkdf2Hmac({ hashType, password: hex(v.password), salt: hex(v.salt), count: v.iterations, output: loc }));
          const mac = await h.run(hmac({ hashType: 'sha256', msg: MSG, key: loc }));
          assert.equal(hexOf(mac), nodeHmac(hex(v.dk).subarray(0, LEN[hashType]), MSG), `${hashType} case ${v.tcId}`);
          checked++;
        }
      }
      assert.ok(checked >= 3);
    });

    test('Pbkdf2Hmac: a zero count is rejected, naming the field', () => {
      assert.throws(() => pbkdf2Hmac({ hashType: 'sha256', password: utf8('p'), salt: utf8('s'), count: 0, output: at('o') }),
        (e: any) => e.code === 'InvalidArgument' && e.details.field === 'count' && e.details.procedure === 'Pbkdf2Hmac');
    });

    test('Concat KDF: RFC 7518 Appendix C through the Stronghold parameters', async () => {
      const h = harness(provider);
      const v = vectors.concatKdf().vectors.find((x) => x.strongholdConcatKdf)!;
      const p = v.strongholdConcatKdf!;
      await h.run(writeVault({ data: hex(p.shared_secret), location: at('z') }));
      await h.run(concatKdf({
        hashType: 'sha256', algorithmId: p.algorithm_id, sharedSecret: at('z'), keyLen: p.key_len,
        apu: hex(p.apu), apv: hex(p.apv), pubInfo: hex(p.pub_info), privInfo: hex(p.priv_info), output: at('cek'),
      }));
      assert.equal(h.db.recordInfo(at('cek')).length, 16);
      const mac = await h.run(hmac({ hashType: 'sha256', msg: MSG, key: at('cek') }));
      assert.equal(hexOf(mac), nodeHmac(hex(v.derivedKey), MSG));
    });

    test('Concat KDF: multi-round output for keyLen > hash length matches a direct computation', async () => {
      const h = harness(provider);
      const z = new Uint8Array(32).fill(3);
      await h.run(writeVault({ data: z, location: at('z') }));
      await h.run(concatKdf({ hashType: 'sha256', algorithmId: 'X', sharedSecret: at('z'), keyLen: 40, output: at('k') }));
      const { createHash } = await import('node:crypto');
      const round = (i: number) => createHash('sha256').update(Buffer.concat([Buffer.from([0, 0, 0, i]), z, Buffer.from([0, 0, 0, 1, 0x58]), Buffer.alloc(8)])).digest();
      const expected = Buffer.concat([round(1), round(2)]).subarray(0, 40);
      assert.equal(hexOf(await h.run(hmac({ hashType: 'sha256', msg: MSG, key: at('k') }))), nodeHmac(expected, MSG));
    });

    test('Hkdf on a missing ikm names the step and writes nothing', async () => {
      const h = harness(provider);
      const err = await rejection(h.run(hkdf({ hashType: 'sha512', ikm: at('none'), okm: at('okm') })));
      assert.equal(err.code, 'VaultNotFound');
      assert.equal(err.details.step, 0);
      assert.equal(h.db.recordExists(at('okm')), false);
    });
  });
}
