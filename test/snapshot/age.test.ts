import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStrongholdError } from '../../src/errors.js';
import { ageDecrypt, ageEncrypt, createAgeSession, MIN_HEADER_BYTES, parseHeader } from '../../src/snapshot/age.js';
import { CHUNK_BYTES, payloadLength, payloadPlaintextLength } from '../../src/snapshot/age-stream.js';

const K64 = CHUNK_BYTES;
const pass = new Uint8Array(32).fill(7);
const fixed = { salt: new Uint8Array(16).fill(1), fileKey: new Uint8Array(16).fill(2), payloadNonce: new Uint8Array(16).fill(3) };
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

async function rejects(p: Promise<unknown>, code: string, check?: (details: Record<string, unknown>) => boolean): Promise<void> {
  await assert.rejects(p, (e) => isStrongholdError(e, code as never) && (!check || check(e.details as Record<string, unknown>)));
}

describe('age v1 with one scrypt stanza', () => {
  // Rust `test_payload_len` in iota-crypto src/keys/age.rs.
  test('payload length rules equal Rust dec_payload_len', () => {
    for (const len of [0, 1, K64 - 16, K64 - 1, K64, K64 + 1, K64 + 16, 2 * K64 - 16, 2 * K64 - 1, 2 * K64, 2 * K64 + 1, 2 * K64 + 16]) {
      assert.equal(payloadPlaintextLength(payloadLength(len)), len, `len ${len}`);
    }
    for (const bad of [0, 15, 16, 31, 16 + K64 + 16 + 1, 16 + K64 + 16 + 16, 16 + 2 * (K64 + 16) + 1, 16 + 2 * (K64 + 16) + 16]) {
      assert.equal(payloadPlaintextLength(bad), -1, `bad ${bad}`);
    }
    assert.equal(payloadPlaintextLength(32), 0);
    assert.equal(payloadPlaintextLength(16 + K64 + 16 + 17), K64 + 1);
  });

  test('header layout: 149 bytes with a one-digit work factor, 150 with two', async () => {
    const one = await ageEncrypt(pass, new Uint8Array(0), { workFactor: 1, random: fixed });
    assert.equal(parseHeader(one).length, MIN_HEADER_BYTES);
    assert.match(latin1(one.subarray(0, 149)), /^age-encryption\.org\/v1\n-> scrypt [A-Za-z0-9+/]{22} 1\n[A-Za-z0-9+/]{43}\n--- [A-Za-z0-9+/]{43}\n$/);
    const two = await ageEncrypt(pass, new Uint8Array(0), { workFactor: 10, random: fixed });
    assert.equal(parseHeader(two).length, MIN_HEADER_BYTES + 1);
    assert.equal(latin1(two.subarray(54, 58)), ' 10\n');
  });

  test('round trip at chunk boundaries (0, 1, 64 KiB ± 1, 128 KiB + 16)', async () => {
    const session = await createAgeSession(pass, { workFactor: 0 });
    for (const n of [0, 1, K64 - 1, K64, K64 + 1, 2 * K64 + 16]) {
      const plain = new Uint8Array(n).map((_, i) => i * 31);
      const file = session.encrypt(plain);
      assert.equal(file.length, session.header.length + payloadLength(n));
      const { plaintext, workFactor } = await ageDecrypt(pass, file);
      assert.equal(workFactor, 0);
      assert.deepEqual(plaintext, plain, `n = ${n}`);
    }
    session.destroy();
  });

  test('a session reuses the header with a fresh payload nonce, and is bound to its passphrase', async () => {
    const first = await ageEncrypt(pass, Uint8Array.of(1, 2, 3), { workFactor: 2 });
    const { session } = await ageDecrypt(pass, first, { keepSession: true });
    assert.ok(session);
    const second = session.encrypt(Uint8Array.of(4, 5, 6, 7));
    const h = session.header.length;
    assert.deepEqual(second.subarray(0, h), first.subarray(0, h));
    assert.notDeepEqual(second.subarray(h, h + 16), first.subarray(h, h + 16));
    assert.deepEqual((await ageDecrypt(pass, second)).plaintext, Uint8Array.of(4, 5, 6, 7));
    assert.ok(session.matches(pass));
    assert.ok(!session.matches(new Uint8Array(32)));
    assert.equal(JSON.stringify(session), '"[AgeSession: hidden]"');
    session.destroy();
    assert.throws(() => session.encrypt(new Uint8Array(1)), (e) => isStrongholdError(e, 'Locked'));
  });

  test('injected randomness gives identical bytes; different passphrases give WrongPassword', async () => {
    const a = await ageEncrypt(pass, Uint8Array.of(9), { workFactor: 0, random: fixed });
    const b = await ageEncrypt(pass, Uint8Array.of(9), { workFactor: 0, random: fixed });
    assert.deepEqual(a, b);
    await rejects(ageDecrypt(new Uint8Array(32), a), 'WrongPassword');
  });

  test('strict header: leading zero, W above 63, and the caller limit', async () => {
    const file = await ageEncrypt(pass, Uint8Array.of(9), { workFactor: 5, random: fixed });
    const text = latin1(file);
    const withWf = (wf: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/ 5\n/, ` ${wf}\n`), 'latin1'));
    await rejects(ageDecrypt(pass, withWf('05')), 'CorruptHeader');
    await rejects(ageDecrypt(pass, withWf('64')), 'CorruptHeader');
    await rejects(ageDecrypt(pass, withWf('99')), 'CorruptHeader');
    await rejects(ageDecrypt(pass, withWf('24')), 'WorkFactorTooHigh', (d) => d.workFactor === 24 && d.maxWorkFactor === 23);
    await rejects(ageDecrypt(pass, file, { maxWorkFactor: 4 }), 'WorkFactorTooHigh', (d) => d.workFactor === 5 && d.maxWorkFactor === 4);
  });

  test('a changed header MAC is CorruptHeader, a changed chunk CorruptPayload, a bad length CorruptPayload, a short file Truncated', async () => {
    const file = await ageEncrypt(pass, new Uint8Array(100), { workFactor: 0, random: fixed });
    const h = parseHeader(file).length;
    const flip = (i: number): Uint8Array => {
      const c = Uint8Array.from(file);
      c[i]! ^= 1;
      return c;
    };
    // Another base64 digit in the middle of the MAC: still canonical, so only the MAC check can object.
    const macFlip = Uint8Array.from(file);
    macFlip[h - 20] = macFlip[h - 20] === 0x41 ? 0x42 : 0x41;
    await rejects(ageDecrypt(pass, macFlip), 'CorruptHeader', (d) => d.reason === 'header MAC');
    await rejects(ageDecrypt(pass, flip(h + 16 + 5)), 'CorruptPayload', (d) => d.reason === 'payload chunk 0 authentication');
    await rejects(ageDecrypt(pass, flip(h + 2)), 'CorruptPayload');
    const extended = new Uint8Array(file.length + 65536 + 16);
    extended.set(file);
    await rejects(ageDecrypt(pass, extended), 'CorruptPayload');
    await rejects(ageDecrypt(pass, Uint8Array.from([...file.subarray(0, h), ...new Uint8Array(16 + 16 + 16 * 4096 + 1)])), 'CorruptPayload', (d) => d.reason === 'payload length');
    await rejects(ageDecrypt(pass, file.subarray(0, h + 31)), 'Truncated', (d) => d.minimum === h + 32);
    await rejects(ageDecrypt(pass, file.subarray(0, 100)), 'Truncated');
    await rejects(ageDecrypt(pass, file.subarray(0, 148), { reportOffset: 7 }), 'Truncated', (d) => d.length === 155 && d.minimum === 156);
  });
});
