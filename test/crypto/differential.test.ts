/**
 * Differential test: the native and noble providers must agree on every method for random inputs,
 * including which malformed inputs they refuse (same error code and field), and neither may modify its inputs.
 * 100 runs per method.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nativeProvider } from '../../src/crypto/native.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import { isStrongholdError } from '../../src/errors.js';
import type { AeadCipher, CryptoProvider, HashName } from '../../src/crypto/provider.js';
import { hex, toHex } from '../vectors.js';

const RUNS = { numRuns: 100 };

/** A comparable form of a provider result: bytes as hex, sealed boxes as hex pairs, refusals as code + field. */
function outcome(fn: () => unknown): unknown {
  let value: unknown;
  try {
    value = fn();
  } catch (err) {
    if (isStrongholdError(err)) return { code: err.code, details: err.details };
    throw err;
  }
  if (value instanceof Uint8Array) return toHex(value);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : v]));
  }
  return value;
}

function snapshot(args: readonly unknown[]): unknown[] {
  return args.map((a) => (a instanceof Uint8Array ? toHex(a) : a));
}

/** Runs `call` on both providers with the same generated arguments and compares outcomes and inputs. */
function differential<A extends unknown[]>(name: string, args: fc.Arbitrary<A>, call: (p: CryptoProvider, ...a: A) => unknown): void {
  test(name, () => {
    fc.assert(fc.property(args, (a) => {
      const before = snapshot(a);
      const native = outcome(() => call(nativeProvider, ...a));
      const noble = outcome(() => call(nobleProvider, ...a));
      assert.deepEqual(native, noble);
      assert.deepEqual(snapshot(a), before, 'inputs were modified');
    }), RUNS);
  });
}

const bytes = (max = 300) => fc.uint8Array({ minLength: 0, maxLength: max });
const fixed = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const hashName = fc.constantFrom<HashName>('sha256', 'sha384', 'sha512');
const cipher = fc.constantFrom<AeadCipher>('aes256gcm', 'chacha20poly1305', 'xchacha20poly1305');
/** Mostly the right sizes for some cipher, sometimes none. */
const nonce = fc.oneof(fixed(12), fixed(24), fixed(16));
/** Flips one bit of a copy at a position chosen by `at`, or returns the input when `at` is null. */
const flip = (b: Uint8Array, at: number | null): Uint8Array => {
  if (at === null || b.length === 0) return b;
  const c = Uint8Array.from(b);
  c[at % c.length]! ^= 1 << (at % 8);
  return c;
};
const maybeFlip = fc.option(fc.nat(10_000), { freq: 2 });

// Small-order X25519 u-coordinates and non-canonical encodings of them (libsodium's blacklist).
const LOW_ORDER_U = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map(hex);

// secp256k1 scalars at the edges: 0, 1, n-1, n, 2^256-1.
const SECP_EDGES = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000001',
  'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140',
  'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
  'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
].map(hex);
const secpKey = fc.oneof({ arbitrary: fixed(32), weight: 4 }, { arbitrary: fc.constantFrom(...SECP_EDGES), weight: 1 });
const validSecpKey = fixed(32).filter((k) => nobleProvider.secp256k1IsValidSecretKey(k));

