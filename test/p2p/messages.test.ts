/**
 * The wire format without a network: frames, strict request parsing, responses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/p2p/constants.js';
import { encodeLength, prefixed, readFrames } from '../../src/p2p/frames.js';
import { decodeFrame, encodeFrame, errorFrame, okFrame, parseRequest, parseResponse, requestHeader, requestId, wirePath } from '../../src/p2p/messages.js';

async function frames(chunks: Uint8Array[], max = 1024): Promise<Uint8Array[]> {
  async function* source(): AsyncGenerator<Uint8Array> {
    yield* chunks;
  }
  const out: Uint8Array[] = [];
  for await (const f of readFrames(source(), max)) out.push(Uint8Array.from(f));
  return out;
}

async function rejectsWith(p: Promise<unknown>, code: string, reason?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isStrongholdError(e), String(e));
    assert.equal(e.code, code);
    if (reason !== undefined) assert.equal((e.details as { reason: string }).reason, reason);
    return true;
  });
}

function throwsWith(fn: () => unknown, code: string, field?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isStrongholdError(e), String(e));
    assert.equal(e.code, code);
    if (field !== undefined) assert.equal((e.details as { field: string }).field, field);
    return true;
  });
}

describe('frames', () => {
  test('varint lengths as multiformats unsigned-varint', () => {
    assert.deepEqual([...encodeLength(0)], [0]);
    assert.deepEqual([...encodeLength(127)], [127]);
    assert.deepEqual([...encodeLength(128)], [0x80, 0x01]);
    assert.deepEqual([...encodeLength(300)], [0xac, 0x02]);
  });

  test('frames split across chunks and several frames in one chunk', async () => {
    const a = prefixed(Uint8Array.of(1, 2, 3));
    const b = prefixed(new Uint8Array(200).fill(9));
    const all = new Uint8Array([...a, ...b, ...prefixed(new Uint8Array(0))]);
    const got = await frames([all.subarray(0, 2), all.subarray(2, 5), all.subarray(5, 100), all.subarray(100)]);
    assert.deepEqual(got.map((f) => f.length), [3, 200, 0]);
    assert.deepEqual([...got[0]!], [1, 2, 3]);
  });

  /**
   * Bytes copied by typed-array `set` while `readFrames` reads one frame of `length` bytes sent 1 byte per chunk.
   * The reader copies with `set` (the only bulk copy it has); counting those calls measures its work without a clock.
   */
  async function bytesCopiedForTrickle(length: number): Promise<number> {
    const wire = prefixed(new Uint8Array(length).map((_, i) => i % 251));
    async function* oneByteChunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < wire.length; i++) yield wire.subarray(i, i + 1);
    }
    const typedArray = Object.getPrototypeOf(Uint8Array.prototype) as { set(this: Uint8Array, source: ArrayLike<number>, offset?: number): void };
    const original = typedArray.set;
    let copied = 0;
    typedArray.set = function (this: Uint8Array, source: ArrayLike<number>, offset?: number) {
      copied += source.length;
      return original.call(this, source, offset);
    };
    const got: Uint8Array[] = [];
    try {
      for await (const f of readFrames(oneByteChunks(), length)) got.push(f);
    } finally {
      typedArray.set = original;
    }
    assert.equal(got.length, 1);
    assert.equal(got[0]!.length, length);
    for (let i = 0; i < length; i += 4099) assert.equal(got[0]![i], i % 251);
    return copied;
  }

  test('a frame trickled 1 byte per chunk costs linear work: twice the bytes, at most twice the copying', { timeout: 60_000 }, async () => {
    const n = await bytesCopiedForTrickle(16 * 1024);
    const twice = await bytesCopiedForTrickle(32 * 1024);
    // Joining all received bytes on each chunk copied ~n²/2 bytes: 4x for 2n.
    assert.ok(twice <= 2 * n + 64, `copied ${n} bytes for 16 KiB, ${twice} for 32 KiB`);
    assert.ok(n <= 16 * 1024, `copied ${n} bytes for a 16 KiB frame`);
  });

  // A quarter of the default limit (the largest secret, MAX_SECRET_BYTES): the full 4 MiB costs ~20 s of the suite on
  // 2 cores for the same assertion; the test above shows the work scales linearly with the frame.
  test('a 1 MiB frame (the largest secret) trickled 1 byte per chunk: each byte copied at most once', { timeout: 60_000 }, async () => {
    const max = DEFAULT_MAX_MESSAGE_BYTES / 4;
    const copied = await bytesCopiedForTrickle(max);
    assert.ok(copied <= max, `copied ${copied} bytes for a ${max}-byte frame`);
  });

  test('a frame whole in one chunk is a view of it; a split frame leaves no copy of itself in the chunks', async () => {
    const wire = prefixed(Uint8Array.of(1, 2, 3));
    async function* one(): AsyncGenerator<Uint8Array> {
      yield wire;
    }
    for await (const f of readFrames(one(), 16)) {
      f.fill(0);
      assert.deepEqual([...wire], [3, 0, 0, 0]);
    }
    const split = prefixed(Uint8Array.of(4, 5, 6));
    const pieces = [split.subarray(0, 2), split.subarray(2)];
    async function* two(): AsyncGenerator<Uint8Array> {
      yield* pieces;
    }
    for await (const f of readFrames(two(), 16)) assert.deepEqual([...f], [4, 5, 6]);
    assert.deepEqual([...split], [3, 0, 0, 0]);
  });

  test('oversized, non-minimal, overlong and truncated frames are ProtocolErrors', async () => {
    await rejectsWith(frames([encodeLength(2000)], 1024), 'ProtocolError', 'frame larger than the limit');
    await rejectsWith(frames([Uint8Array.of(0x81, 0x00)]), 'ProtocolError', 'malformed length');
    await rejectsWith(frames([Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01)]), 'ProtocolError', 'malformed length');
    await rejectsWith(frames([Uint8Array.of(5, 1, 2)]), 'ProtocolError', 'truncated frame');
  });
});

