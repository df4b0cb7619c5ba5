/**
 * BIP-39 through BIP39Generate / BIP39Recover: the trezor vectors (English and Japanese, passphrase
 * "TREZOR"), the bip32JP Japanese vectors (NFKD passphrase), and invalid mnemonics named by position.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bip39FromEntropy } from '../../src/procedures/bip39.js';
import { bip39Generate } from '../../src/procedures/bip39-generate.js';
import { bip39Recover } from '../../src/procedures/bip39-recover.js';
import { hex, readVectorFile, utf8 } from '../vectors.js';
import { at, harness, hexOf, PROVIDERS, rejection, stored } from './helpers.js';

type Trezor = Record<string, [string, string, string, string][]>;
const trezor = readVectorFile<Trezor>('bip39/trezor_python-mnemonic_vectors.json');
const jp = readVectorFile<{ entropy: string; mnemonic: string; passphrase: string; seed: string }[]>('bip39/bip32JP_test_JP_BIP39.json');

for (const provider of PROVIDERS) {
  describe(`BIP-39 (${provider.name})`, () => {
    for (const language of ['english', 'japanese'] as const) {
      test(`trezor ${language}: entropy → mnemonic (${trezor[language]!.length} vectors)`, () => {
        for (const [entropy, mnemonic] of trezor[language]!) {
          assert.equal(new TextDecoder().decode(bip39FromEntropy(provider, hex(entropy), language)), mnemonic);
        }
      });

      test(`trezor ${language}: BIP39Recover stores the seed (string and bytes input)`, async () => {
        const h = harness(provider);
        for (const [i, [, mnemonic, seed]] of trezor[language]!.entries()) {
          const asBytes = i % 2 === 1;
          await h.run(bip39Recover({ mnemonic: asBytes ? utf8(mnemonic) : mnemonic, passphrase: 'TREZOR', language, output: at(`s${i}`) }));
          assert.equal(hexOf(stored(h, at(`s${i}`))), seed, `vector ${i}`);
        }
      });
    }

    test(`bip32JP: NFC mnemonics and an NFKD passphrase (${jp.length} vectors)`, async () => {
      const h = harness(provider);
      for (const [i, v] of jp.entries()) {
        assert.equal(new TextDecoder().decode(bip39FromEntropy(provider, hex(v.entropy), 'japanese')).normalize('NFKD'), v.mnemonic.normalize('NFKD'));
        await h.run(bip39Recover({ mnemonic: v.mnemonic, passphrase: v.passphrase, output: at(`j${i}`) }));
        assert.equal(hexOf(stored(h, at(`j${i}`))), v.seed, `vector ${i}`);
      }
    });

    for (const language of ['english', 'japanese'] as const) {
      test(`BIP39Generate (${language}): 24 words whose recovery gives the stored seed`, async () => {
        const h = harness(provider);
        const mnemonic = await h.run(bip39Generate({ output: at('gen'), passphrase: 'pw', language }));
        assert.ok(mnemonic instanceof Uint8Array);
        const sep = language === 'english' ? ' ' : '\u3000';
        assert.equal(new TextDecoder().decode(mnemonic).split(sep).length, 24);
        await h.run(bip39Recover({ mnemonic, passphrase: 'pw', language, output: at('rec') }));
        assert.deepEqual(stored(h, at('gen')), stored(h, at('rec')));
      });
    }

    describe('invalid mnemonics name the problem, never a word, and store nothing', () => {
      const valid = trezor.english![3]![1];
      const words = valid.split(' ');
      const cases: [string, string, RegExp][] = [
        ['unknown word at position 7', words.map((w, i) => (i === 6 ? 'zzzzqq' : w)).join(' '), /word 7 to be in the English wordlist/],
        ['bad checksum', [...words.slice(0, -1), words.at(-1) === 'abandon' ? 'ability' : 'abandon'].join(' '), /checksum/],
        ['11 words', words.slice(0, 11).join(' '), /12, 15, 18, 21 or 24 words, got 11/],
        ['double space', words.join('  '), /single spaces/],
        ['trailing space', `${valid} `, /single spaces/],
        ['uppercase word (bytes)', valid.toUpperCase(), /word 1 to be in the English wordlist/],
      ];
      for (const [name, mnemonic, expected] of cases) {
        for (const form of ['string', 'bytes'] as const) {
          test(`${name} (${form})`, async () => {
            const h = harness(provider);
            const err = await rejection(h.run(bip39Recover({ mnemonic: form === 'bytes' ? utf8(mnemonic) : mnemonic, output: at('x'), language: 'english' })));
            assert.equal(err.code, 'InvalidArgument');
            assert.equal(err.details.field, 'mnemonic');
            assert.equal(err.details.procedure, 'BIP39Recover');
            assert.match(err.details.expected, expected);
            for (const w of new Set(mnemonic.toLowerCase().split(/\s+/).filter(Boolean))) {
              assert.ok(!err.message.toLowerCase().includes(` ${w} `) && !JSON.stringify(err.details).toLowerCase().includes(w), 'no word in the error');
            }
            assert.equal(h.db.recordExists(at('x')), false);
          });
        }
      }

      test('a Japanese word that is not in the list', async () => {
        const h = harness(provider);
        const ws = trezor.japanese![5]![1].split('\u3000');
        ws[2] = 'ほげほげ';
        const err = await rejection(h.run(bip39Recover({ mnemonic: ws.join('\u3000'), output: at('x') })));
        assert.equal(err.code, 'InvalidArgument');
        assert.match(err.details.expected, /word 3 to be in the Japanese wordlist/);
      });
    });
  });
}