describe('differential: native vs noble', () => {
  test('randomFill: both fill and return the given array', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 70_000 }), (n) => {
      for (const p of [nativeProvider, nobleProvider]) {
        const out = new Uint8Array(n);
        assert.equal(p.randomFill(out), out);
        if (n >= 32) assert.ok(out.some((b) => b !== 0));
      }
    }), { numRuns: 20 });
  });

  differential('sha2', fc.tuple(hashName, bytes(1000)), (p, h, d) => p.sha2(h, d));
  differential('blake2b256', fc.tuple(bytes(1000)), (p, d) => p.blake2b256(d));
  differential('keccak256', fc.tuple(bytes(1000)), (p, d) => p.keccak256(d));
  differential('hmac', fc.tuple(hashName, bytes(200), bytes()), (p, h, k, d) => p.hmac(h, k, d));
  // info up to 1500 bytes crosses node's 1024-byte hkdfSync limit; length 0 and 255*HashLen+1 must both be refused.
  differential('hkdf', fc.tuple(hashName, bytes(100), bytes(100), bytes(1500), fc.integer({ min: 0, max: 255 * 64 + 1 })),
    (p, h, ikm, salt, info, len) => p.hkdf(h, ikm, salt, info, len));
  differential('pbkdf2', fc.tuple(hashName, bytes(100), bytes(100), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 200 })),
    (p, h, pw, salt, c, len) => p.pbkdf2(h, pw, salt, c, len));

  differential('ed25519PublicKey', fc.tuple(fc.oneof(fixed(32), bytes(40))), (p, seed) => p.ed25519PublicKey(seed));
  differential('ed25519Sign', fc.tuple(fixed(32), bytes()), (p, seed, m) => p.ed25519Sign(seed, m));
  differential('ed25519Verify: own signatures, one bit flipped in signature, message or key',
    fc.tuple(fixed(32), bytes(), maybeFlip, fc.constantFrom('sig', 'msg', 'pk')), (p, seed, m, at, where) => {
      const pk = nativeProvider.ed25519PublicKey(seed);
      const sig = nativeProvider.ed25519Sign(seed, m);
      return p.ed25519Verify(where === 'pk' ? flip(pk, at) : pk, where === 'msg' ? flip(m, at) : m, where === 'sig' ? flip(sig, at) : sig);
    });
  differential('ed25519Verify: random keys and signatures', fc.tuple(fixed(32), bytes(64), fc.oneof(fixed(64), bytes(70))),
    (p, pk, m, sig) => p.ed25519Verify(pk, m, sig));

  differential('x25519PublicKey', fc.tuple(fixed(32)), (p, sk) => p.x25519PublicKey(sk));
  differential('x25519: random and small-order public keys', fc.tuple(fixed(32), fc.oneof(fixed(32), fc.constantFrom(...LOW_ORDER_U))),
    (p, sk, pk) => p.x25519(sk, pk));

  differential('secp256k1IsValidSecretKey', fc.tuple(secpKey), (p, sk) => p.secp256k1IsValidSecretKey(sk));
  differential('secp256k1PublicKey', fc.tuple(secpKey, fc.boolean()), (p, sk, c) => p.secp256k1PublicKey(sk, c));
  differential('secp256k1SignRecoverable', fc.tuple(secpKey, fixed(32)), (p, sk, d) => p.secp256k1SignRecoverable(sk, d));
  differential('secp256k1Verify: own signatures, one bit flipped, both key encodings',
    fc.tuple(validSecpKey, fixed(32), fc.boolean(), maybeFlip), (p, sk, d, compressed, at) => {
      const sig = nativeProvider.secp256k1SignRecoverable(sk, d).subarray(0, 64);
      return p.secp256k1Verify(nativeProvider.secp256k1PublicKey(sk, compressed), d, flip(sig, at));
    });

  differential('aeadEncrypt', fc.tuple(cipher, fixed(32), nonce, bytes(), bytes(50)), (p, c, k, n, m, ad) => p.aeadEncrypt(c, k, n, m, ad));
  differential('aeadDecrypt: own ciphertexts, one bit flipped in ciphertext, tag or associated data',
    fc.tuple(cipher, fixed(32), bytes(), bytes(50), maybeFlip, fc.constantFrom('ct', 'tag', 'ad')), (p, c, k, m, ad, at, where) => {
      const n = new Uint8Array(c === 'xchacha20poly1305' ? 24 : 12).fill(7);
      const { ciphertext, tag } = nativeProvider.aeadEncrypt(c, k, n, m, ad);
      return p.aeadDecrypt(c, k, n, where === 'ct' ? flip(ciphertext, at) : ciphertext, where === 'tag' ? flip(tag, at) : tag,
        where === 'ad' ? flip(ad, at) : ad);
    });

  const keyData = fc.integer({ min: 0, max: 33 }).chain((n) => fixed(n * 8));
  differential('aesKeyWrap', fc.tuple(fixed(32), fc.oneof(keyData, bytes(40))), (p, kek, d) => p.aesKeyWrap(kek, d));
  differential('aesKeyUnwrap: own wrappings, one bit flipped', fc.tuple(fixed(32), fc.integer({ min: 2, max: 32 }).chain((n) => fixed(n * 8)), maybeFlip),
    (p, kek, d, at) => p.aesKeyUnwrap(kek, flip(nativeProvider.aesKeyWrap(kek, d), at)));
  differential('aesKeyUnwrap: random input', fc.tuple(fixed(32), bytes(64)), (p, kek, w) => p.aesKeyUnwrap(kek, w));
});
