/**
 * Chained execution: later steps use earlier outputs; a failure at step k removes every record the chain
 * created (AesKeyWrapDecrypt and ConcatSecret outputs included), restores records it overwrote, and the
 * error keeps its code and names the step.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aesKeyWrapDecrypt } from '../../src/procedures/aes-key-wrap-decrypt.js';
import { aesKeyWrapEncrypt } from '../../src/procedures/aes-key-wrap-encrypt.js';
import { concatSecret } from '../../src/procedures/concat-secret.js';
import { copyRecord } from '../../src/procedures/copy-record.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { hmac } from '../../src/procedures/hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { revokeData } from '../../src/procedures/revoke-data.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { slip10Generate } from '../../src/procedures/slip10-generate.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { garbageCollect } from '../../src/procedures/garbage-collect.js';
import { utf8 } from '../vectors.js';
import { at, harness, PROVIDERS, rejection } from './helpers.js';

const MSG = utf8('message');

for (const provider of PROVIDERS) {
  describe(`chains (${provider.name})`, () => {
    test('a chain returns one output per step; later steps read earlier outputs', async () => {
      const h = harness(provider);
      const out = await h.chain([
        slip10Generate({ output: at('seed') }),
        slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", "0'"], input: { seed: at('seed') }, output: at('key') }),
        publicKey({ keyType: 'ed25519', privateKey: at('key') }),
        ed25519Sign({ privateKey: at('key'), msg: MSG }),
      ]);
      assert.equal(out.length, 4);
      assert.equal(out[0], undefined);
      assert.equal((out[1] as Uint8Array).length, 32);
      assert.ok(provider.ed25519Verify(out[2] as Uint8Array, MSG, out[3] as Uint8Array));
    });

    for (let k = 1; k <= 5; k++) {
      test(`failure at step ${k} removes every record written before it, across vaults`, async () => {
        const h = harness(provider);
        const kek = new Uint8Array(32).fill(5);
        const key = new Uint8Array(32).fill(6);
        await h.run(writeVault({ data: kek, location: at('kek', 'keys') }));
        await h.run(writeVault({ data: key, location: at('plain', 'keys') }));
        const wrapped = await h.run(aesKeyWrapEncrypt({ encryptionKey: at('kek', 'keys'), wrapKey: at('plain', 'keys') }));
        const steps = [
          writeVault({ data: new Uint8Array(32).fill(7), location: at('a', 'v1') }),
          aesKeyWrapDecrypt({ decryptionKey: at('kek', 'keys'), wrappedKey: wrapped, output: at('unwrapped', 'v2') }),
          concatSecret({ locationA: at('a', 'v1'), locationB: at('unwrapped', 'v2'), output: at('joined', 'v3') }),
          copyRecord({ source: at('joined', 'v3'), target: at('copy', 'v1') }),
          slip10Generate({ output: at('seed', 'v2') }),
        ];
        const failing = ed25519Sign({ privateKey: at('missing', 'v1'), msg: MSG });
        const err = await rejection(h.chain([...steps.slice(0, k), failing]));
        assert.equal(err.code, 'RecordNotFound');
        assert.equal(err.details.step, k);
        assert.equal(err.details.procedure, 'Ed25519Sign');
        assert.equal(err.cause.code, 'RecordNotFound');
        for (const [r, v] of [['a', 'v1'], ['unwrapped', 'v2'], ['joined', 'v3'], ['copy', 'v1'], ['seed', 'v2']] as const) {
          assert.equal(h.db.recordExists(at(r, v)), false, `${v}/${r}`);
        }
        for (const s of h.db.vaultSummaries()) assert.equal(s.revoked, 0, 'rolled-back records are collected, not just revoked');
        assert.ok(h.db.recordExists(at('kek', 'keys')) && h.db.recordExists(at('plain', 'keys')));
      });
    }

    test('an overwritten record gets its previous secret and policy back when the chain fails', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(32).fill(1), location: at('k') }));
      const before = await h.run(hmac({ hashType: 'sha256', msg: MSG, key: at('k') }));
      const hintBefore = h.db.recordInfo(at('k')).hint;
      const err = await rejection(h.chain([
        generateKey({ keyType: 'ed25519', output: at('k') }),
        ed25519Sign({ privateKey: at('missing'), msg: MSG }),
      ]));
      assert.equal(err.details.step, 1);
      assert.deepEqual(await h.run(hmac({ hashType: 'sha256', msg: MSG, key: at('k') })), before);
      assert.deepEqual(h.db.recordInfo(at('k')).hint, hintBefore);
    });

    test('the error of a failing first step also carries step 0; bad input keeps InvalidArgument', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(40), location: at('x25519') }));
      const err = await rejection(h.chain([publicKey({ keyType: 'x25519', privateKey: at('x25519') })]));
      assert.equal(err.code, 'InvalidArgument');
      assert.deepEqual({ step: err.details.step, procedure: err.details.procedure, field: err.details.field }, { step: 0, procedure: 'PublicKey', field: 'privateKey' });
    });

    test('RevokeData with shouldGc, then GarbageCollect, in a chain', async () => {
      const h = harness(provider);
      await h.chain([
        generateKey({ keyType: 'x25519', output: at('a') }),
        generateKey({ keyType: 'x25519', output: at('b') }),
        revokeData({ location: at('a'), shouldGc: true }),
        revokeData({ location: at('b') }),
      ]);
      assert.equal(h.db.recordExists(at('a')), false);
      assert.deepEqual(h.db.vaultSummaries().map((s) => s.revoked), [1]);
      await h.run(garbageCollect({ vault: 'v' }));
      assert.deepEqual(h.db.vaultSummaries().map((s) => s.revoked), [0]);
    });

    test('a revoked output location fails the write with RecordRevoked and rolls back', async () => {
      const h = harness(provider);
      await h.run(generateKey({ keyType: 'ed25519', output: at('r') }));
      await h.run(revokeData({ location: at('r') }));
      const err = await rejection(h.chain([generateKey({ keyType: 'ed25519', output: at('new') }), generateKey({ keyType: 'ed25519', output: at('r') })]));
      assert.equal(err.code, 'RecordRevoked');
      assert.equal(err.details.step, 1);
      assert.equal(h.db.recordExists(at('new')), false);
    });
  });
}
