/**
 * The fuzz harness judges outcomes as documented: typed errors and valid results pass; an untyped exception, an
 * invalid result or an input that never finishes fails, is shrunk, and is saved for replay.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { invalidArgument } from '../../src/errors.js';
import { corpusOf, fuzz, FuzzFailure, judge, type FuzzTarget } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'stronghold-fuzz-harness-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A parser with planted bugs: byte 0xff throws a TypeError, 0xfe returns a wrong result, 0xfd never finishes. */
const planted: FuzzTarget<Uint8Array> = {
  name: 'planted',
  timeBoundMs: 200,
  extension: 'bin',
  encode: (b) => b,
  decode: (b) => b,
  unavailable: async () => null,
  arbitrary: async () => fc.uint8Array({ minLength: 0, maxLength: 32 }),
  async run(input) {
    if (input.includes(0xff)) throw new TypeError('planted');
    if (input.includes(0xfe)) throw new FuzzFailure('planted wrong result');
    if (input.includes(0xfd)) return new Promise<void>(() => {});
    if (input.length > 16) throw invalidArgument('input', 'at most 16 bytes');
    return input.length === 0 ? 'empty' : undefined;
  },
};

describe('fuzz harness', () => {
  test('judge: typed error and valid results pass; untyped, invalid and hanging inputs fail', async () => {
    assert.deepEqual(await judge(planted, new Uint8Array(3)), { ok: true, outcome: 'valid' });
    assert.deepEqual(await judge(planted, new Uint8Array(0)), { ok: true, outcome: 'empty' });
    assert.deepEqual(await judge(planted, new Uint8Array(20)), { ok: true, outcome: 'InvalidArgument' });
    const untyped = await judge(planted, Uint8Array.of(1, 0xff));
    assert.equal(untyped.ok ? null : untyped.kind, 'untyped');
    const invalid = await judge(planted, Uint8Array.of(0xfe));
    assert.equal(invalid.ok ? null : invalid.kind, 'invalid');
    const hang = await judge(planted, Uint8Array.of(0xfd));
    assert.equal(hang.ok ? null : hang.kind, 'hang');
  });

  test('fuzz: a failure is shrunk to a one-byte input and saved for replay', async () => {
    const r = await fuzz(planted, { runs: 2000, seed: 1, corpusDir: dir });
    assert.ok(r.failure, 'the planted bugs are found');
    const input = r.failure.input as Uint8Array;
    assert.equal(input.length, 1, `shrunk to one byte, got ${input.length}`);
    assert.ok([0xfd, 0xfe, 0xff].includes(input[0]!));
    assert.equal(readdirSync(join(dir, 'planted')).length, 1);
    const saved = corpusOf(planted, dir);
    assert.deepEqual(saved.map((s) => [...s.input]), [[input[0]]]);
  });
});
