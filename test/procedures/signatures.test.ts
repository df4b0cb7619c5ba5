/**
 * Keys and signatures through the procedures: RFC 8032 (Ed25519Sign, PublicKey), RFC 7748
 * (X25519DiffieHellman, PublicKey), secp256k1 ECDSA (the noble vectors with a known message, the RFC 6979
 * nonces, node:crypto verification and public-key recovery of every signature), EVM addresses, GenerateKey.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { getEvmAddress } from '../../src/procedures/get-evm-address.js';
import { hmac } from '../../src/procedures/hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { secp256k1EcdsaSign } from '../../src/procedures/secp256k1-ecdsa-sign.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { x25519DiffieHellman } from '../../src/procedures/x25519-diffie-hellman.js';
import { hex, readVectorFile, utf8 } from '../vectors.js';
import { at, harness, hexOf, nodeHmac, PROVIDERS, rejection } from './helpers.js';

const rfc8032 = readVectorFile<{ vectors: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[] }>(
  'rfc8032_ed25519/rfc8032_sec7.1_ed25519.json');
const rfc7748 = readVectorFile<{ diffieHellman: Record<string, string>; functionVectors: { scalar: string; uCoordinate: string; outputUCoordinate: string }[] }>(
  'rfc7748_x25519/rfc7748_x25519.json');
const ecdsa = readVectorFile<{ valid: { d: string; m: string; signature: string; description?: string }[]; invalid: { sign: { description: string; d: string }[] } }>(
  'secp256k1/noble-secp256k1_ecdsa.json');
const nonces = readVectorFile<{ message: string; d: string; k0: string }[]>('secp256k1/noble-secp256k1_rfc6979_nonces.json');
const eth = readVectorFile<{ keyToAddress: { privateKey: string; address: string }[] }>('ethereum/ethereum_address_vectors.json');

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** node:crypto verification of r || s over the digest (ECDSA with a prehashed message via JWK). */
function nodeVerify(pub33: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  const point = secp256k1.Point.fromBytes(pub33).toBytes(false);
  const key = createPublicKey({ key: { kty: 'EC', crv: 'secp256k1', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' });
  return verify('sha256', msg, { key, dsaEncoding: 'ieee-p1363' }, sig.subarray(0, 64));
}

function recover(sig: Uint8Array, digest: Uint8Array): string {
  return hexOf(secp256k1.Signature.fromBytes(sig.subarray(0, 64), 'compact').addRecoveryBit(sig[64]!).recoverPublicKey(digest).toBytes(true));
}

for (const provider of PROVIDERS) {
  describe(`signatures and keys (${provider.name})`, () => {
    test(`RFC 8032 §7.1 (${rfc8032.vectors.length} vectors) on a WriteVault'd key`, async () => {
      const h = harness(provider);
      for (const [i, v] of rfc8032.vectors.entries()) {
        await h.run(writeVault({ data: hex(v.secretKey), location: at(`k${i}`) }));
        assert.equal(hexOf(await h.run(publicKey({ keyType: 'ed25519', privateKey: at(`k${i}`) }))), v.publicKey, v.name);
        assert.equal(hexOf(await h.run(ed25519Sign({ privateKey: at(`k${i}`), msg: hex(v.message) }))), v.signature, v.name);
      }
    });

    test('Ed25519Sign uses the first 32 bytes of a longer (SLIP-10) record', async () => {
      const h = harness(provider);
      const v = rfc8032.vectors[1]!;
      await h.run(writeVault({ data: Uint8Array.of(...hex(v.secretKey), ...new Uint8Array(32).fill(9)), location: at('long') }));
      assert.equal(hexOf(await h.run(ed25519Sign({ privateKey: at('long'), msg: hex(v.message) }))), v.signature);
    });

    test('RFC 7748 §6.1: both public keys and the shared secret', async () => {
      const h = harness(provider);
      const d = rfc7748.diffieHellman;
      await h.run(writeVault({ data: hex(d.alicePrivate!), location: at('alice') }));
      await h.run(writeVault({ data: hex(d.bobPrivate!), location: at('bob') }));
      assert.equal(hexOf(await h.run(publicKey({ keyType: 'x25519', privateKey: at('alice') }))), d.alicePublic);
      assert.equal(hexOf(await h.run(publicKey({ keyType: 'x25519', privateKey: at('bob') }))), d.bobPublic);
      await h.run(x25519DiffieHellman({ privateKey: at('alice'), publicKey: hex(d.bobPublic!), sharedKey: at('ab') }));
      await h.run(x25519DiffieHellman({ privateKey: at('bob'), publicKey: hex(d.alicePublic!), sharedKey: at('ba') }));
      const msg = utf8('shared');
      for (const loc of ['ab', 'ba']) {
        assert.equal(hexOf(await h.run(hmac({ hashType: 'sha256', msg, key: at(loc) }))), nodeHmac(hex(d.sharedSecret!), msg));
      }
    });

    test('RFC 7748 §5.2 function vectors (u with the top bit set is masked)', async () => {
      const h = harness(provider);
      const msg = utf8('x');
      for (const [i, v] of rfc7748.functionVectors.entries()) {
        await h.run(writeVault({ data: hex(v.scalar), location: at(`s${i}`) }));
        await h.run(x25519DiffieHellman({ privateKey: at(`s${i}`), publicKey: hex(v.uCoordinate), sharedKey: at(`o${i}`) }));
        assert.equal(hexOf(await h.run(hmac({ hashType: 'sha256', msg, key: at(`o${i}`) }))), nodeHmac(hex(v.outputUCoordinate), msg));
      }
    });

    test('X25519: a low-order public key is rejected and nothing is stored', async () => {
      const h = harness(provider);
      await h.run(generateKey({ keyType: 'x25519', output: at('k') }));
      const err = await rejection(h.run(x25519DiffieHellman({ privateKey: at('k'), publicKey: new Uint8Array(32), sharedKey: at('o') })));
      assert.equal(err.code, 'InvalidArgument');
      assert.equal(err.details.field, 'publicKey');
      assert.equal(h.db.recordExists(at('o')), false);
    });

    const known = ecdsa.valid.filter((v) => v.description !== undefined && hexOf(sha256(utf8(v.description))) === v.m);
    test(`secp256k1: ${known.length} noble vectors whose message is known give the same r || s`, async () => {
      assert.ok(known.length >= 10);
      const h = harness(provider);
      for (const [i, v] of known.entries()) {
        await h.run(writeVault({ data: hex(v.d), location: at(`d${i}`) }));
        const sig = await h.run(secp256k1EcdsaSign({ flavor: 'sha256', privateKey: at(`d${i}`), msg: utf8(v.description!) }));
        assert.equal(sig.length, 65);
        assert.equal(hexOf(sig.subarray(0, 64)), v.signature, v.description);
        const pub = await h.run(publicKey({ keyType: 'secp256k1', privateKey: at(`d${i}`) }));
        assert.equal(recover(sig, hex(v.m)), hexOf(pub));
        assert.ok(nodeVerify(pub, utf8(v.description!), sig));
      }
    });

    test(`secp256k1: RFC 6979 nonce k0 gives r (${nonces.length} vectors), node:crypto verifies`, async () => {
      const h = harness(provider);
      for (const [i, v] of nonces.entries()) {
        await h.run(writeVault({ data: hex(v.d), location: at(`n${i}`) }));
        const sig = await h.run(secp256k1EcdsaSign({ flavor: 'sha256', privateKey: at(`n${i}`), msg: utf8(v.message) }));
        const r = secp256k1.Point.BASE.multiply(BigInt(`0x${v.k0}`)).toAffine().x % secp256k1.Point.CURVE().n;
        assert.equal(hexOf(sig.subarray(0, 32)), r.toString(16).padStart(64, '0'), v.message);
        const pub = await h.run(publicKey({ keyType: 'secp256k1', privateKey: at(`n${i}`) }));
        assert.ok(nodeVerify(pub, utf8(v.message), sig));
      }
    });

    test(`secp256k1: the ${ecdsa.invalid.sign.length} invalid private keys of the noble vectors are refused by every secp256k1 procedure`, async () => {
      const h = harness(provider);
      for (const [i, v] of ecdsa.invalid.sign.entries()) {
        await h.run(writeVault({ data: hex(v.d), location: at(`bad${i}`) }));
        for (const call of [
          secp256k1EcdsaSign({ flavor: 'sha256', privateKey: at(`bad${i}`), msg: utf8('m') }),
          publicKey({ keyType: 'secp256k1', privateKey: at(`bad${i}`) }),
          getEvmAddress({ privateKey: at(`bad${i}`) }),
        ]) {
          const err = await rejection(h.run(call));
          assert.equal(err.code, 'InvalidArgument', v.description);
          assert.equal(err.details.field, 'privateKey');
        }
      }
    });

    test('secp256k1 keccak256 flavour: recovery id and low S', async () => {
      const h = harness(provider);
      await h.run(generateKey({ keyType: 'secp256k1', output: at('k') }));
      const pub = await h.run(publicKey({ keyType: 'secp256k1', privateKey: at('k') }));
      for (let i = 0; i < 8; i++) {
        const msg = utf8(`message ${i}`);
        const sig = await h.run(secp256k1EcdsaSign({ flavor: 'keccak256', privateKey: at('k'), msg }));
        assert.ok(sig[64]! <= 1);
        assert.equal(recover(sig, keccak_256(msg)), hexOf(pub));
        assert.ok(BigInt(`0x${hexOf(sig.subarray(32, 64))}`) <= secp256k1.Point.CURVE().n / 2n);
      }
    });

    test(`EVM addresses (${eth.keyToAddress.length} vectors)`, async () => {
      const h = harness(provider);
      for (const [i, v] of eth.keyToAddress.entries()) {
        await h.run(writeVault({ data: hex(v.privateKey), location: at(`e${i}`) }));
        assert.equal(hexOf(await h.run(getEvmAddress({ privateKey: at(`e${i}`) }))), v.address.toLowerCase().replace(/^0x/, ''));
      }
    });

    test('GenerateKey: 32-byte keys for each type, usable by PublicKey', async () => {
      const h = harness(provider);
      for (const keyType of ['ed25519', 'x25519', 'secp256k1'] as const) {
        await h.run(generateKey({ keyType, output: at(keyType) }));
        assert.equal(h.db.recordInfo(at(keyType)).length, 32);
        assert.equal((await h.run(publicKey({ keyType, privateKey: at(keyType) }))).length, keyType === 'secp256k1' ? 33 : 32);
      }
    });

    test('key-length and scalar rules name the field', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(31).fill(1), location: at('short') }));
      await h.run(writeVault({ data: new Uint8Array(33).fill(1), location: at('x33') }));
      await h.run(writeVault({ data: new Uint8Array(32), location: at('zero') }));
      const cases = [
        ed25519Sign({ privateKey: at('short'), msg: new Uint8Array(1) }),
        publicKey({ keyType: 'x25519', privateKey: at('x33') }),
        secp256k1EcdsaSign({ flavor: 'sha256', privateKey: at('zero'), msg: new Uint8Array(1) }),
        getEvmAddress({ privateKey: at('zero') }),
      ];
      for (const c of cases) {
        const err = await rejection(h.run(c));
        assert.equal(err.code, 'InvalidArgument');
        assert.equal(err.details.field, 'privateKey');
        assert.equal(err.details.procedure, c.procedure.type);
      }
      const missing = await rejection(h.run(ed25519Sign({ privateKey: at('nope'), msg: new Uint8Array(1) })));
      assert.equal(missing.code, 'RecordNotFound');
      assert.equal(missing.details.procedure, 'Ed25519Sign');
    });
  });
}
