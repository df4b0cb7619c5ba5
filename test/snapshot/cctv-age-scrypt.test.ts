/**
 * The 26 C2SP CCTV age vectors that involve scrypt (shared/vectors/cctv_age), run through our age reader with
 * age's default work-factor limit of 22. Three outcomes differ from age on purpose, each explained in OVERRIDES.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { isStrongholdError, type StrongholdError } from '../../src/errors.js';
import { ageDecrypt } from '../../src/snapshot/age.js';
import { PAYLOAD_NONCE_BYTES } from '../../src/snapshot/age-stream.js';
import { readVectorFile } from '../vectors.js';

interface CctvVector {
  name: string;
  expect: 'success' | 'no match' | 'HMAC failure' | 'header failure' | 'payload failure' | 'armor failure';
  payloadSha256: string | null;
  passphrases: string[];
  armored: boolean;
  ageFileBase64: string;
}

const { vectors } = readVectorFile<{ vectors: CctvVector[] }>('cctv_age/age_scrypt_vectors.json');
/** age's default `maxWorkFactor` (FiloSottile/age scrypt.go). */
const AGE_MAX_WORK_FACTOR = 22;

/** The error codes that stand for each CCTV outcome. */
const CODES: Record<CctvVector['expect'], string[]> = {
  success: [],
  'no match': ['WrongPassword'],
  'HMAC failure': ['CorruptHeader'],
  'header failure': ['CorruptHeader', 'WorkFactorTooHigh'],
  'payload failure': ['CorruptPayload', 'Truncated'],
  'armor failure': ['CorruptHeader'],
};

/** Where Stronghold's format rules (spec §4.3) give another outcome than age. */
const OVERRIDES: Record<string, { expect: CctvVector['expect']; why: string }> = {
  armor_scrypt: { expect: 'header failure', why: 'Stronghold bodies are binary; ASCII armor is not part of the snapshot format' },
  scrypt_uppercase: {
    expect: 'header failure',
    why: 'age skips an unknown "Scrypt" stanza and then finds no identity (no match); we accept exactly one "scrypt" stanza, so any other stanza is a malformed header',
  },
  scrypt_work_factor_zero: {
    expect: 'no match',
    why: 'Stronghold accepts W = 0 (the IOTA SDK fixtures use it), so the header parses, scrypt runs with N = 1 and the unwrap fails as for a wrong passphrase',
  },
};

describe('C2SP CCTV age scrypt vectors', () => {
  test('all 26 vectors are present', () => assert.equal(vectors.length, 26));

  for (const v of vectors) {
    const override = OVERRIDES[v.name];
    const expect = override?.expect ?? v.expect;
    test(`${v.name}: ${expect}${override ? ` (age: ${v.expect}; ${override.why})` : ''}`, async () => {
      const file = new Uint8Array(Buffer.from(v.ageFileBase64, 'base64'));
      for (const passphrase of v.passphrases) {
        const pass = new TextEncoder().encode(passphrase);
        let result;
        try {
          result = await ageDecrypt(pass, file, { maxWorkFactor: AGE_MAX_WORK_FACTOR, keepSession: true });
        } catch (e) {
          assert.ok(isStrongholdError(e), `untyped error ${String(e)}`);
          assert.ok(CODES[expect].includes((e as StrongholdError).code), `${v.name}: got ${(e as StrongholdError).code}, expected ${expect}`);
          continue;
        }
        assert.equal(expect, 'success', `${v.name} decrypted but age expects ${expect}`);
        assert.equal(createHash('sha256').update(result.plaintext).digest('hex'), v.payloadSha256);
        // Round trip through the session: same header, the file's payload nonce, same bytes (age's FuzzMalleability idea).
        const session = result.session!;
        const nonce = file.subarray(session.header.length, session.header.length + PAYLOAD_NONCE_BYTES);
        assert.deepEqual(session.encrypt(result.plaintext, nonce), file);
        session.destroy();
      }
    });
  }
});
