import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isStrongholdError, type StrongholdError } from '../../src/errors.js';
import { ageEncrypt, parseHeader } from '../../src/snapshot/age.js';
import { PAYLOAD_NONCE_BYTES } from '../../src/snapshot/age-stream.js';
import { createSnapshotSession, decompressionCap, inspectHeader, readSnapshot, type SnapshotProgress, type SnapshotRead, writeSnapshot } from '../../src/snapshot/codec.js';
import { compress } from '../../src/snapshot/lz4.js';
import { encodeState } from '../../src/snapshot/bincode.js';
import { passwordKey } from '../../src/snapshot/keys.js';
import type { SnapshotState } from '../../src/snapshot/state.js';
import { encryptV2 } from '../../src/snapshot/v2.js';
import { FIXTURES, fixtureBytes, fixtureKey, hexOf, SECRET_VAULT, SEED_CLIENT, SEED_RECORD } from './fixtures.js';

const MiB = 1024 * 1024;
const byPath = (p: string) => FIXTURES.find((f) => f.path === p)!;
const W0 = byPath('no_secret_manager_data.stronghold');
const V2 = byPath('v2.stronghold');
const W19 = byPath('already_v3.stronghold');

async function rejects(p: Promise<unknown>, code: string, check?: (details: Record<string, unknown>) => boolean): Promise<void> {
  await assert.rejects(p, (e) => isStrongholdError(e, code as never) && (!check || check(e.details as Record<string, unknown>)));
}

/** A v3 file around arbitrary compressed bytes (a valid age layer, W = 0). */
async function v3File(key: Uint8Array, compressed: Uint8Array): Promise<Uint8Array> {
  const age = await ageEncrypt(key, compressed, { workFactor: 0 });
  return Uint8Array.from([0x50, 0x41, 0x52, 0x54, 0x49, 3, 0, ...age]);
}

function checkContent(f: (typeof FIXTURES)[number], r: SnapshotRead): void {
  assert.equal(r.version, f.version);
  assert.equal(r.workFactor, f.workFactor);
  const clients = Object.fromEntries(r.state.clients.map((c) => [hexOf(c.id), c]));
  assert.deepEqual(Object.keys(clients).sort(), Object.keys(f.stores).sort());
  for (const [id, entries] of Object.entries(f.stores)) assert.equal(clients[id]!.store.entries.length, entries, `store of ${id}`);
  const seed = clients[SEED_CLIENT]!;
  assert.deepEqual(seed.keystore.map((k) => hexOf(k.vaultId)), [SECRET_VAULT]);
  assert.deepEqual(seed.vaults.map((v) => hexOf(v.id)), [SECRET_VAULT]);
  const vault = seed.vaults[0]!;
  assert.equal(hexOf(vault.key), hexOf(seed.keystore[0]!.key));
  assert.deepEqual(vault.records.map((rec) => hexOf(rec.id)), [SEED_RECORD]);
  const record = vault.records[0]!;
  assert.equal(record.revoke, null);
  assert.equal(record.blob.length, 40 + 64, 'sealed 64-byte BIP39 seed');
  for (const c of r.state.clients) if (hexOf(c.id) !== SEED_CLIENT) assert.equal(c.vaults.length, 0);
}

describe('snapshot codec: the IOTA SDK fixtures', () => {
  for (const f of FIXTURES) {
    test(`${f.path}: opens, has the README's content, and re-encodes to the same bytes`, async () => {
      const file = fixtureBytes(f);
      assert.equal(file.length, f.size);
      assert.deepEqual(inspectHeader(file), f.version === 3 ? { version: 3, workFactor: f.workFactor } : { version: 2 });
      const key = fixtureKey(f);
      const progress: SnapshotProgress[] = [];
      const r = await readSnapshot(file, key, { keepSession: true, onProgress: (p) => progress.push(p) });
      checkContent(f, r);
      if (f.version === 2) {
        // The ephemeral secret is gone, but X25519(K, E) equals the writer's X25519(e, P).
        const body = encryptV2(key, compress(encodeState(r.state)), { ephemeralPublicKey: file.subarray(7, 39) });
        assert.equal(hexOf(Uint8Array.from([...file.subarray(0, 7), ...body])), hexOf(file));
        return;
      }
      assert.equal(progress[0]?.phase, 'start');
      assert.equal(progress.at(-1)?.phase, 'done');
      const session = r.session!;
      const h = session.header.length;
      const payloadNonce = file.subarray(7 + h, 7 + h + PAYLOAD_NONCE_BYTES);
      // Through the session: same header, the file's payload nonce, no scrypt.
      assert.equal(hexOf(await writeSnapshot(r.state, key, { session, random: { payloadNonce } })), hexOf(file));
      if (f.workFactor === 0) {
        // Through a new header: salt, file key and payload nonce recovered from the file (scrypt at N = 1).
        const salt = parseHeader(file.subarray(7)).salt;
        const fileKey = session.useFileKey((k) => Uint8Array.from(k));
        assert.equal(hexOf(await writeSnapshot(r.state, key, { workFactor: 0, random: { salt, fileKey, payloadNonce } })), hexOf(file));
      }
      session.destroy();
    });
  }
});

