import assert from 'node:assert/strict';
import { scryptSync as nodeScryptSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { ageScrypt, scryptMaxmem, scryptSync, type ScryptProgress } from '../../src/snapshot/scrypt.js';
import { hex, readVectorFile } from '../vectors.js';
import { hexOf } from './fixtures.js';

interface ScryptVector { tcId: number; password: string; salt: string; N: number; r: number; p: number; dkLen: number; dk: string; slow?: boolean }
const { vectors } = readVectorFile<{ vectors: ScryptVector[] }>('scrypt/rfc7914_sec12_scrypt.json');

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('scrypt (RFC 7914) for age', () => {
  // RFC 7914 §12; the 1 GiB vector 4 is left to node's own tests.
  for (const v of vectors.filter((x) => x.N <= 16384)) {
    test(`RFC 7914 §12 vector ${v.tcId} (N = ${v.N}, r = ${v.r}, p = ${v.p})`, () => {
      assert.equal(hexOf(scryptSync(hex(v.password), hex(v.salt), v.N, v.r, v.p, v.dkLen)), v.dk);
    });
  }

  // The RFC has no N = 1 vector and node refuses N = 1, so the same BlockMix/ROMix code is checked against
  // node's independent implementation at age's r = 8, p = 1 for every small N node accepts.
  test('the pure implementation equals node:crypto at r = 8, p = 1 for N = 2..64', () => {
    const salt = utf8('age-encryption.org/v1/scrypt0123456789abcdef');
    for (const n of [2, 4, 16, 64]) {
      const pass = utf8(`pass-${n}`);
      assert.equal(hexOf(scryptSync(pass, salt, n, 8, 1, 32)), hexOf(nodeScryptSync(pass, salt, 32, { N: n, r: 8, p: 1 })), `N=${n}`);
    }
  });

  test('W = 0 (N = 1, refused by node) runs the pure implementation', async () => {
    assert.throws(() => nodeScryptSync('x', 'y', 32, { N: 1, r: 8, p: 1 }));
    const key = await ageScrypt(utf8('x'), utf8('y'), 0);
    assert.equal(hexOf(key), hexOf(scryptSync(utf8('x'), utf8('y'), 1, 8, 1, 32)));
  });

  test('W >= 1 runs node:crypto with maxmem from N and r, and reports start and done', async () => {
    const events: ScryptProgress[] = [];
    const key = await ageScrypt(utf8('x'), utf8('y'), 10, { onProgress: (p) => events.push(p) });
    assert.equal(hexOf(key), hexOf(nodeScryptSync('x', 'y', 32, { N: 1024, r: 8, p: 1 })));
    assert.equal(events[0]?.phase, 'start');
    assert.equal(events.at(-1)?.phase, 'done');
    assert.ok(events.every((e) => e.workFactor === 10 && e.elapsedMs >= 0));
    // node needs 128·r·(N + p + 2) bytes; W = 19 must fit, and node's 32 MiB default would not.
    assert.ok(scryptMaxmem(19) >= 128 * 8 * (2 ** 19 + 3));
    assert.ok(scryptMaxmem(19) > 32 * 1024 * 1024);
  });
});
