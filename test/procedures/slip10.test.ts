/**
 * SLIP-0010 test vectors 1 and 2 for ed25519 and secp256k1, through the procedures: the seed is stored with
 * WriteVault, Slip10Derive returns the chain code, PublicKey checks the stored private key. Derivation is
 * checked both from the seed in one go and step by step from the stored extended key (`{key: loc}`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { publicKey } from '../../src/procedures/public-key.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { slip10Generate } from '../../src/procedures/slip10-generate.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { hex, readVectorFile } from '../vectors.js';
import { at, harness, hexOf, PROVIDERS, rejection } from './helpers.js';

interface Chain { path: string; indices: number[]; chainCode: string; privateKey: string; publicKey: string }
interface Slip10File { curves: Record<string, { name: string; seed: string; chains: Chain[] }[]> }
const file = readVectorFile<Slip10File>('slip10/slip-0010_test_vectors.json');

for (const provider of PROVIDERS) {
  describe(`SLIP-10 (${provider.name})`, () => {
    for (const curve of ['ed25519', 'secp256k1'] as const) {
      for (const vector of file.curves[curve]!) {
        test(`${curve}: ${vector.name} from the seed`, async () => {
          const h = harness(provider);
          await h.run(writeVault({ data: hex(vector.seed), location: at('seed') }));
          for (const [i, c] of vector.chains.entries()) {
            // The master key ("m") is never stored on its own: an empty path is refused (it would copy the parent).
            if (c.indices.length === 0) {
              assert.throws(() => slip10Derive({ curve, chain: [], input: { seed: at("seed") }, output: at(`k${i}`) }), (e: any) => e.code === "InvalidArgument" && e.details.field === "chain");
              continue;
            }
            const cc = await h.run(slip10Derive({ curve, chain: c.indices, input: { seed: at('seed') }, output: at(`k${i}`) }));
            assert.equal(hexOf(cc), c.chainCode, c.path);
            const pk = await h.run(publicKey({ keyType: curve, privateKey: at(`k${i}`) }));
            assert.equal(hexOf(curve === 'ed25519' ? Uint8Array.of(0, ...pk) : pk), c.publicKey, c.path);
          }
        });

        test(`${curve}: ${vector.name} step by step from stored keys`, async () => {
          const h = harness(provider);
          await h.run(writeVault({ data: hex(vector.seed), location: at('seed') }));
          let previous: { seed: ReturnType<typeof at> } | { key: ReturnType<typeof at> } = { seed: at('seed') };
          let done = 0;
          for (const [i, c] of vector.chains.entries()) {
            if (c.indices.length === done) continue;
            const cc: Uint8Array = await h.run(slip10Derive({ curve, chain: c.indices.slice(done), input: previous, output: at(`s${i}`) }));
            assert.equal(hexOf(cc), c.chainCode, c.path);
            previous = { key: at(`s${i}`) };
            done = c.indices.length;
          }
        });
      }
    }

    test('path strings: "44\'" is hardened, a number >= 2^31 too', async () => {
      const h = harness(provider);
      await h.run(slip10Generate({ output: at('seed') }));
      const a = await h.run(slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", "0'"], input: { seed: at('seed') }, output: at('a') }));
      const b = await h.run(slip10Derive({ curve: 'ed25519', chain: [0x8000002c, 0x8000107a, 0x80000000], input: { seed: at('seed') }, output: at('b') }));
      assert.deepEqual(a, b);
    });

    test('Ed25519 rejects a non-hardened segment, naming it', async () => {
      const h = harness(provider);
      assert.throws(() => slip10Derive({ curve: 'ed25519', chain: ["44'", 1], input: { seed: at('seed') }, output: at('o') }),
        (e: any) => e.code === 'InvalidArgument' && e.details.field === 'chain[1]' && e.details.procedure === 'Slip10Derive');
      await h.run(slip10Generate({ output: at('seed') }));
      assert.equal(h.db.recordExists(at('o')), false);
    });

    test('a key input must be exactly 64 bytes', async () => {
      const h = harness(provider);
      await h.run(writeVault({ data: new Uint8Array(32).fill(1), location: at('short') }));
      const err = await rejection(h.run(slip10Derive({ curve: 'ed25519', chain: ["0'"], input: { key: at('short') }, output: at('o') })));
      assert.equal(err.code, 'InvalidArgument');
      assert.equal(err.details.field, 'input.key');
      assert.equal(h.db.recordExists(at('o')), false);
    });

    test('Slip10Generate: 64 bytes by default, sizeBytes bounded to 16..64', async () => {
      const h = harness(provider);
      await h.run(slip10Generate({ output: at('g') }));
      assert.equal(h.db.recordInfo(at('g')).length, 64);
      await h.run(slip10Generate({ output: at('g16'), sizeBytes: 16 }));
      assert.equal(h.db.recordInfo(at('g16')).length, 16);
      assert.throws(() => slip10Generate({ output: at('g'), sizeBytes: 8 }), (e: any) => e.code === 'InvalidArgument' && e.details.field === 'sizeBytes');
    });
  });
}
