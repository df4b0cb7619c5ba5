/**
 * The compliance suite every CryptoProvider runs (test/crypto/native.test.ts, test/crypto/noble.test.ts):
 * standard known-answer vectors and the full Wycheproof files from /work/shared/vectors, read in place.
 * Vectors outside the interface's domain (other key, nonce or tag sizes) are counted and reported with
 * `t.diagnostic`, never silently dropped; each test also asserts how many vectors it checked.
 * @module
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { isStrongholdError } from '../../src/errors.js';
import type { AeadCipher, CryptoProvider, HashName } from '../../src/crypto/provider.js';
import { hex, toHex, utf8, vectors, wycheproof, wycheproofTests, type WycheproofAead } from '../vectors.js';

/** Asserts that `fn` throws InvalidArgument naming `field`. */
export function assertInvalidArgument(fn: () => unknown, field: string, what = ''): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isStrongholdError(err, 'InvalidArgument'), `${what}: expected InvalidArgument, got ${String(err)}`);
    assert.equal(err.details.field, field, what);
    return true;
  });
}

function eq(actual: Uint8Array | null, expected: string, what: string): void {
  assert.equal(toHex(actual), expected, what);
}

export function runProviderCompliance(name: string, p: CryptoProvider): void {
  describe(`CryptoProvider compliance: ${name}`, () => {
    test('randomFill fills the given array, in chunks past the 64 KiB WebCrypto limit', () => {
      const small = new Uint8Array(64);
      assert.equal(p.randomFill(small), small);
      const again = p.randomFill(new Uint8Array(64));
      assert.notEqual(toHex(small), toHex(again));
      const big = p.randomFill(new Uint8Array(200_000));
      // Each 64 KiB chunk, including the tail, must have been written.
      for (const start of [0, 65536, 131072, 196608]) assert.ok(big.subarray(start, start + 64).some((b) => b !== 0), `chunk at ${start}`);
    });

    test('SHA-2: FIPS 180-2 "abc" and empty-string digests', () => {
      const expected: Record<HashName, [string, string]> = {
        sha256: ['ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
        sha384: ['cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
          '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b'],
        sha512: ['ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
          'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'],
      };
      for (const [h, [abc, empty]] of Object.entries(expected) as [HashName, [string, string]][]) {
        eq(p.sha2(h, utf8('abc')), abc, `${h}("abc")`);
        eq(p.sha2(h, new Uint8Array(0)), empty, `${h}("")`);
      }
    });

    test('BLAKE2b-256: the snapshot spec value and cross-implementation with @noble/hashes', () => {
      eq(p.blake2b256(utf8('current_password')), '9768bc58dea426a47117ced9dd4715548392bb1b2803009f945f5d6783ca1cb1', 'spec value');
      const inputs = ['', 'abc', 'The quick brown fox jumps over the lazy dog', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(129), 'w'.repeat(10_000)];
      for (const s of inputs) eq(p.blake2b256(utf8(s)), toHex(blake2b(utf8(s), { dkLen: 32 }))!, `length ${s.length}`);
    });

    test('Keccak-256: reference digests (go-ethereum, empty code hash)', () => {
      const v = vectors.ethereum().keccak256;
      for (const k of v) eq(p.keccak256(hex(k.input)), k.digest, k.source);
      assert.equal(v.length, 2);
    });

    test('EVM address: keccak256(uncompressed public key without 0x04)[12..]', () => {
      const v = vectors.ethereum().keyToAddress;
      for (const k of v) {
        const pub = p.secp256k1PublicKey(hex(k.privateKey), false);
        assert.equal(pub.length, 65);
        assert.equal(pub[0], 0x04);
        eq(p.keccak256(pub.subarray(1)).subarray(12), k.address, k.source);
      }
      assert.equal(v.length, 3);
    });

    test('HMAC: RFC 4231 test cases 1-7 (SHA-256/384/512)', () => {
      const v = vectors.rfc4231().vectors;
      for (const c of v) {
        const hashes: [HashName, string][] = [['sha256', c.hmacSha256], ['sha384', c.hmacSha384], ['sha512', c.hmacSha512]];
        for (const [h, want] of hashes) {
          const mac = p.hmac(h, hex(c.key), hex(c.data));
          // Test case 5 publishes only the first 128 bits.
          if (c.truncatedToBits !== undefined) eq(mac.subarray(0, c.truncatedToBits / 8), want, `tc${c.tcId} ${h}`);
          else eq(mac, want, `tc${c.tcId} ${h}`);
        }
      }
      assert.equal(v.length, 7);
    });

    for (const [h, load, bits] of [['sha256', wycheproof.hmacSha256, 256], ['sha512', wycheproof.hmacSha512, 512]] as const) {
      test(`HMAC: Wycheproof hmac_${h}_test.json (full-length tags)`, (t) => {
        let checked = 0;
        let skipped = 0;
        for (const { group, test: c } of wycheproofTests(load())) {
          if (group.tagSize !== bits) { skipped++; continue; }
          const same = toHex(p.hmac(h, hex(c.key), hex(c.msg))) === c.tag;
          assert.equal(same, c.result === 'valid', `tcId ${c.tcId}`);
          checked++;
        }
        t.diagnostic(`checked ${checked}, skipped ${skipped} with truncated tags`);
        assert.equal(checked, 87);
      });
    }

    test('HKDF-SHA256: RFC 5869 A.1-A.3', () => {
      const v = vectors.rfc5869().vectors;
      for (const c of v) eq(p.hkdf('sha256', hex(c.ikm), hex(c.salt), hex(c.info), c.length), c.okm, `tc${c.tcId}`);
      assert.equal(v.length, 3);
    });

    test('HKDF-SHA256: Wycheproof hkdf_sha256_test.json', () => {
      let n = 0;
      for (const { test: c } of wycheproofTests(wycheproof.hkdfSha256())) {
        const run = () => p.hkdf('sha256', hex(c.ikm), hex(c.salt), hex(c.info), c.size);
        if (c.result === 'valid') eq(run(), c.okm, `tcId ${c.tcId}`);
        else assertInvalidArgument(run, 'length', `tcId ${c.tcId}`);
        n++;
      }
      assert.equal(n, 86);
    });

    test('HKDF: info longer than 1024 bytes (beyond node:crypto hkdfSync) matches @noble/hashes', () => {
      const ikm = Uint8Array.from({ length: 40 }, (_, i) => i);
      const info = Uint8Array.from({ length: 3000 }, (_, i) => i * 7);
      for (const len of [1, 32, 100, 8160]) {
        eq(p.hkdf('sha256', ikm, utf8('salt'), info, len), toHex(nobleHkdf(nobleSha256, ikm, utf8('salt'), info, len))!, `length ${len}`);
      }
    });

    test('PBKDF2-HMAC-SHA256/512: RFC 7914 §11 and the CPython tables on RFC 6070 inputs', (t) => {
      const files: [HashName, ReturnType<typeof vectors.pbkdf2Sha256Cpython>][] = [
        ['sha256', vectors.pbkdf2Sha256Rfc7914()], ['sha256', vectors.pbkdf2Sha256Cpython()], ['sha512', vectors.pbkdf2Sha512Cpython()],
      ];
      let checked = 0;
      let slow = 0;
      for (const [h, file] of files) {
        for (const c of file.vectors) {
          if (c.slow) { slow++; continue; }
          eq(p.pbkdf2(h, hex(c.password), hex(c.salt), c.iterations, c.dkLen), c.dk, `${file.prf} tc${c.tcId}`);
          checked++;
        }
      }
      t.diagnostic(`checked ${checked}, skipped ${slow} marked slow`);
      assert.equal(checked, 12);
    });

    for (const [h, load, count] of [['sha256', wycheproof.pbkdf2Sha256, 60], ['sha512', wycheproof.pbkdf2Sha512, 58]] as const) {
      test(`PBKDF2-HMAC-${h.toUpperCase()}: Wycheproof pbkdf2_hmac${h}_test.json`, () => {
        let n = 0;
        for (const { test: c } of wycheproofTests(load())) {
          assert.equal(c.result, 'valid');
          eq(p.pbkdf2(h, hex(c.password), hex(c.salt), c.iterationCount, c.dkLen), c.dk, `tcId ${c.tcId}`);
          n++;
        }
        assert.equal(n, count);
      });
    }

    test('Ed25519: RFC 8032 §7.1 public keys, signatures, verification', () => {
      const v = vectors.rfc8032().vectors;
      for (const c of v) {
        const seed = hex(c.secretKey);
        const msg = hex(c.message);
        eq(p.ed25519PublicKey(seed), c.publicKey, `${c.name} public key`);
        eq(p.ed25519Sign(seed, msg), c.signature, `${c.name} signature`);
        assert.equal(p.ed25519Verify(hex(c.publicKey), msg, hex(c.signature)), true, `${c.name} verify`);
      }
      assert.equal(v.length, 5);
    });

    test('Ed25519: Wycheproof ed25519_test.json verification (valid → true, invalid → false)', () => {
      let n = 0;
      for (const { group, test: c } of wycheproofTests(wycheproof.ed25519())) {
        assert.equal(p.ed25519Verify(hex(group.publicKey.pk), hex(c.msg), hex(c.sig)), c.result === 'valid', `tcId ${c.tcId} ${c.comment}`);
        n++;
      }
      assert.equal(n, 151);
    });

    test('X25519: RFC 7748 §5.2 function vectors (scalar clamping, masked top bit of u)', () => {
      const v = vectors.rfc7748().functionVectors;
      for (const [i, c] of v.entries()) eq(p.x25519(hex(c.scalar), hex(c.uCoordinate)), c.outputUCoordinate, `vector ${i + 1}`);
      assert.equal(v.length, 2);
    });

    test('X25519: RFC 7748 §5.2 iterations 1 and 1000', (t) => {
      const it = vectors.rfc7748().iteration;
      let k = hex(it.initialKAndU);
      let u = hex(it.initialKAndU);
      let done = 0;
      let checked = 0;
      for (const v of it.vectors) {
        if (v.slow) { t.diagnostic(`skipped ${v.iterations} iterations (marked slow)`); continue; }
        for (; done < v.iterations; done++) {
          const next = p.x25519(k, u);
          assert.ok(next);
          u = k;
          k = next;
        }
        eq(k, v.result, `after ${v.iterations}`);
        checked++;
      }
      assert.equal(checked, 2);
    });

    test('X25519: RFC 7748 §6.1 Diffie-Hellman', () => {
      const d = vectors.rfc7748().diffieHellman;
      eq(p.x25519PublicKey(hex(d.alicePrivate)), d.alicePublic, 'alice public');
      eq(p.x25519PublicKey(hex(d.bobPrivate)), d.bobPublic, 'bob public');
      eq(p.x25519(hex(d.alicePrivate), hex(d.bobPublic)), d.sharedSecret, 'alice shared');
      eq(p.x25519(hex(d.bobPrivate), hex(d.alicePublic)), d.sharedSecret, 'bob shared');
    });

    test('X25519: Wycheproof x25519_test.json (valid and acceptable → shared secret; all-zero → null)', (t) => {
      let shared = 0;
      let zero = 0;
      for (const { test: c } of wycheproofTests(wycheproof.x25519())) {
        assert.notEqual(c.result, 'invalid');
        const out = p.x25519(hex(c.private), hex(c.public));
        if (c.flags.includes('ZeroSharedSecret')) {
          assert.equal(c.shared, '00'.repeat(32));
          assert.equal(out, null, `tcId ${c.tcId}`);
          zero++;
        } else {
          eq(out, c.shared, `tcId ${c.tcId} ${c.comment}`);
          shared++;
        }
      }
      t.diagnostic(`${shared} shared secrets, ${zero} all-zero results rejected`);
      assert.equal(shared + zero, 518);
    });

    test('XChaCha20-Poly1305: draft-irtf-cfrg-xchacha-03 A.3.1', () => {
      const a = vectors.xchachaDraft03().aead;
      const sealed = p.aeadEncrypt('xchacha20poly1305', hex(a.key), hex(a.nonce), hex(a.plaintext), hex(a.aad));
      eq(sealed.ciphertext, a.ciphertext, 'ciphertext');
      eq(sealed.tag, a.tag, 'tag');
      eq(p.aeadDecrypt('xchacha20poly1305', hex(a.key), hex(a.nonce), hex(a.ciphertext), hex(a.tag), hex(a.aad)), a.plaintext, 'plaintext');
    });

    test('XChaCha20-Poly1305: Wycheproof xchacha20_poly1305_test.json (invalid → decryption fails)', (t) => {
      const counts = aeadWycheproof(p, 'xchacha20poly1305', wycheproof.xchacha20poly1305(), 192);
      t.diagnostic(`${counts.valid} valid, ${counts.invalid} invalid rejected, ${counts.badNonce} rejected for nonce size`);
      assert.deepEqual(counts, { valid: 246, invalid: 60, badNonce: 9, skipped: 0 });
    });

    test('AES-256-GCM: McGrew-Viega test cases 13-16', (t) => {
      let n = 0;
      let skipped = 0;
      for (const c of vectors.gcmSpec().vectors) {
        if (c.nonStandardIvLength) { skipped++; continue; }
        const sealed = p.aeadEncrypt('aes256gcm', hex(c.key), hex(c.iv), hex(c.plaintext), hex(c.aad));
        eq(sealed.ciphertext, c.ciphertext, `tc${c.tcId} ciphertext`);
        eq(sealed.tag, c.tag, `tc${c.tcId} tag`);
        eq(p.aeadDecrypt('aes256gcm', hex(c.key), hex(c.iv), hex(c.ciphertext), hex(c.tag), hex(c.aad)), c.plaintext, `tc${c.tcId} plaintext`);
        n++;
      }
      t.diagnostic(`checked ${n}, skipped ${skipped} (cases 17-18 use 8- and 60-byte IVs; the interface takes 12)`);
      assert.equal(n, 4);
    });

    test('AES-256-GCM: Wycheproof aes_gcm_test.json (32-byte keys, 12-byte IVs, 16-byte tags)', (t) => {
      const counts = aeadWycheproof(p, 'aes256gcm', wycheproof.aesGcm(), 96);
      t.diagnostic(`${counts.valid} valid, ${counts.invalid} invalid rejected, ${counts.badNonce} 256-bit-key cases rejected for IV size, ` +
        `${counts.skipped} skipped (128- and 192-bit keys)`);
      assert.deepEqual(counts, { valid: 39, invalid: 27, badNonce: 39, skipped: 211 });
    });

    test('AEAD: decryption into a caller buffer, and a tampered tag, for every cipher', () => {
      const nonces: Record<AeadCipher, number> = { aes256gcm: 12, chacha20poly1305: 12, xchacha20poly1305: 24 };
      for (const [cipher, nonceLength] of Object.entries(nonces) as [AeadCipher, number][]) {
        const key = Uint8Array.from({ length: 32 }, (_, i) => i);
        const nonce = new Uint8Array(nonceLength).fill(9);
        const plaintext = utf8('a secret of some length');
        const ad = utf8('header');
        const { ciphertext, tag } = p.aeadEncrypt(cipher, key, nonce, plaintext, ad);
        const out = new Uint8Array(ciphertext.length);
        assert.equal(p.aeadDecrypt(cipher, key, nonce, ciphertext, tag, ad, out), out, cipher);
        eq(out, toHex(plaintext)!, cipher);
        const bad = Uint8Array.from(tag);
        bad[0]! ^= 1;
        assert.equal(p.aeadDecrypt(cipher, key, nonce, ciphertext, bad, ad), null, `${cipher} tampered tag`);
        assert.equal(p.aeadDecrypt(cipher, key, nonce, ciphertext, tag, utf8('other')), null, `${cipher} other associated data`);
        assertInvalidArgument(() => p.aeadDecrypt(cipher, key, nonce, ciphertext, tag, ad, new Uint8Array(1)), 'out', cipher);
      }
    });

    test('AES key wrap: RFC 3394 §4.3, 4.5, 4.6 (256-bit KEK)', (t) => {
      let n = 0;
      let skipped = 0;
      for (const c of vectors.rfc3394().vectors) {
        if (!c.aes256Kek) { skipped++; continue; }
        eq(p.aesKeyWrap(hex(c.kek), hex(c.keyData)), c.ciphertext, `§${c.section} wrap`);
        eq(p.aesKeyUnwrap(hex(c.kek), hex(c.ciphertext)), c.keyData, `§${c.section} unwrap`);
        n++;
      }
      t.diagnostic(`checked ${n}, skipped ${skipped} with 128- or 192-bit KEKs`);
      assert.equal(n, 3);
    });

    test('AES key wrap: Wycheproof aes_wrap_test.json (32-byte keys)', (t) => {
      let valid = 0;
      let rejected = 0;
      let skipped = 0;
      for (const { group, test: c } of wycheproofTests(wycheproof.aesWrap())) {
        if (group.keySize !== 256) { skipped++; continue; }
        const kek = hex(c.key);
        const msg = hex(c.msg);
        const ct = hex(c.ct);
        if (c.result === 'valid') {
          eq(p.aesKeyWrap(kek, msg), c.ct, `tcId ${c.tcId} wrap`);
          eq(p.aesKeyUnwrap(kek, ct), c.msg, `tcId ${c.tcId} unwrap`);
          valid++;
          continue;
        }
        // Invalid, and the acceptable 8-byte keys that RFC 3394 KW (n >= 2) does not define: unwrapping must fail,
        // as null when the length is well formed and InvalidArgument otherwise; malformed key data cannot be wrapped.
        if (ct.length >= 24 && ct.length % 8 === 0) assert.equal(p.aesKeyUnwrap(kek, ct), null, `tcId ${c.tcId}`);
        else assertInvalidArgument(() => p.aesKeyUnwrap(kek, ct), 'wrapped', `tcId ${c.tcId}`);
        if (msg.length < 16 || msg.length % 8 !== 0) assertInvalidArgument(() => p.aesKeyWrap(kek, msg), 'keyData', `tcId ${c.tcId}`);
        rejected++;
      }
      t.diagnostic(`${valid} valid, ${rejected} invalid or acceptable rejected, ${skipped} skipped (128- and 192-bit KEKs)`);
      assert.deepEqual({ valid, rejected, skipped }, { valid: 13, rejected: 55, skipped: 97 });
    });

    test('secp256k1: noble RFC 6979 vectors, r||s equal and the recovery id recovers the public key', () => {
      const v = vectors.nobleEcdsa().valid;
      for (const [i, c] of v.entries()) {
        const d = hex(c.d);
        const m = hex(c.m);
        const sig = p.secp256k1SignRecoverable(d, m);
        assert.equal(sig.length, 65);
        eq(sig.subarray(0, 64), c.signature, `vector ${i}`);
        const recovered = Uint8Array.of(sig[64]!, ...sig.subarray(0, 64));
        eq(secp256k1.recoverPublicKey(recovered, m, { prehash: false }), toHex(p.secp256k1PublicKey(d, true))!, `vector ${i} recovery`);
      }
      assert.equal(v.length, 2019);
    });

    test('secp256k1: invalid secret keys are refused', () => {
      const v = vectors.nobleEcdsa().invalid.sign;
      for (const c of v) {
        assert.equal(p.secp256k1IsValidSecretKey(hex(c.d)), false, c.description);
        assertInvalidArgument(() => p.secp256k1SignRecoverable(hex(c.d), hex(c.m)), 'secretKey', c.description);
        assertInvalidArgument(() => p.secp256k1PublicKey(hex(c.d), true), 'secretKey', c.description);
      }
      assert.equal(v.length, 4);
      assert.equal(p.secp256k1IsValidSecretKey(hex('00'.repeat(31) + '01')), true);
    });

    test('secp256k1: noble invalid verification cases fail; high S verifies (not strict)', () => {
      const v = vectors.nobleEcdsa().invalid.verify;
      for (const c of v) {
        // Our verify follows ECDSA and Wycheproof and accepts high S; only noble's strict mode rejects this one.
        const expected = c.strict === true;
        assert.equal(p.secp256k1Verify(hex(c.Q), hex(c.m), hex(c.signature)), expected, c.description);
      }
      assert.equal(v.length, 25);
    });

    test('secp256k1: Wycheproof ecdsa_secp256k1_sha256_p1363_test.json over sha256(msg)', () => {
      let n = 0;
      for (const { group, test: c } of wycheproofTests(wycheproof.ecdsaSecp256k1Sha256P1363())) {
        assert.equal(group.sha, 'SHA-256');
        const ok = p.secp256k1Verify(hex(group.publicKey.uncompressed), p.sha2('sha256', hex(c.msg)), hex(c.sig));
        assert.equal(ok, c.result === 'valid', `tcId ${c.tcId} ${c.comment}`);
        n++;
      }
      assert.equal(n, 252);
    });

    test('malformed arguments throw InvalidArgument naming the field', () => {
      const k32 = new Uint8Array(32);
      const empty = new Uint8Array(0);
      assertInvalidArgument(() => p.ed25519Sign(new Uint8Array(31), empty), 'seed');
      assertInvalidArgument(() => p.ed25519Sign(k32, 'text' as never), 'message');
      assertInvalidArgument(() => p.ed25519Verify(new Uint8Array(33), empty, new Uint8Array(64)), 'publicKey');
      assert.equal(p.ed25519Verify(k32, empty, new Uint8Array(63)), false);
      assertInvalidArgument(() => p.x25519(k32, new Uint8Array(31)), 'publicKey');
      assertInvalidArgument(() => p.secp256k1SignRecoverable(hex('00'.repeat(31) + '01'), new Uint8Array(31)), 'digest');
      assertInvalidArgument(() => p.secp256k1Verify(new Uint8Array(64), k32, new Uint8Array(64)), 'publicKey');
      assertInvalidArgument(() => p.secp256k1PublicKey(hex('00'.repeat(31) + '01'), 1 as never), 'compressed');
      assertInvalidArgument(() => p.sha2('sha1' as never, empty), 'hash');
      assertInvalidArgument(() => p.hmac('md5' as never, empty, empty), 'hash');
      assertInvalidArgument(() => p.hkdf('sha256', empty, empty, empty, 0), 'length');
      assertInvalidArgument(() => p.hkdf('sha512', empty, empty, empty, 255 * 64 + 1), 'length');
      assertInvalidArgument(() => p.pbkdf2('sha256', empty, empty, 0, 32), 'iterations');
      assertInvalidArgument(() => p.pbkdf2('sha256', empty, empty, 1.5, 32), 'iterations');
      assertInvalidArgument(() => p.pbkdf2('sha256', empty, empty, 1, 0), 'length');
      assertInvalidArgument(() => p.aeadEncrypt('aes128gcm' as never, k32, new Uint8Array(12), empty, empty), 'cipher');
      assertInvalidArgument(() => p.aeadEncrypt('aes256gcm', new Uint8Array(16), new Uint8Array(12), empty, empty), 'key');
      assertInvalidArgument(() => p.aeadEncrypt('xchacha20poly1305', k32, new Uint8Array(12), empty, empty), 'nonce');
      assertInvalidArgument(() => p.aeadDecrypt('chacha20poly1305', k32, new Uint8Array(12), empty, new Uint8Array(15), empty), 'tag');
      assertInvalidArgument(() => p.aesKeyWrap(new Uint8Array(16), new Uint8Array(16)), 'kek');
      assertInvalidArgument(() => p.aesKeyWrap(k32, new Uint8Array(8)), 'keyData');
      assertInvalidArgument(() => p.aesKeyUnwrap(k32, new Uint8Array(20)), 'wrapped');
      assertInvalidArgument(() => p.randomFill([0, 0] as never), 'out');
    });
  });
}

interface AeadCounts { valid: number; invalid: number; badNonce: number; skipped: number }

/**
 * Runs a Wycheproof AEAD file through the provider: 256-bit keys and 128-bit tags only (others are skipped).
 * Valid: encrypt gives ct and tag, decrypt gives msg. Invalid: decrypt gives null. A nonce of another size is
 * outside the interface and must be refused with InvalidArgument, whatever its Wycheproof result.
 */
function aeadWycheproof(p: CryptoProvider, cipher: AeadCipher, file: WycheproofAead, ivBits: number): AeadCounts {
  const counts: AeadCounts = { valid: 0, invalid: 0, badNonce: 0, skipped: 0 };
  for (const { group, test: c } of wycheproofTests(file)) {
    if (group.keySize !== 256 || group.tagSize !== 128) { counts.skipped++; continue; }
    const [key, iv, aad, msg, ct, tag] = [hex(c.key), hex(c.iv), hex(c.aad), hex(c.msg), hex(c.ct), hex(c.tag)];
    if (group.ivSize !== ivBits) {
      assertInvalidArgument(() => p.aeadDecrypt(cipher, key, iv, ct, tag, aad), 'nonce', `tcId ${c.tcId}`);
      counts.badNonce++;
      continue;
    }
    if (c.result === 'valid') {
      const sealed = p.aeadEncrypt(cipher, key, iv, msg, aad);
      eq(sealed.ciphertext, c.ct, `tcId ${c.tcId} ciphertext`);
      eq(sealed.tag, c.tag, `tcId ${c.tcId} tag`);
      eq(p.aeadDecrypt(cipher, key, iv, ct, tag, aad), c.msg, `tcId ${c.tcId} plaintext`);
      counts.valid++;
    } else {
      assert.equal(p.aeadDecrypt(cipher, key, iv, ct, tag, aad), null, `tcId ${c.tcId} ${c.comment}`);
      counts.invalid++;
    }
  }
  return counts;
}
