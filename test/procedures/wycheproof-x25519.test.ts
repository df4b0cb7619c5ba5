/**
 * Wycheproof x25519_test.json through X25519DiffieHellman: each private key is stored with WriteVault; a
 * non-zero expected secret must be stored (checked with a later Hmac against node:crypto keyed by the vector),
 * an all-zero one (low-order public key) must be refused on `publicKey` with nothing stored.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hmac } from '../../src/procedures/hmac.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { x25519DiffieHellman } from '../../src/procedures/x25519-diffie-hellman.js';
import { hex, utf8, wycheproof, wycheproofTests } from '../vectors.js';
import { at, harness, hexOf, nodeHmac, PROVIDERS, rejection } from './helpers.js';

const MSG = utf8('probe');

for (const provider of PROVIDERS) {
  describe(`Wycheproof X25519 (${provider.name})`, () => {
    test('every test case', async () => {
      const h = harness(provider);
      let stored = 0;
      let refused = 0;
      for (const { test: t } of wycheproofTests(wycheproof.x25519())) {
        const priv = at(`p${t.tcId}`);
        const out = at(`s${t.tcId}`);
        await h.run(writeVault({ data: hex(t.private), location: priv }));
        const call = x25519DiffieHellman({ privateKey: priv, publicKey: hex(t.public), sharedKey: out });
        if (/^(00)+$/.test(t.shared)) {
          const err = await rejection(h.run(call));
          assert.equal(err.code, 'InvalidArgument', `tc ${t.tcId}`);
          assert.equal(err.details.field, 'publicKey');
          assert.equal(h.db.recordExists(out), false);
          refused++;
        } else {
          assert.notEqual(t.result, 'invalid', `tc ${t.tcId}`);
          await h.run(call);
          assert.equal(hexOf(await h.run(hmac({ hashType: 'sha256', msg: MSG, key: out }))), nodeHmac(hex(t.shared), MSG), `tc ${t.tcId}`);
          stored++;
        }
      }
      assert.ok(stored > 400 && refused > 10, `${stored} stored, ${refused} refused`);
    });
  });
}
