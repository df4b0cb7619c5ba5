import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStrongholdError } from '../../src/errors.js';
import { ageDecrypt } from '../../src/snapshot/age.js';
import { decodeState, encodeState } from '../../src/snapshot/bincode.js';
import { decompress } from '../../src/snapshot/lz4.js';
import type { SnapshotState } from '../../src/snapshot/state.js';
import { decryptV2 } from '../../src/snapshot/v2.js';
import { FAST_FIXTURES, fixtureBytes, fixtureKey, hexOf } from './fixtures.js';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

/** Every optional field present, including the ones no fixture has (revoke, expiration, scan fields). */
function fullState(): SnapshotState {
  return {
    clients: [{
      id: bytes(24, 1),
      keystore: [{ vaultId: bytes(24, 2), key: bytes(32, 3) }],
      vaults: [{
        id: bytes(24, 2),
        key: bytes(32, 3),
        records: [
          { id: bytes(24, 4), data: bytes(152, 5), revoke: bytes(152, 6), blob: bytes(104, 7) },
          { id: bytes(24, 8), data: bytes(152, 9), revoke: null, blob: bytes(40, 10) },
        ],
      }],
      store: {
        entries: [
          { key: Uint8Array.of(1, 2), value: Uint8Array.of(3), expiration: { secs: 1_700_000_000n, nanos: 5 } },
          { key: new Uint8Array(0), value: new Uint8Array(0), expiration: null },
        ],
        scanFreq: { secs: 60n, nanos: 0 },
        createdAt: { secs: 1_685_027_241n, nanos: 230_855_000 },
        lastScanAt: { secs: 0xffff_ffff_ffff_ffffn, nanos: 999_999_999 },
      },
    }],
  };
}

function corrupt(state: Uint8Array, reason: RegExp): void {
  assert.throws(() => decodeState(state), (e) => isStrongholdError(e, 'CorruptPayload') && reason.test(e.details.reason));
}

const u64le = (n: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
};

describe('bincode SnapshotState (spec §7)', () => {
  for (const f of FAST_FIXTURES) {
    test(`${f.path}: decode then encode gives the same bytes`, async () => {
      const file = fixtureBytes(f);
      const compressed = f.version === 3 ? (await ageDecrypt(fixtureKey(f), file.subarray(7))).plaintext : decryptV2(fixtureKey(f), file.subarray(7));
      const plain = decompress(compressed, 1 << 24);
      assert.equal(hexOf(encodeState(decodeState(plain))), hexOf(plain));
    });
  }

  test('every optional field round-trips, with the spec §7.3 layout', () => {
    const state = fullState();
    const enc = encodeState(state);
    assert.deepEqual(decodeState(enc), state);
    assert.equal(hexOf(enc.subarray(0, 8)), '0100000000000000');
    assert.equal(hexOf(enc.subarray(64, 72)), '2000000000000000'); // vault key length in the keystore (offset 64, §7.3)
  });

  test('an empty state is a zero count', () => {
    assert.equal(hexOf(encodeState({ clients: [] })), '0000000000000000');
    assert.deepEqual(decodeState(new Uint8Array(8)), { clients: [] });
  });

  test('absurd counts and lengths are refused before allocating', () => {
    corrupt(u64le(1n << 63n), /client count/);
    const enc = encodeState(fullState());
    const recordCount = 8 + 24 + 8 + 64 + 8 + 24 + 40; // offset of the vault's record count
    const big = Uint8Array.from(enc);
    big.set(u64le(0xffff_ffff_ffff_ffffn), recordCount);
    corrupt(big, /record count/);
    const blobLen = recordCount + 8 + 48 + 8 + 152 + 1 + 8 + 152;
    const lenBomb = Uint8Array.from(enc);
    lenBomb.set(u64le(1n << 62n), blobLen);
    corrupt(lenBomb, /sealed blob length/);
  });

  test('structural rules: sizes, map key = record id, option tags, nanoseconds, duplicates, trailing bytes', () => {
    const enc = encodeState(fullState());
    const at = (offset: number, value: number): Uint8Array => {
      const c = Uint8Array.from(enc);
      c[offset] = value;
      return c;
    };
    corrupt(at(8 + 24 + 8 + 24, 31), /keystore key must be 32 bytes/);
    const recordKey = 8 + 24 + 8 + 64 + 8 + 24 + 40 + 8;
    corrupt(at(recordKey, 0xee), /map key differs/);
    corrupt(at(recordKey + 48, 151), /sealed data transaction must be 152 bytes/);
    corrupt(at(recordKey + 48 + 8 + 152, 2), /revoke option tag/);
    const secondBlobLen = recordKey + 48 + 8 + 152 + 1 + 8 + 152 + 8 + 104 + 48 + 8 + 152 + 1;
    corrupt(at(secondBlobLen, 39), /sealed blob must be at least 40 bytes/);
    const tail = enc.length;
    const badNanos = Uint8Array.from(enc);
    new DataView(badNanos.buffer).setUint32(tail - 4, 1_000_000_000, true);
    corrupt(badNanos, /last_scan_at nanoseconds/);
    corrupt(Uint8Array.from([...enc, 0]), /1 trailing bytes/);
    const twice = fullState();
    twice.clients.push(twice.clients[0]!);
    corrupt(encodeState(twice), /duplicate client id/);
  });

  test('every truncation of a valid state is CorruptPayload', () => {
    const enc = encodeState(fullState());
    for (let n = 0; n < enc.length; n++) assert.throws(() => decodeState(enc.subarray(0, n)), (e) => isStrongholdError(e, 'CorruptPayload'), `length ${n}`);
  });

  test('the encoder refuses ids, keys and transactions of the wrong size', () => {
    const s = fullState();
    s.clients[0]!.vaults[0]!.records[0]!.data = bytes(151, 0);
    assert.throws(() => encodeState(s), (e) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'record.data');
    const t = fullState();
    t.clients[0]!.id = bytes(23, 0);
    assert.throws(() => encodeState(t), (e) => isStrongholdError(e, 'InvalidArgument') && e.details.field === 'client.id');
  });
});