describe('snapshot codec: writing', () => {
  test('a written file opens again with the same state; saves through a session skip scrypt', async () => {
    const key = fixtureKey(W0);
    const { state } = await readSnapshot(fixtureBytes(W0), key);
    const session = await createSnapshotSession(key, { workFactor: 1 });
    const first = await writeSnapshot(state, key, { session });
    const second = await writeSnapshot(state, key, { session });
    assert.notEqual(hexOf(first), hexOf(second)); // fresh payload nonce each time
    for (const file of [first, second]) {
      const r = await readSnapshot(file, key);
      assert.equal(r.workFactor, 1);
      assert.deepEqual(r.state, state);
    }
    let scryptRuns = 0;
    await writeSnapshot(state, key, { session, onProgress: () => scryptRuns++ });
    assert.equal(scryptRuns, 0);
    await writeSnapshot(state, key, { workFactor: 0, onProgress: () => scryptRuns++ });
    assert.equal(scryptRuns, 2);
    session.destroy();
  });

  test('a session refuses another key or work factor, and a destroyed session is Locked', async () => {
    const key = fixtureKey(W0);
    const state: SnapshotState = { clients: [] };
    const session = await createSnapshotSession(key, { workFactor: 0 });
    await rejects(writeSnapshot(state, passwordKey('other'), { session }), 'InvalidArgument', (d) => d.field === 'session');
    await rejects(writeSnapshot(state, key, { session, workFactor: 3 }), 'InvalidArgument', (d) => d.field === 'workFactor');
    session.destroy();
    await rejects(writeSnapshot(state, key, { session }), 'Locked');
  });

  test('v2 files migrate: read with the PBKDF2 key, write v3 under a new password', async () => {
    const { state } = await readSnapshot(fixtureBytes(V2), fixtureKey(V2));
    const newKey = passwordKey('new_password');
    const v3 = await writeSnapshot(state, newKey, { workFactor: 0 });
    const r = await readSnapshot(v3, newKey);
    assert.equal(r.version, 3);
    assert.deepEqual(r.state, state);
  });
});

