import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isStrongholdError } from '../../src/errors.js';
import { ageDecrypt } from '../../src/snapshot/age.js';
import { compress, decompress } from '../../src/snapshot/lz4.js';
import { decryptV2 } from '../../src/snapshot/v2.js';
import { FAST_FIXTURES, fixtureBytes, fixtureKey, hexOf } from './fixtures.js';

const MiB = 1024 * 1024;

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e) => isStrongholdError(e, code as never));
}

describe('lz4 (Stronghold block codec, spec §6)', () => {
  test('the spec example: the start of every single-seed state', () => {
    const plain = Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0);
    assert.equal(hexOf(decompress(Uint8Array.of(0x22, 0x01, 0x00, 0x01, 0x00), MiB)), hexOf(plain));
    // The encoder ends a stream that ends in a match with an empty literal-only sequence.
    assert.equal(hexOf(compress(plain)), '220100010000');
  });

  test('empty input compresses to 00, and both 00 and nothing decompress to nothing', () => {
    assert.equal(hexOf(compress(new Uint8Array(0))), '00');
    assert.equal(decompress(Uint8Array.of(0), MiB).length, 0);
    assert.equal(decompress(new Uint8Array(0), MiB).length, 0);
  });

  test('like Rust, a final token whose literals end the input ignores its match nibble', () => {
    assert.equal(hexOf(decompress(Uint8Array.of(0x1f, 0xaa), MiB)), 'aa');
  });

  test('extended literal and match lengths (15 + 255 + ...)', () => {
    const plain = new Uint8Array(300 + 1000);
    for (let i = 0; i < 300; i++) plain[i] = (i * 7919) & 0xff;
    plain.fill(9, 300);
    assert.equal(hexOf(decompress(compress(plain), MiB)), hexOf(plain));
  });

  for (const f of FAST_FIXTURES) {
    test(`${f.path}: decompress then compress gives the file's compressed bytes`, async () => {
      const file = fixtureBytes(f);
      const key = fixtureKey(f);
      const compressed = f.version === 3 ? (await ageDecrypt(key, file.subarray(7))).plaintext : decryptV2(key, file.subarray(7));
      assert.equal(hexOf(compress(decompress(compressed, 64 * MiB))), hexOf(compressed));
    });
  }

  test('malformed streams are CorruptPayload', () => {
    const cases: [string, number[]][] = [
      ['offset 0', [0x10, 0xaa, 0x00, 0x00]],
      ['offset beyond the output', [0x10, 0xaa, 0x02, 0x00]],
      ['literals past the end', [0x50, 0xaa, 0xbb]],
      ['half an offset', [0x10, 0xaa, 0x01]],
      ['unterminated literal length', [0xf0, 0xff]],
      ['unterminated match length', [0x1f, 0xaa, 0x01, 0x00, 0xff]],
    ];
    for (const [name, bytes] of cases) {
      assert.throws(() => decompress(Uint8Array.from(bytes), MiB), (e) => isStrongholdError(e, 'CorruptPayload') && typeof e.details.reason === 'string', name);
    }
  });

  test('a decompression bomb stops at the cap with DecompressionLimit', () => {
    const bomb = compress(new Uint8Array(10 * MiB));
    assert.ok(bomb.length < 50_000);
    assert.throws(() => decompress(bomb, MiB), (e) => isStrongholdError(e, 'DecompressionLimit') && e.details.limit === MiB);
    expectCode(() => decompress(compress(new Uint8Array(MiB + 1)), MiB), 'DecompressionLimit');
    assert.equal(decompress(compress(new Uint8Array(MiB)), MiB).length, MiB);
  });

  test('property: decompress inverts compress', () => {
    // Small alphabets make matches, overlaps and long runs likely.
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 5000 }).map((a) => Uint8Array.from(a)),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 200 }).map((parts) => Uint8Array.from(parts.flatMap((p) => [...p, ...p]))),
    );
    fc.assert(fc.property(data, (plain) => {
      assert.equal(hexOf(decompress(compress(plain), MiB)), hexOf(plain));
    }), { numRuns: 300 });
  });

  test('property: decompress of arbitrary bytes is bytes or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
      try {
        decompress(junk, 64 * 1024);
      } catch (e) {
        assert.ok(isStrongholdError(e, 'CorruptPayload') || isStrongholdError(e, 'DecompressionLimit'));
      }
    }), { numRuns: 500 });
  });
});
