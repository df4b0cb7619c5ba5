/**
 * The zone channel and wire form: frames checked against an independent implementation (noble X25519,
 * HKDF-SHA256 and XChaCha20-Poly1305 playing the zone's side), and replayed, reordered, reflected and forged
 * frames rejected. Envelopes and calls round-trip and reject malformed input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Location } from '../../src/engine/location.js';
import { bip39Recover } from '../../src/procedures/bip39-recover.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { garbageCollect } from '../../src/procedures/garbage-collect.js';
import { hkdf as hkdfCall } from '../../src/procedures/hkdf.js';
import { revokeData } from '../../src/procedures/revoke-data.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { chainSelection, decodeCalls, encodeCall } from '../../src/zone/calls.js';
import { decodeEnvelope, encodeEnvelope, EphemeralKey, MAX_BLOBS } from '../../src/zone/protocol.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const isProtocol = (reason: string) => (e: { code?: string; details?: { reason?: string } }) => e.code === 'ProtocolError' && e.details?.reason === reason;

function pair() {
  const host = EphemeralKey.generate();
  const zone = EphemeralKey.generate();
  const hostPub = host.publicKey;
  return { host: host.channel('host', zone.publicKey), zone: zone.channel('zone', hostPub) };
}

describe('sealed channel', () => {
  test('host frames decrypt with keys derived independently (noble X25519, HKDF-SHA256, XChaCha20-Poly1305)', () => {
    const zoneSecret = x25519.utils.randomSecretKey();
    const zonePub = x25519.getPublicKey(zoneSecret);
    const hostKey = EphemeralKey.generate();
    const hostPub = hostKey.publicKey.slice();
    const host = hostKey.channel('host', zonePub);
    const shared = x25519.getSharedSecret(zoneSecret, hostPub);
    const salt = new Uint8Array([...hostPub, ...zonePub]);
    const h2z = hkdf(sha256, shared, salt, utf8('stronghold-zone/1 host->zone'), 32);
    const z2h = hkdf(sha256, shared, salt, utf8('stronghold-zone/1 zone->host'), 32);
    for (let counter = 0; counter < 3; counter++) {
      const message = utf8(`request ${counter}`);
      const frame = host.seal(message);
      assert.equal(frame[0], 1);
      assert.equal(new DataView(frame.buffer).getBigUint64(1, true), BigInt(counter));
      const nonce = new Uint8Array(24);
      new DataView(nonce.buffer).setBigUint64(16, BigInt(counter), true);
      const plain = xchacha20poly1305(h2z, nonce, frame.subarray(0, 9)).decrypt(frame.subarray(9));
      assert.deepEqual(plain, message);
      // And the other direction: a frame the independent zone seals opens on the host.
      const header = new Uint8Array(9);
      header[0] = 1;
      new DataView(header.buffer).setBigUint64(1, BigInt(counter), true);
      const reply = xchacha20poly1305(z2h, nonce, header).encrypt(utf8(`reply ${counter}`));
      assert.deepEqual(host.open(new Uint8Array([...header, ...reply])), utf8(`reply ${counter}`));
    }
  });

  test('both directions round-trip in order', () => {
    const { host, zone } = pair();
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(zone.open(host.seal(Uint8Array.of(i))), Uint8Array.of(i));
      assert.deepEqual(host.open(zone.seal(Uint8Array.of(i, i))), Uint8Array.of(i, i));
    }
  });

  test('a replayed frame is rejected and closes the channel', () => {
    const { host, zone } = pair();
    const frame = host.seal(Uint8Array.of(1));
    zone.open(frame);
    assert.throws(() => zone.open(frame), isProtocol('replayed frame'));
    assert.ok(zone.isClosed);
    assert.throws(() => zone.open(host.seal(Uint8Array.of(2))), isProtocol('the channel is closed'));
  });

  test('a reordered or dropped frame is rejected', () => {
    const { host, zone } = pair();
    host.seal(Uint8Array.of(1));
    const second = host.seal(Uint8Array.of(2));
    assert.throws(() => zone.open(second), isProtocol('reordered or dropped frame'));
  });

  test('a frame reflected back to its sender is rejected (one key per direction)', () => {
    const { host } = pair();
    assert.throws(() => host.open(host.seal(Uint8Array.of(1))), isProtocol('forged or corrupted frame'));
  });

  test('every flipped bit of ciphertext or tag, a changed counter or version, or a foreign key is rejected', () => {
    const message = utf8('sealed records and vault keys');
    const frame = pair().host.seal(message);
    for (let i = 9; i < frame.length; i++) {
      const { host, zone } = pair();
      const f = host.seal(message);
      f[i]! ^= 1 << (i % 8);
      assert.throws(() => zone.open(f), isProtocol('forged or corrupted frame'), `byte ${i}`);
    }
    const { host, zone } = pair();
    const f = host.seal(message);
    f[1] = 7;
    assert.throws(() => zone.open(f), isProtocol('reordered or dropped frame'));
    const other = pair();
    const v = other.host.seal(message);
    v[0] = 2;
    assert.throws(() => other.zone.open(v), isProtocol('unsupported frame version 2'));
    void host;
    const stranger = pair();
    assert.throws(() => pair().zone.open(stranger.host.seal(message)), isProtocol('forged or corrupted frame'));
    for (const bad of [null, new Uint8Array(24), 'frame']) assert.throws(() => pair().zone.open(bad), isProtocol('malformed frame'));
  });

  test('a low-order or malformed peer key is refused', () => {
    assert.throws(() => EphemeralKey.generate().channel('host', new Uint8Array(32)), isProtocol('the peer public key has low order'));
    assert.throws(() => EphemeralKey.generate().channel('host', new Uint8Array(31)), isProtocol('the peer public key is not 32 bytes'));
  });
});

describe('envelope', () => {
  test('round-trips the message and attachments', () => {
    const blobs = [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(1000).fill(7)];
    const env = decodeEnvelope(encodeEnvelope({ t: 'run', id: 4 }, blobs));
    assert.equal(env.msg.t, 'run');
    assert.equal(env.msg.id, 4);
    assert.deepEqual(env.blobs, blobs);
  });

  test('rejects trailing bytes, overlong attachments, bad JSON and too many attachments', () => {
    const good = encodeEnvelope({ t: 'x' }, [Uint8Array.of(1)]);
    assert.throws(() => decodeEnvelope(new Uint8Array([...good, 0])), isProtocol('trailing bytes after the attachments'));
    assert.throws(() => decodeEnvelope(good.subarray(0, good.length - 1)), isProtocol('an attachment runs past the envelope'));
    const bad = good.slice();
    bad[4] = 0x7b + 1;
    assert.throws(() => decodeEnvelope(bad), isProtocol('envelope JSON does not parse'));
    assert.throws(() => decodeEnvelope(Uint8Array.of(0xff, 0xff, 0xff, 0x7f)), isProtocol('envelope JSON length out of range'));
    assert.throws(() => encodeEnvelope({}, new Array(MAX_BLOBS + 1).fill(new Uint8Array(0))), isProtocol(`more than ${MAX_BLOBS} attachments`));
  });
});

describe('calls on the wire', () => {
  test('bytes travel as attachments, never as text, and calls rebuild to equal inputs', () => {
    const mnemonic = utf8('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
    const odd = Uint8Array.of(0xff, 0xfe);
    const calls = [
      bip39Recover({ mnemonic, passphrase: utf8('TREZOR'), output: { vault: 'v', record: 'seed' } }),
      slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'"], input: { seed: { vault: 'v', record: 'seed' } }, output: Location.counter(odd, 3) }),
      ed25519Sign({ privateKey: { vault: odd, record: odd }, msg: Uint8Array.of(9) }),
      hkdfCall({ hashType: 'sha256', ikm: { vault: 'v', record: 'seed' }, okm: { vault: 'v', record: 'okm' } }),
      garbageCollect({ vault: odd }),
    ];
    const blobs: Uint8Array[] = [];
    const wire = calls.map((c) => encodeCall(c, blobs));
    const text = JSON.stringify(wire);
    assert.ok(!text.includes('abandon') && !text.includes('TREZOR'), 'no secret as text');
    assert.ok(blobs.includes(mnemonic), 'the mnemonic is an attachment');
    const back = decodeCalls(JSON.parse(text), blobs);
    assert.deepEqual(back.map((c) => c.procedure.type), calls.map((c) => c.procedure.type));
    for (const [i, c] of back.entries()) assert.deepEqual(c.input, calls[i]!.input, calls[i]!.procedure.type);
  });

  test('unknown procedures and bad attachment references are refused', () => {
    assert.throws(() => decodeCalls([{ type: 'Nope' }], []), (e: { code?: string }) => e.code === 'UnknownProcedure');
    assert.throws(() => decodeCalls([{ type: 'Ed25519Sign', privateKey: { vault: 'v', record: 'r' }, msg: { $b: 3 } }], []),
      (e: { code?: string; details?: { field?: string } }) => e.code === 'InvalidArgument' && e.details?.field === '$b');
    assert.throws(() => decodeCalls([{ type: 'Ed25519Sign', privateKey: { vault: 'v', record: 'r' }, msg: 'aa' }], []),
      (e: { code?: string; details?: { field?: string } }) => e.code === 'InvalidArgument' && e.details?.field === 'msg');
    assert.throws(() => decodeCalls({}, []), (e: { code?: string }) => e.code === 'InvalidArgument');
  });

  test('a chain ships the records it names, and whole vaults where it revokes or collects', () => {
    const a = Location.generic('v', 'a');
    const sel = chainSelection([ed25519Sign({ privateKey: a, msg: new Uint8Array(1) }), revokeData({ location: Location.generic('w', 'x') })]);
    assert.deepEqual([...sel.get(a.vaultKey)!], [a.recordKey]);
    assert.equal(sel.get(Location.generic('w', 'x').vaultKey), null);
  });
});