describe('snapshot codec: bad input (issue 3)', () => {
  const file = fixtureBytes(W0);
  const key = fixtureKey(W0);
  const patch = (at: number, bytes: number[]): Uint8Array => {
    const c = Uint8Array.from(file);
    c.set(bytes, at);
    return c;
  };

  test('empty file and bad magic: NotASnapshot', async () => {
    await rejects(readSnapshot(new Uint8Array(0), key), 'NotASnapshot');
    await rejects(readSnapshot(patch(0, [0x51]), key), 'NotASnapshot');
    await rejects(readSnapshot(new TextEncoder().encode('age-encryption.org/v1\n'), key), 'NotASnapshot');
    assert.throws(() => inspectHeader(new Uint8Array(0)), (e) => isStrongholdError(e, 'NotASnapshot'));
  });

  test('unsupported version', async () => {
    await rejects(readSnapshot(patch(5, [4, 0]), key), 'UnsupportedVersion', (d) => d.found === '[4, 0]');
    await rejects(readSnapshot(patch(5, [3, 1]), key), 'UnsupportedVersion', (d) => d.found === '[3, 1]');
  });

  test('wrong password (v3 and v2)', async () => {
    await rejects(readSnapshot(file, passwordKey('wrong')), 'WrongPassword');
    await rejects(readSnapshot(fixtureBytes(V2), passwordKey(V2.password)), 'WrongPassword');
  });

  test('work factor above the limit, refused before scrypt', async () => {
    const progress: unknown[] = [];
    await rejects(readSnapshot(fixtureBytes(W19), fixtureKey(W19), { maxWorkFactor: 18, onProgress: (p) => progress.push(p) }), 'WorkFactorTooHigh',
      (d) => d.workFactor === 19 && d.maxWorkFactor === 18);
    assert.equal(progress.length, 0);
    const w24 = Uint8Array.from(Buffer.from(Buffer.from(fixtureBytes(W19)).toString('latin1').replace(' 19\n', ' 24\n'), 'latin1'));
    await rejects(readSnapshot(w24, fixtureKey(W19)), 'WorkFactorTooHigh', (d) => d.workFactor === 24 && d.maxWorkFactor === 23);
    assert.deepEqual(inspectHeader(w24), { version: 3, workFactor: 24 });
  });

  test('truncated files', async () => {
    await rejects(readSnapshot(file.subarray(0, 6), key), 'Truncated', (d) => d.length === 6 && d.minimum === 7);
    await rejects(readSnapshot(file.subarray(0, 100), key), 'Truncated', (d) => d.length === 100 && d.minimum === 173);
    await rejects(readSnapshot(file.subarray(0, 7 + 149 + 20), key), 'Truncated', (d) => d.minimum === 7 + 149 + 32);
    await rejects(readSnapshot(fixtureBytes(V2).subarray(0, 54), fixtureKey(V2)), 'Truncated', (d) => d.minimum === 55);
    // Cut inside the payload: the length is still possible, the last chunk's tag fails.
    await rejects(readSnapshot(file.subarray(0, file.length - 1), key), 'CorruptPayload');
  });

  test('corrupted header: malformed stanza and a wrong header MAC', async () => {
    await rejects(readSnapshot(patch(7 + 23, [0x3d]), key), 'CorruptHeader');
    const h = parseHeader(file.subarray(7)).length;
    // Another base64 digit in the middle of the MAC: still canonical, so only the MAC check can object.
    const c = Uint8Array.from(file);
    c[7 + h - 20] = c[7 + h - 20] === 0x41 ? 0x42 : 0x41;
    await rejects(readSnapshot(c, key), 'CorruptHeader', (d) => d.reason === 'header MAC');
  });

  test('corrupted payload', async () => {
    const c = Uint8Array.from(file);
    c[c.length - 20]! ^= 0x80;
    await rejects(readSnapshot(c, key), 'CorruptPayload', (d) => d.reason === 'payload chunk 0 authentication');
  });

  test('a decompression bomb stops at the cap', async () => {
    const bomb = compress(new Uint8Array(20 * MiB));
    assert.ok(decompressionCap(bomb.length) < 20 * MiB);
    await rejects(readSnapshot(await v3File(key, bomb), key), 'DecompressionLimit', (d) => d.limit === decompressionCap(bomb.length));
    await rejects(readSnapshot(file, key, { maxDecompressedBytes: 100 }), 'DecompressionLimit', (d) => d.limit === 100);
  });

  test('bincode that claims absurd lengths', async () => {
    const lying = new Uint8Array(8 + 64);
    new DataView(lying.buffer).setBigUint64(0, 1n << 60n, true);
    await rejects(readSnapshot(await v3File(key, compress(lying)), key), 'CorruptPayload', (d) => /client count/.test(d.reason as string));
    await rejects(readSnapshot(await v3File(key, Uint8Array.of(0x1f)), key), 'CorruptPayload');
  });
});

describe('snapshot codec: fuzzing real files', () => {
  // Each outcome is a typed error or exactly the original content. maxWorkFactor 12 bounds the scrypt a
  // mutated work-factor digit can ask for; anything above is refused before scrypt.
  async function fuzz(f: (typeof FIXTURES)[number], runs: number): Promise<void> {
    const file = fixtureBytes(f);
    const key = fixtureKey(f);
    const original = (await readSnapshot(file, key)).state;
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), bits: fc.array(fc.nat({ max: file.length * 8 - 1 }), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('truncate' as const), length: fc.nat({ max: file.length - 1 }) }),
      fc.record({ kind: fc.constant('extend' as const), tail: fc.uint8Array({ minLength: 1, maxLength: 70_000 }) }),
    );
    const outcomes = new Map<string, number>();
    await fc.assert(fc.asyncProperty(mutation, async (m) => {
      let input: Uint8Array;
      if (m.kind === 'flip') {
        input = Uint8Array.from(file);
        for (const b of m.bits) input[b >> 3]! ^= 1 << (b & 7);
      } else if (m.kind === 'truncate') {
        input = file.slice(0, m.length);
      } else {
        input = Uint8Array.from([...file, ...m.tail]);
      }
      try {
        const r = await readSnapshot(input, key, { maxWorkFactor: 12 });
        assert.deepEqual(r.state, original);
        outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
      } catch (e) {
        assert.ok(isStrongholdError(e), `untyped error: ${String(e)}`);
        const code = (e as StrongholdError).code;
        assert.ok(['NotASnapshot', 'UnsupportedVersion', 'Truncated', 'CorruptHeader', 'WorkFactorTooHigh', 'WrongPassword', 'CorruptPayload',
          'DecompressionLimit'].includes(code), code);
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      }
    }), { numRuns: runs });
    assert.ok(outcomes.size >= 3, `too few distinct outcomes: ${[...outcomes.keys()].join(', ')}`);
  }

  test('v3 at W = 0: 200 random bit flips, truncations and extensions', () => fuzz(W0, 200));
  test('v2: 100 random bit flips, truncations and extensions', () => fuzz(V2, 100));
});
