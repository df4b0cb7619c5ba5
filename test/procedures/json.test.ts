/**
 * The JSON form: every example of docs/procedures.md parses and runs as one chain (so the docs cannot rot),
 * results come back as JSON, and malformed input gives InvalidArgument naming the field, or UnknownProcedure.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseChain, parseProcedure, procedureToJSON, resultToJSON } from '../../src/procedures/json.js';
import { PROCEDURES } from '../../src/procedures/registry.js';
import { harness, nodeHmac, PROVIDERS } from './helpers.js';

const doc = readFileSync(new URL('../../docs/procedures.md', import.meta.url), 'utf8');
const blocks = (text: string): unknown[] => [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!));
const catalogue = blocks(doc.slice(doc.indexOf('## Catalogue'), doc.indexOf('## Chains')));
const hexLen = (n: number) => new RegExp(`^[0-9a-f]{${2 * n}}$`);

const expected: Record<string, (out: unknown) => boolean> = {
  BIP39Generate: (o) => typeof o === 'string' && o.split(' ').length === 24,
  Slip10Derive: (o) => hexLen(32).test(o as string),
  PublicKey: (o) => hexLen(32).test(o as string),
  GetEvmAddress: (o) => hexLen(20).test(o as string),
  Ed25519Sign: (o) => hexLen(64).test(o as string),
  Secp256k1EcdsaSign: (o) => hexLen(65).test(o as string),
  Hmac: (o) => o === nodeHmac(Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex'), Buffer.from('hello')),
  AeadEncrypt: (o) => hexLen(21).test(o as string),
  AeadDecrypt: (o) => o === '68656c6c6f',
  AesKeyWrapEncrypt: (o) => hexLen(40).test(o as string),
};

describe('JSON form', () => {
  test('the docs show one example per procedure, in a runnable order', () => {
    const types = catalogue.map((j) => (j as { type: string }).type);
    // The FROST examples need live commitments, so they live in docs/threshold.md and test/frost runs them.
    const catalogued = PROCEDURES.map((p) => p.type).filter((t) => !t.startsWith('Frost'));
    assert.deepEqual([...types].sort(), catalogued.sort());
  });

  for (const provider of PROVIDERS) {
    test(`the docs chain runs (${provider.name}) and every result has its documented JSON shape`, async () => {
      const h = harness(provider);
      const calls = parseChain(catalogue);
      const outputs = await h.chain(calls);
      calls.forEach((call, i) => {
        const json = resultToJSON(call, outputs[i]);
        const check = expected[call.procedure.type];
        if (check) assert.ok(check(json), `${call.procedure.type}: ${JSON.stringify(json)}`);
        else assert.equal(json, null, call.procedure.type);
        assert.doesNotThrow(() => JSON.stringify(json));
      });
    });
  }

  test('procedureToJSON inverts parseProcedure for every example (and the policy example)', () => {
    for (const json of [...catalogue, ...blocks(doc.slice(doc.indexOf('## Usage policies')))]) {
      const call = parseProcedure(json);
      const again = parseProcedure(JSON.parse(JSON.stringify(procedureToJSON(call))));
      assert.equal(again.procedure, call.procedure);
      assert.deepEqual(again.input, call.input, (json as { type: string }).type);
    }
  });

  test('procedureToJSON refuses a path that is not UTF-8', () => {
    const call = parseProcedure({ type: 'GarbageCollect', vault: 'v' });
    const bytes = { ...call, input: { vault: Uint8Array.of(0xff) } };
    assert.throws(() => procedureToJSON(bytes), (e: any) => e.code === 'InvalidArgument' && e.details.field === 'vault');
  });

  test('the policy example parses', () => {
    const [example] = blocks(doc.slice(doc.indexOf('## Usage policies')));
    const call = parseProcedure(example) as { input: { policy: unknown } };
    assert.deepEqual(call.input.policy, { exportable: false, allowed: ['Ed25519Sign', 'PublicKey'] });
  });

  test('a chain given as strings and numbers', () => {
    const call = parseProcedure({ type: 'Slip10Derive', curve: 'secp256k1', chain: ["44'", '0', 1, 2147483648], input: { key: { vault: 'v', counter: 0 } }, output: { vault: 'v', record: 'o' } });
    assert.deepEqual((call.input as { chain: number[] }).chain, [0x8000002c, 0, 1, 0x80000000]);
  });

  const bad: [string, unknown, string, string | undefined][] = [
    ['missing type', { msg: '00' }, 'type', undefined],
    ['not an object', [1], 'procedure', undefined],
    ['uppercase hex', { type: 'Ed25519Sign', privateKey: { vault: 'v', record: 'k' }, msg: 'AB' }, 'msg', 'Ed25519Sign'],
    ['odd hex', { type: 'Hmac', hashType: 'sha256', key: { vault: 'v', record: 'k' }, msg: 'abc' }, 'msg', 'Hmac'],
    ['missing field', { type: 'Ed25519Sign', msg: '00' }, 'privateKey', 'Ed25519Sign'],
    ['unknown field', { type: 'GarbageCollect', vault: 'v', extra: 1 }, 'extra', 'GarbageCollect'],
    ['bad location', { type: 'PublicKey', keyType: 'ed25519', privateKey: { vault: 'v' } }, 'privateKey', 'PublicKey'],
    ['unknown curve', { type: 'Slip10Derive', curve: 'p256', chain: [0], input: { seed: { vault: 'v', record: 's' } }, output: { vault: 'v', record: 'o' } }, 'curve', 'Slip10Derive'],
    ['unknown cipher', { type: 'AeadEncrypt', cipher: 'aes128gcm', key: { vault: 'v', record: 'k' }, nonce: '00', plaintext: '' }, 'cipher', 'AeadEncrypt'],
    ['nonce size', { type: 'AeadDecrypt', cipher: 'xchacha20poly1305', key: { vault: 'v', record: 'k' }, nonce: '00'.repeat(12), ciphertext: '', tag: '00'.repeat(16) }, 'nonce', 'AeadDecrypt'],
    ['non-hardened ed25519', { type: 'Slip10Derive', curve: 'ed25519', chain: ["44'", '0'], input: { seed: { vault: 'v', record: 's' } }, output: { vault: 'v', record: 'o' } }, 'chain[1]', 'Slip10Derive'],
    ['bad chain entry', { type: 'Slip10Derive', curve: 'secp256k1', chain: ['4x'], input: { seed: { vault: 'v', record: 's' } }, output: { vault: 'v', record: 'o' } }, 'chain[0]', 'Slip10Derive'],
    ['bad derive input', { type: 'Slip10Derive', curve: 'secp256k1', chain: [0], input: { seed: { vault: 'v', record: 's' }, key: { vault: 'v', record: 's' } }, output: { vault: 'v', record: 'o' } }, 'input', 'Slip10Derive'],
    ['zero count', { type: 'Pbkdf2Hmac', hashType: 'sha256', password: '', salt: '', count: 0, output: { vault: 'v', record: 'o' } }, 'count', 'Pbkdf2Hmac'],
    ['unknown hash', { type: 'Hkdf', hashType: 'sha1', ikm: { vault: 'v', record: 'k' }, okm: { vault: 'v', record: 'o' } }, 'hashType', 'Hkdf'],
    ['unknown language', { type: 'BIP39Generate', language: 'french', output: { vault: 'v', record: 'o' } }, 'language', 'BIP39Generate'],
    ['bad policy', { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'v', record: 'o' }, policy: { exportable: 'no' } }, 'policy.exportable', 'GenerateKey'],
    ['wrapped key not a multiple of 8', { type: 'AesKeyWrapDecrypt', cipher: 'aes256', decryptionKey: { vault: 'v', record: 'k' }, wrappedKey: '00'.repeat(25), output: { vault: 'v', record: 'o' } }, 'wrappedKey', 'AesKeyWrapDecrypt'],
    ['x25519 public key size', { type: 'X25519DiffieHellman', privateKey: { vault: 'v', record: 'k' }, publicKey: '00', sharedKey: { vault: 'v', record: 'o' } }, 'publicKey', 'X25519DiffieHellman'],
    ['mnemonic as a number', { type: 'BIP39Recover', mnemonic: 12, output: { vault: 'v', record: 'o' } }, 'mnemonic', 'BIP39Recover'],
  ];
  for (const [name, json, field, procedure] of bad) {
    test(`bad input: ${name} → InvalidArgument on "${field}"`, () => {
      assert.throws(() => parseProcedure(json), (e: any) => e.code === 'InvalidArgument' && e.details.field === field && e.details.procedure === procedure);
    });
  }

  test('an unknown type is UnknownProcedure', () => {
    assert.throws(() => parseProcedure({ type: 'CompareSecret' }), (e: any) => e.code === 'UnknownProcedure' && e.details.procedure === 'CompareSecret');
  });

  test('chain errors carry the index in the field', () => {
    assert.throws(() => parseChain([{ type: 'GarbageCollect', vault: 'v' }, { type: 'Hmac', hashType: 'sha256', key: { vault: 'v', record: 'k' }, msg: 'zz' }]),
      (e: any) => e.code === 'InvalidArgument' && e.details.field === '[1].msg' && e.details.procedure === 'Hmac');
    assert.throws(() => parseChain({}), (e: any) => e.code === 'InvalidArgument' && e.details.field === 'chain');
  });
});
