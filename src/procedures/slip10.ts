/**
 * SLIP-0010 key derivation (https://github.com/satoshilabs/slips/blob/master/slip-0010.md) for Ed25519
 * (hardened only) and secp256k1 (BIP-32 compatible), on top of the provider's HMAC-SHA512 and secp256k1.
 *
 * Keys are 64 bytes `sk(32) || chain code(32)`: exactly what Slip10Derive stores (Rust, since #475).
 * The secp256k1 scalar addition is done on bytes, not bigints, so every intermediate can be wiped.
 * @module
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { secretBytes, wipe } from '../memory/guarded.js';

export type Slip10Curve = 'ed25519' | 'secp256k1';

/** SLIP-10 master key HMAC keys ("curve name" in the spec). */
const CURVE_KEY: Record<Slip10Curve, Uint8Array> = {
  ed25519: new TextEncoder().encode('ed25519 seed'),
  secp256k1: new TextEncoder().encode('Bitcoin seed'),
};

/** The secp256k1 group order n, big-endian. */
const N = hexToBytes('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

/** a >= n, for a 32-byte big-endian a. Only ever false in practice (probability ~2^-127). */
function geN(a: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== N[i]) return a[i]! > N[i]!;
  return true;
}

function isZero(a: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < 32; i++) acc |= a[i]!;
  return acc === 0;
}

/** out = (a + b) mod n for a, b < n, without branching on the secret sum. */
function addModN(a: Uint8Array, b: Uint8Array, out: Uint8Array): void {
  const sum = secretBytes(32);
  const diff = secretBytes(32);
  let carry = 0;
  for (let i = 31; i >= 0; i--) {
    const s = a[i]! + b[i]! + carry;
    sum[i] = s & 0xff;
    carry = s >> 8;
  }
  let borrow = 0;
  for (let i = 31; i >= 0; i--) {
    const d = sum[i]! - N[i]! - borrow;
    diff[i] = d & 0xff;
    borrow = d < 0 ? 1 : 0;
  }
  // sum >= n exactly when the addition carried or the subtraction did not borrow.
  const mask = -(carry | (borrow ^ 1)) & 0xff;
  for (let i = 0; i < 32; i++) out[i] = (diff[i]! & mask) | (sum[i]! & ~mask);
  wipe(sum, diff);
}

/** SLIP-10 master key: I = HMAC-SHA512(curve key, seed); secp256k1 retries with I while IL is invalid. */
export function masterKey(provider: CryptoProvider, curve: Slip10Curve, seed: Uint8Array): Uint8Array {
  let i = provider.hmac('sha512', CURVE_KEY[curve], seed);
  while (curve === 'secp256k1' && (isZero(i) || geN(i))) {
    const next = provider.hmac('sha512', CURVE_KEY[curve], i);
    wipe(i);
    i = next;
  }
  return i;
}

/** One child step; `key` is sk || cc (64 bytes) and is not modified. Ed25519 requires a hardened index. */
export function deriveChild(provider: CryptoProvider, curve: Slip10Curve, key: Uint8Array, index: number): Uint8Array {
  const sk = key.subarray(0, 32);
  const cc = key.subarray(32, 64);
  const hardened = index >= 0x8000_0000;
  const data = secretBytes(37);
  if (hardened) data.set(sk, 1);
  else data.set(provider.secp256k1PublicKey(sk, true), 0);
  new DataView(data.buffer).setUint32(33, index);
  try {
    if (curve === 'ed25519') return provider.hmac('sha512', cc, data);
    for (;;) {
      const i = provider.hmac('sha512', cc, data);
      const il = i.subarray(0, 32);
      if (!geN(il)) {
        const child = secretBytes(64);
        addModN(il, sk, child.subarray(0, 32));
        child.set(i.subarray(32), 32);
        if (!isZero(child.subarray(0, 32))) {
          wipe(i);
          return child;
        }
        wipe(child);
      }
      // SLIP-10: an invalid child key retries with data = 0x01 || IR || ser32(i).
      data[0] = 1;
      data.set(i.subarray(32), 1);
      wipe(i);
    }
  } finally {
    wipe(data);
  }
}

/** Derives along `chain` from an extended key (64 bytes); returns a fresh 64-byte key. */
export function derivePath(provider: CryptoProvider, curve: Slip10Curve, key: Uint8Array, chain: readonly number[]): Uint8Array {
  // Off the V8 heap: a young on-heap copy would be moved by the garbage collector before the wipe, leaving the
  // master key behind in memory nobody can reach to clear.
  let current = secretBytes(key.length);
  current.set(key);
  for (const index of chain) {
    const next = deriveChild(provider, curve, current, index);
    wipe(current);
    current = next;
  }
  return current;
}
