/**
 * Issue 4 "Bad input": wrong key lengths, missing or revoked input records, unknown curve or cipher names,
 * non-hardened Ed25519 segments, wrong nonce sizes, a failing AEAD tag, an invalid mnemonic, a zero
 * iteration count. Each is a typed error naming the procedure and the field, and writes nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aeadDecrypt } from '../../src/procedures/aead-decrypt.js';
import { aeadEncrypt } from '../../src/procedures/aead-encrypt.js';
import { aesKeyWrapEncrypt } from '../../src/procedures/aes-key-wrap-encrypt.js';
import { bip39Recover } from '../../src/procedures/bip39-recover.js';
import { concatKdf } from '../../src/procedures/concat-kdf.js';
import { concatSecret } from '../../src/procedures/concat-secret.js';
import { copyRecord } from '../../src/procedures/copy-record.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { hkdf } from '../../src/procedures/hkdf.js';
import { hmac } from '../../src/procedures/hmac.js';
import { pbkdf2Hmac } from '../../src/procedures/pbkdf2-hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { revokeData } from '../../src/procedures/revoke-data.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { x25519DiffieHellman } from '../../src/procedures/x25519-diffie-hellman.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { at, harness, PROVIDERS, rejection } from './helpers.js';

const OUT = at('out', 'out');
const K32 = at('k32');

/** Builder-time errors: the call is never built. */
const buildErrors: [string, () => unknown, string, string][] = [
  ['unknown curve', () => slip10Derive({ curve: 'nist256p1' as never, chain: ["0'"], input: { seed: K32 }, output: OUT }), 'Slip10Derive', 'curve'],
  ['unknown key type', () => generateKey({ keyType: 'rsa' as never, output: OUT }), 'GenerateKey', 'keyType'],
  ['unknown cipher', () => aeadEncrypt({ cipher: 'aes128gcm' as never, key: K32, nonce: new Uint8Array(12), plaintext: new Uint8Array(0) }), 'AeadEncrypt', 'cipher'],
  ['unknown key-wrap cipher', () => aesKeyWrapEncrypt({ cipher: 'aes128' as never, encryptionKey: K32, wrapKey: K32 }), 'AesKeyWrapEncrypt', 'cipher'],
  ['unknown hash', () => hmac({ hashType: 'md5' as never, msg: new Uint8Array(0), key: K32 }), 'Hmac', 'hashType'],
  ['non-hardened Ed25519 segment', () => slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", '0'], input: { seed: K32 }, output: OUT }), 'Slip10Derive', 'chain[2]'],
  ['XChaCha nonce of 12 bytes', () => aeadDecrypt({ cipher: 'xchacha20poly1305', key: K32, nonce: new Uint8Array(12), ciphertext: new Uint8Array(0), tag: new Uint8Array(16) }), 'AeadDecrypt', 'nonce'],
  ['GCM nonce of 24 bytes', () => aeadEncrypt({ cipher: 'aes256gcm', key: K32, nonce: new Uint8Array(24), plaintext: new Uint8Array(0) }), 'AeadEncrypt', 'nonce'],
  ['tag of 12 bytes', () => aeadDecrypt({ cipher: 'aes256gcm', key: K32, nonce: new Uint8Array(12), ciphertext: new Uint8Array(0), tag: new Uint8Array(12) }), 'AeadDecrypt', 'tag'],
  ['zero iteration count', () => pbkdf2Hmac({ hashType: 'sha256', password: new Uint8Array(1), salt: new Uint8Array(1), count: 0, output: OUT }), 'Pbkdf2Hmac', 'count'],
  ['fractional count', () => pbkdf2Hmac({ hashType: 'sha256', password: new Uint8Array(1), salt: new Uint8Array(1), count: 1.5, output: OUT }), 'Pbkdf2Hmac', 'count'],
  ['X25519 public key of 31 bytes', () => x25519DiffieHellman({ privateKey: K32, publicKey: new Uint8Array(31), sharedKey: OUT }), 'X25519DiffieHellman', 'publicKey'],
  ['Concat KDF keyLen 0', () => concatKdf({ hashType: 'sha256', algorithmId: 'A', sharedSecret: K32, keyLen: 0, output: OUT }), 'ConcatKdf', 'keyLen'],
  ['message not bytes', () => ed25519Sign({ privateKey: K32, msg: 'hello' as never }), 'Ed25519Sign', 'msg'],
  ['location without record', () => publicKey({ keyType: 'ed25519', privateKey: { vault: 'v' } as never }), 'PublicKey', 'privateKey'],
];

for (const [name, build, procedure, field] of buildErrors) {
  test(`bad input (builder): ${name}`, () => {
    assert.throws(build, (e: any) => e.code === 'InvalidArgument' && e.details.procedure === procedure && e.details.field === field);
  });
}

for (const provider of PROVIDERS) {
  describe(`bad input at run time (${provider.name})`, () => {
    const runErrors: [string, ProcedureCall<any, any>, string, string][] = [
      ['Ed25519 key of 16 bytes', ed25519Sign({ privateKey: at('k16'), msg: new Uint8Array(1) }), 'InvalidArgument', 'privateKey'],
      ['X25519 key of 64 bytes', x25519DiffieHellman({ privateKey: at('k64'), publicKey: new Uint8Array(32).fill(9), sharedKey: OUT }), 'InvalidArgument', 'privateKey'],
      ['AEAD key of 16 bytes', aeadEncrypt({ cipher: 'aes256gcm', key: at('k16'), nonce: new Uint8Array(12), plaintext: new Uint8Array(1) }), 'InvalidArgument', 'key'],
      ['KEK of 64 bytes', aesKeyWrapEncrypt({ encryptionKey: at('k64'), wrapKey: K32 }), 'InvalidArgument', 'encryptionKey'],
      ['missing input record', hkdf({ hashType: 'sha256', ikm: at('nothing'), okm: OUT }), 'RecordNotFound', 'ikm'],
      ['missing vault', hmac({ hashType: 'sha256', msg: new Uint8Array(0), key: at('k', 'no-such-vault') }), 'VaultNotFound', 'key'],
      ['revoked input record', copyRecord({ source: at('revoked'), target: OUT }), 'RecordRevoked', 'source'],
      ['revoked second input', concatSecret({ locationA: K32, locationB: at('revoked'), output: OUT }), 'RecordRevoked', 'locationB'],
      ['revoked seed', slip10Derive({ curve: 'ed25519', chain: ["0'"], input: { seed: at('revoked') }, output: OUT }), 'RecordRevoked', 'input.seed'],
      ['failing AEAD tag', aeadDecrypt({ cipher: 'xchacha20poly1305', key: K32, nonce: new Uint8Array(24), ciphertext: new Uint8Array(8), tag: new Uint8Array(16) }), 'InvalidArgument', 'tag'],
      ['invalid mnemonic', bip39Recover({ mnemonic: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon', output: OUT }), 'InvalidArgument', 'mnemonic'],
    ];
    for (const [name, call, code, field] of runErrors) {
      test(name, async () => {
        const h = harness(provider);
        await h.chain([
          writeVault({ data: new Uint8Array(16).fill(1), location: at('k16') }),
          writeVault({ data: new Uint8Array(32).fill(2), location: K32 }),
          writeVault({ data: new Uint8Array(64).fill(3), location: at('k64') }),
          writeVault({ data: new Uint8Array(32).fill(4), location: at('revoked') }),
          revokeData({ location: at('revoked') }),
        ]);
        const before = JSON.stringify(h.db.vaultSummaries());
        const err = await rejection(h.run(call));
        assert.equal(err.code, code);
        assert.equal(err.details.procedure, call.procedure.type);
        assert.equal(err.details.field, field);
        assert.equal(err.details.step, 0);
        assert.equal(JSON.stringify(h.db.vaultSummaries()), before, 'nothing written');
        assert.equal(h.db.vaultExists(OUT.vaultId), false);
      });
    }
  });
}
