import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStrongholdError } from '../../src/errors.js';
import { assertSnapshotKey, passwordKey, v2PasswordKey } from '../../src/snapshot/keys.js';
import { hexOf } from './fixtures.js';

describe('snapshot keys from passwords (spec §3)', () => {
  // Both values are quoted in the format research (shared/spec/snapshot-format.md §3), checked there against the fixtures.
  test('v3: BLAKE2b-256 of the UTF-8 password', () => {
    assert.equal(hexOf(passwordKey('current_password')), '9768bc58dea426a47117ced9dd4715548392bb1b2803009f945f5d6783ca1cb1');
    assert.equal(hexOf(passwordKey(new TextEncoder().encode('current_password'))), '9768bc58dea426a47117ced9dd4715548392bb1b2803009f945f5d6783ca1cb1');
  });

  test('v2: PBKDF2-HMAC-SHA512 with salt "wallet.rs" and 100 rounds; salt and rounds are parameters', () => {
    assert.equal(hexOf(v2PasswordKey('current_password')), '0d0f5b8e549f6f4c666ebfaac1cf6d08f8e5d36e619f09fc7cb5f94f263daacf');
    assert.equal(hexOf(v2PasswordKey('current_password', 'wallet.rs', 100)), hexOf(v2PasswordKey('current_password')));
    assert.notEqual(hexOf(v2PasswordKey('current_password', 'other', 100)), hexOf(v2PasswordKey('current_password')));
  });

  test('bad arguments are InvalidArgument', () => {
    assert.throws(() => passwordKey(42 as never), (e) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'password');
    assert.throws(() => v2PasswordKey('x', 'wallet.rs', 0), (e) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'rounds');
    assert.throws(() => assertSnapshotKey(new Uint8Array(31)), (e) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'key');
  });
});