describe('requests', () => {
  const header = (h: Record<string, unknown>, blob?: Uint8Array) => decodeFrame(encodeFrame(h, blob));

  test('a request round-trips through requestHeader and parseRequest', () => {
    const loc = Location.generic('keys', 'k');
    const f = header(requestHeader(7, 'writeSecret', { client: 'wallet', location: loc }), Uint8Array.of(1, 2, 3));
    assert.equal(requestId(f.header), 7);
    const req = parseRequest(7, f.header, f.blob);
    assert.equal(req.type, 'writeSecret');
    if (req.type !== 'writeSecret') return;
    assert.equal(req.location.recordKey, loc.recordKey);
    assert.deepEqual([...req.secret], [1, 2, 3]);
  });

  test('binary paths travel as {hex}', () => {
    const path = Uint8Array.of(0xff, 0x00, 0x01);
    assert.deepEqual(wirePath(path), { hex: 'ff0001' });
    const f = header(requestHeader(1, 'vaultExists', { client: 'c', vault: path }));
    const req = parseRequest(1, f.header, f.blob);
    assert.ok(req.type === 'vaultExists' && Buffer.from(req.vault).equals(Buffer.from(path)));
  });

  test('ids must be integers in 0..2^32-1', () => {
    for (const id of [-1, 1.5, 2 ** 32, '1', null, undefined]) assert.equal(requestId({ id }), null);
    assert.equal(requestId({ id: 0 }), 0);
  });

  test('unknown types, unknown fields, stray blobs and bad values are typed errors', () => {
    throwsWith(() => parseRequest(1, { id: 1, type: 'readSecret', client: 'c' }, new Uint8Array(0)), 'ProtocolError');
    throwsWith(() => parseRequest(1, { id: 1, type: 'storeKeys', client: 'c', extra: 1 }, new Uint8Array(0)), 'InvalidArgument', 'extra');
    throwsWith(() => parseRequest(1, { id: 1, type: 'storeKeys', client: 'c' }, Uint8Array.of(1)), 'InvalidArgument', 'blob');
    throwsWith(() => parseRequest(1, { id: 1, type: 'storeKeys', client: '' }, new Uint8Array(0)), 'InvalidArgument', 'client');
    throwsWith(() => parseRequest(1, { id: 1, type: 'storeGet', client: 'c', key: 'ABC' }, new Uint8Array(0)), 'InvalidArgument', 'key');
    throwsWith(() => parseRequest(1, { id: 1, type: 'execute', client: 'c', chain: [{ type: 'Nope' }] }, new Uint8Array(0)), 'UnknownProcedure');
    throwsWith(() => parseRequest(1, { id: 1, type: 'syncExport', client: 'c', records: { xyz: null }, publicKey: '00'.repeat(32) }, new Uint8Array(0)), 'InvalidArgument', 'records');
    throwsWith(() => parseRequest(1, { id: 1, type: 'recordExists', client: 'c', location: { vault: 'v' } }, new Uint8Array(0)), 'InvalidArgument', 'location');
  });

  test('malformed frames are ProtocolErrors', () => {
    throwsWith(() => decodeFrame(Uint8Array.of(0, 0)), 'ProtocolError');
    throwsWith(() => decodeFrame(Uint8Array.of(0, 0, 0, 9, 0x7b)), 'ProtocolError');
    const notJson = new Uint8Array([0, 0, 0, 3, ...new TextEncoder().encode('{{{')]);
    throwsWith(() => decodeFrame(notJson), 'ProtocolError');
    const array = new Uint8Array([0, 0, 0, 2, ...new TextEncoder().encode('[]')]);
    throwsWith(() => decodeFrame(array), 'ProtocolError');
  });
});

describe('responses', () => {
  test('results with blobs, typed errors, and errors without an id', () => {
    const ok = parseResponse(okFrame(3, { found: true }, Uint8Array.of(9)));
    assert.ok(ok.ok && ok.id === 3 && ok.blob[0] === 9);
    const err = parseResponse(errorFrame(4, { code: 'PermissionDenied', message: 'no', details: { operation: 'execute' } }));
    assert.ok(!err.ok && err.error.code === 'PermissionDenied' && err.id === 4);
    const fatal = parseResponse(errorFrame(null, { code: 'ProtocolError', message: 'x', details: { reason: 'r' } }));
    assert.ok(!fatal.ok && fatal.id === null);
    throwsWith(() => parseResponse(encodeFrame({ id: 1, ok: 'yes' })), 'ProtocolError');
    const unknown = parseResponse(encodeFrame({ id: 1, ok: false, error: { code: 'Bogus', message: '', details: {} } }));
    assert.ok(!unknown.ok && unknown.error.code === 'ProtocolError');
  });
});
