/**
 * No procedure result contains a stored secret. The docs' chain runs every procedure once; afterwards each
 * record it wrote is opened through the engine's use gate (test-only access) and every 16-byte window of every
 * stored secret is searched for in every result, raw and as hex, and in the JSON of errors from failing calls.
 * BIP39Generate's mnemonic is returned by design, but it is not a stored secret (the seed is). Slip10Derive
 * returns the chain code, which is the second half of the record it stores (as in Rust): only the private-key
 * half of those records is searched.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseChain, resultToJSON } from '../../src/procedures/json.js';
import type { Location } from '../../src/engine/location.js';
import { harness, hexOf, PROVIDERS, rejection } from './helpers.js';
import { peek } from '../engine-access.js';

const doc = readFileSync(new URL('../../docs/procedures.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Catalogue'), doc.indexOf('## Chains'));
const examples = [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
const WINDOW = 16;

function windows(secret: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + WINDOW <= secret.length; i += 4) out.push(Buffer.from(secret.subarray(i, i + WINDOW)));
  return out;
}

for (const provider of PROVIDERS) {
  describe(`no result contains a stored secret (${provider.name})`, () => {
    test('every procedure once, then a search of every result and error', async () => {
      const h = harness(provider);
      // Stop before RevokeData / GarbageCollect so that every written record can still be opened.
      const calls = parseChain(examples.filter((e) => e.type !== 'RevokeData' && e.type !== 'GarbageCollect'));
      const outputs = await h.chain(calls);
      const written = calls.flatMap((c) => c.procedure.locations(c.input).outputs.map((loc: Location) => ({ loc, type: c.procedure.type })));
      const secrets: Uint8Array[] = written.map(({ loc, type }) => peek(h.db, loc, (s) => Uint8Array.from(type === 'Slip10Derive' ? s.subarray(0, 32) : s)));
      assert.equal(secrets.length, 13);
      assert.ok(secrets.every((s) => s.length >= WINDOW));

      const failing = parseChain([
        { type: 'PublicKey', keyType: 'x25519', privateKey: { vault: 'wallet', record: 'seed' } },
        { type: 'AeadDecrypt', cipher: 'aes256gcm', key: { vault: 'wallet', record: 'imported' }, nonce: '00'.repeat(12), ciphertext: '00', tag: '00'.repeat(16) },
        { type: 'AesKeyWrapEncrypt', cipher: 'aes256', encryptionKey: { vault: 'wallet', record: 'imported' }, wrapKey: { vault: 'wallet', record: 'seed' } },
        { type: 'Slip10Derive', curve: 'ed25519', chain: ["0'"], input: { key: { vault: 'keys', record: 'shared' } }, output: { vault: 'x', record: 'y' } },
        { type: 'X25519DiffieHellman', privateKey: { vault: 'wallet', record: 'imported' }, publicKey: '00'.repeat(32), sharedKey: { vault: 'x', record: 'z' } },
      ]);
      const errors: string[] = [];
      for (const call of failing) {
        const err = await rejection(h.run(call));
        errors.push(JSON.stringify({ message: err.message, details: err.details, json: err.toJSON() }));
      }

      const haystacks: Buffer[] = [];
      calls.forEach((call, i) => {
        const out = outputs[i];
        if (out instanceof Uint8Array) haystacks.push(Buffer.from(out));
        haystacks.push(Buffer.from(JSON.stringify(resultToJSON(call, out)) ?? ''));
      });
      for (const e of errors) haystacks.push(Buffer.from(e));
      for (const [k, secret] of secrets.entries()) {
        for (const w of windows(secret)) {
          for (const hay of haystacks) {
            assert.equal(hay.indexOf(w), -1, `raw bytes of secret ${k} found`);
            assert.equal(hay.indexOf(hexOf(w)), -1, `hex of secret ${k} found`);
          }
        }
      }
    });
  });
}
