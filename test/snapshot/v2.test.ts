import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStrongholdError } from '../../src/errors.js';
import { passwordKey } from '../../src/snapshot/keys.js';
import { decryptV2, encryptV2 } from '../../src/snapshot/v2.js';

describe('v2 body (ephemeral X25519 + XChaCha20-Poly1305, spec §5)', () => {
  const key = passwordKey('v2 test');

  test('round trip with a random and with a fixed ephemeral secret', () => {
    const plain = Uint8Array.of(1, 2, 3, 4);
    assert.deepEqual(decryptV2(key, encryptV2(key, plain)), plain);
    const ephemeralSecret = new Uint8Array(32).fill(5);
    const a = encryptV2(key, plain, { ephemeralSecret });
    // Re-created from the public side alone, as the fixture test does.
    assert.deepEqual(encryptV2(key, plain, { ephemeralPublicKey: a.subarray(0, 32) }), a);
  });

  test('wrong key or changed ciphertext: WrongPassword; short body: Truncated; low-order E: CorruptHeader', () => {
    const body = encryptV2(key, new Uint8Array(10));
    assert.throws(() => decryptV2(passwordKey('other'), body), (e) => isStrongholdError(e, 'WrongPassword'));
    const changed = Uint8Array.from(body);
    changed[50]! ^= 1;
    assert.throws(() => decryptV2(key, changed), (e) => isStrongholdError(e, 'WrongPassword'));
    assert.throws(() => decryptV2(key, body.subarray(0, 47), 7), (e) => isStrongholdError(e, 'Truncated') && e.details.minimum === 55);
    const lowOrder = Uint8Array.from(body);
    lowOrder.fill(0, 0, 32);
    assert.throws(() => decryptV2(key, lowOrder), (e) => isStrongholdError(e, 'CorruptHeader'));
  });
});
