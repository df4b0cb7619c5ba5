/**
 * Issue 4 figures: Ed25519Sign through the procedure layer (policy read, record opened into guarded memory,
 * signed, wiped) next to raw sodium-native `crypto_sign_detached` with the same key in the same run;
 * Secp256k1EcdsaSign; Slip10Derive of a five-segment path; BIP39Recover. Native provider.
 * Runnable alone: `npx tsx bench/procedures.ts [--quick]`.
 * @module
 */
import { fileURLToPath } from 'node:url';
import sodium from 'sodium-native';
import { runChain } from '../src/exec/chain.js';
import { nativeProvider } from '../src/crypto/native.js';
import { ClientDb } from '../src/engine/db.js';
import { Location } from '../src/engine/location.js';
import { bip39Recover } from '../src/procedures/bip39-recover.js';
import { ed25519Sign } from '../src/procedures/ed25519-sign.js';
import { generateKey } from '../src/procedures/generate-key.js';
import { secp256k1EcdsaSign } from '../src/procedures/secp256k1-ecdsa-sign.js';
import { slip10Derive } from '../src/procedures/slip10-derive.js';
import type { ProcedureCall } from '../src/procedures/types.js';
import { writeVault } from '../src/procedures/write-vault.js';
import { formatTable, rate, rowOf, type BenchOptions, type Row } from './report.js';

export async function benchProcedures(opts: BenchOptions = { quick: false }): Promise<Row[]> {
  const ms = opts.quick ? 300 : 1000;
  const runs = opts.quick ? 1 : 3;
  const db = new ClientDb(new Uint8Array(24).fill(1));
  const run = (call: ProcedureCall<any, any>) => runChain(db, nativeProvider, [call]);
  const loc = (r: string) => Location.generic('bench', r);
  const times = async (op: () => unknown): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) out.push(await rate(ms, op));
    return out;
  };

  const seed = Buffer.alloc(32, 0x42);
  await run(writeVault({ data: seed, location: loc('ed') }));
  const msg = Buffer.alloc(64, 0x61);
  const signCall = ed25519Sign({ privateKey: loc('ed'), msg });
  const pk = Buffer.alloc(32);
  const sk = Buffer.alloc(64);
  const sig = Buffer.alloc(64);
  sodium.crypto_sign_seed_keypair(pk, sk, seed);
  sodium.crypto_sign_detached(sig, msg, sk);
  if (!sig.equals((await run(signCall))[0] as Uint8Array)) throw new Error('procedure and raw signatures differ');

  // Interleaved, so that the layer, raw sodium and raw-from-seed see the same machine state in each round.
  const layer: number[] = [];
  const raw: number[] = [];
  const fromSeed: number[] = [];
  for (let i = 0; i < runs; i++) {
    layer.push(await rate(ms, () => run(signCall)));
    raw.push(await rate(ms, () => sodium.crypto_sign_detached(sig, msg, sk)));
    fromSeed.push(await rate(ms, () => {
      sodium.crypto_sign_seed_keypair(pk, sk, seed);
      sodium.crypto_sign_detached(sig, msg, sk);
    }));
  }
  sodium.sodium_memzero(sk);
  sodium.sodium_memzero(seed);

  await run(generateKey({ keyType: 'secp256k1', output: loc('k1') }));
  const secp = await times(() => run(secp256k1EcdsaSign({ flavor: 'keccak256', privateKey: loc('k1'), msg })));

  await run(writeVault({ data: new Uint8Array(64).fill(7), location: loc('seed') }));
  const deriveCall = slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", "0'", "0'", "0'"], input: { seed: loc('seed') }, output: loc('derived') });
  const derive = await times(() => run(deriveCall));

  const mnemonic = new TextEncoder().encode('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
  const recoverCall = bip39Recover({ mnemonic, passphrase: 'TREZOR', language: 'english', output: loc('bip39') });
  const recover = await times(() => run(recoverCall));

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const note = `native provider, ${ms} ms per run`;
  const area = 'procedures';
  return [
    rowOf({ area, name: 'Ed25519Sign (procedure layer)', unit: 'ops/s', note: `${note}; 64-byte message` }, layer),
    rowOf({ area, name: 'crypto_sign_detached (raw sodium, same key)', unit: 'ops/s', note: 'expanded 64-byte secret key, no record' }, raw),
    rowOf({ area, name: 'Ed25519Sign / raw sodium', unit: 'x', target: '>= 0.5x', chart: 'Ed25519Sign via procedures / raw sodium', note: 'same run, interleaved' },
      layer.map((l, i) => l / raw[i]!)),
    rowOf({
      area, name: 'seed_keypair + sign_detached (raw sodium from the seed)', unit: 'ops/s',
      note: `a stored Ed25519 key is a 32-byte seed, as in Rust; the layer reaches ${Math.round((100 * median(layer)) / median(fromSeed))}% of this`,
    }, fromSeed),
    rowOf({ area, name: 'Secp256k1EcdsaSign (keccak256)', unit: 'ops/s', note }, secp),
    rowOf({ area, name: "Slip10Derive m/44'/4218'/0'/0'/0' (ed25519)", unit: 'ops/s', note: `${note}; stores the 64-byte key` }, derive),
    rowOf({ area, name: 'BIP39Recover (12 words, validated)', unit: 'ops/s', note: `${note}; PBKDF2-HMAC-SHA512, 2048 rounds` }, recover),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatTable(await benchProcedures({ quick: process.argv.includes('--quick') })));
}
