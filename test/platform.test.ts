/**
 * The browser build's replacements of the modules below the crypto provider (src/platform/crypto.browser.ts,
 * src/memory/sodium.browser.ts) give the same bytes as the Node ones on random inputs, and fail where they fail.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import * as node from '../src/platform/crypto.js';
import * as browser from '../src/platform/crypto.browser.js';
import { sodium as native } from '../src/memory/sodium.js';
import { sodium as noble } from '../src/memory/sodium.browser.js';

const sameShape: typeof node = browser;
const rnd = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));

describe('platform/crypto: node:crypto and @noble/hashes agree', () => {
  test('hmac, hkdf, pbkdf2 (sha256, sha512) on random inputs', () => {
    for (let i = 0; i < 20; i++) {
      for (const h of ['sha256', 'sha512'] as const) {
        const [k, d, s] = [rnd(i * 7), rnd(i * 13), rnd(i)];
        assert.deepEqual(sameShape.hmac(h, k, d), node.hmac(h, k, d));
        assert.deepEqual(browser.hkdf(h, k, s, d, 42), node.hkdf(h, k, s, d, 42));
        assert.deepEqual(browser.pbkdf2(h, k, s, 1 + i, 32 + i), node.pbkdf2(h, k, s, 1 + i, 32 + i));
      }
    }
  });

  test('scrypt (N = 16, 1024) and equalBytes', async () => {
    for (const N of [16, 1024]) {
      const [p, s] = [rnd(10), rnd(16)];
      const params = { N, r: 8, p: 1, dkLen: 32, maxmem: 64 * 1024 * 1024 };
      const fractions: number[] = [];
      assert.deepEqual(await browser.scrypt(p, s, { ...params, onProgress: (f) => fractions.push(f) }), await node.scrypt(p, s, params));
      assert.equal(fractions.at(-1), 1);
    }
    const a = rnd(32);
    for (const impl of [node, browser]) {
      assert.equal(impl.equalBytes(a, Uint8Array.from(a)), true);
      assert.equal(impl.equalBytes(a, a.subarray(1)), false);
      const b = Uint8Array.from(a);
      b[31]! ^= 1;
      assert.equal(impl.equalBytes(a, b), false);
    }
  });
});

describe('memory/sodium: sodium-native and the noble replacement agree on the calls below the provider', () => {
  test('generichash (keyed and not), scalarmult, scalarmult_base', () => {
    for (const [impl, other] of [[native, noble], [noble, native]] as const) {
      const input = rnd(100);
      const key = rnd(32);
      const [a, b] = [new Uint8Array(32), new Uint8Array(32)];
      impl.crypto_generichash(a, input, key);
      other.crypto_generichash(b, input, key);
      assert.deepEqual(a, b);
      impl.crypto_generichash(a, input);
      other.crypto_generichash(b, input);
      assert.deepEqual(a, b);
      const [sk, pkA, pkB, sharedA, sharedB] = [rnd(32), new Uint8Array(32), new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)];
      impl.crypto_scalarmult_base(pkA, sk);
      other.crypto_scalarmult_base(pkB, sk);
      assert.deepEqual(pkA, pkB);
      const peer = rnd(32);
      impl.crypto_scalarmult(sharedA, peer, pkA);
      other.crypto_scalarmult(sharedB, peer, pkA);
      assert.deepEqual(sharedA, sharedB);
    }
  });

  test('detached chacha20poly1305 and xchacha20poly1305: sealed by one, opened by the other; a flipped tag throws', () => {
    for (const [name, nonceBytes] of [['chacha20poly1305', 12], ['xchacha20poly1305', 24]] as const) {
      const enc = `crypto_aead_${name}_ietf_encrypt_detached` as const;
      const dec = `crypto_aead_${name}_ietf_decrypt_detached` as const;
      for (const [impl, other] of [[native, noble], [noble, native]] as const) {
        const [k, n, m, ad] = [rnd(32), rnd(nonceBytes), rnd(77), rnd(9)];
        const [c, mac] = [new Uint8Array(77), new Uint8Array(16)];
        impl[enc](c, mac, m, ad, null, n, k);
        const out = new Uint8Array(77);
        other[dec](out, null, c, mac, ad, n, k);
        assert.deepEqual(out, m);
        mac[0]! ^= 1;
        assert.throws(() => other[dec](new Uint8Array(77), null, c, mac, ad, n, k));
      }
    }
  });

  test('the noble replacement zeroes and compares as sodium does', () => {
    const a = rnd(40);
    assert.equal(noble.sodium_memcmp(a, Uint8Array.from(a)), true);
    noble.sodium_memzero(a);
    assert.equal(noble.sodium_is_zero(a), true);
    const r = new Uint8Array(70_000);
    noble.randombytes_buf(r);
    assert.equal(noble.sodium_is_zero(r.subarray(66_000)), false);
  });
});
