/**
 * Issue 4 figures: Ed25519Sign through the procedure layer (record opened into guarded memory, policy
 * checked, signed, wiped) next to raw sodium-native `crypto_sign_detached` with the same key in the same run;
 * Secp256k1EcdsaSign; Slip10Derive of a five-segment path; BIP39Recover. Native provider.
 * Runnable alone: `npx tsx bench/procedures.ts [--quick]`.
 */
import { fileURLToPath } from 'node:url';
import sodium from 'sodium-native';
import { runChain } from '../src/client/chain.js';
import { nativeProvider } from '../src/crypto/native.js';
import { ClientDb } from '../src/engine/db.js';
import { Location } from '../src/engine/location.js';
import { bip39Recover } from '../src/procedures/bip39-recover.js';
import { ed25519Sign } from '../src/procedures/ed25519-sign.js';
import { generateKey } from '../src/procedures/generate-key.js';
import { secp256k1EcdsaSign } from '../src/procedures/secp256k1-ecdsa-sign.js';
import { slip10Derive } from '../src/procedures/slip10-derive.js';
import { writeVault } from '../src/procedures/write-vault.js';
import type { ProcedureCall } from '../src/procedures/types.js';
import { formatTable, medianOf, type BenchOptions, type Row } from './report.js';

/** Operations per second of `op` over about `ms` milliseconds (at least `min` operations). */
async function rate(ms: number, op: () => unknown, min = 3): Promise<number> {
  for (let i = 0; i < min; i++) await op();
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms || n < min) {
    await op();
    n++;
    elapsed = performance.now() - t0;
  }
  return n / (elapsed / 1000);
}

export async function benchProcedures(opts: BenchOptions = { quick: false }): Promise<Row[]> {
  const ms = opts.quick ? 300 : 1000;
  const runs = opts.quick ? 1 : 3;
  const provider = nativeProvider;
  const db = new ClientDb(new Uint8Array(24).fill(1));
  const run = (call: ProcedureCall<any, any>) => runChain(db, provider, [call]);
  const loc = (r: string) => Location.generic('bench', r);

  const seed = new Uint8Array(32).fill(0x42);
  await run(writeVault({ data: seed, location: loc('ed') }));
  const msg = new Uint8Array(64).fill(0x61);
  const signCall = ed25519Sign({ privateKey: loc('ed'), msg });
  const pk = Buffer.alloc(32);
  const sk = Buffer.alloc(64);
  sodium.crypto_sign_seed_keypair(pk, sk, Buffer.from(seed));
  const sig = Buffer.alloc(64);
  const msgBuf = Buffer.from(msg);
  const viaLayer = (await run(signCall))[0] as Uint8Array;
  sodium.crypto_sign_detached(sig, msgBuf, sk);
  if (!sig.equals(viaLayer)) throw new Error('procedure and raw signatures differ');

  // Interleave the two measurements so that both see the same machine state.
  const layer: number[] = [];
  const raw: number[] = [];
  const rawFromSeed: number[] = [];
  const seedBuf = Buffer.from(seed);
  for (let i = 0; i < runs; i++) {
    layer.push(await rate(ms, () => run(signCall)));
    raw.push(await rate(ms, () => sodium.crypto_sign_detached(sig, msgBuf, sk)));
    rawFromSeed.push(await rate(ms, () => {
      sodium.crypto_sign_seed_keypair(pk, sk, seedBuf);
      sodium.crypto_sign_detached(sig, msgBuf, sk);
    }));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const layerRate = median(layer);
  const rawRate = median(raw);
  const seedRate = median(rawFromSeed);
  sodium.sodium_memzero(sk);

  await run(generateKey({ keyType: 'secp256k1', output: loc('k1') }));
  const secpCall = secp256k1EcdsaSign({ flavor: 'keccak256', privateKey: loc('k1'), msg });
  const secp = await medianOf(runs, () => rate(ms, () => run(secpCall)));

  await run(writeVault({ data: new Uint8Array(64).fill(7), location: loc('seed') }));
  const deriveCall = slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", "0'", "0'", "0'"], input: { seed: loc('seed') }, output: loc('derived') });
  const derive = await medianOf(runs, () => rate(ms, () => run(deriveCall)));

  const mnemonic = new TextEncoder().encode('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
  const recoverCall = bip39Recover({ mnemonic, passphrase: 'TREZOR', language: 'english', output: loc('bip39') });
  const recover = await medianOf(runs, () => rate(ms, () => run(recoverCall)));

  const note = `native provider, median of ${runs} × ${ms} ms`;
  return [
    { area: 'procedures', name: 'Ed25519Sign (procedure layer)', value: layerRate, unit: 'ops/s', note: `${note}; 64-byte message` },
    { area: 'procedures', name: 'crypto_sign_detached (raw sodium, same key)', value: rawRate, unit: 'ops/s', note: 'expanded 64-byte secret key, no record' },
    { area: 'procedures', name: 'Ed25519Sign / raw', value: (100 * layerRate) / rawRate, unit: '%', target: '>= 50%', note: 'same run, interleaved' },
    {
      area: 'procedures', name: 'seed_keypair + sign_detached (raw sodium from the 32-byte seed)', value: seedRate, unit: 'ops/s',
      note: `what a stored seed costs before any record handling: the layer reaches ${Math.round((100 * layerRate) / seedRate)}% of it`,
    },
    { area: 'procedures', name: 'Secp256k1EcdsaSign (keccak256)', value: secp.median, unit: 'ops/s', note },
    { area: 'procedures', name: "Slip10Derive m/44'/4218'/0'/0'/0' (ed25519)", value: derive.median, unit: 'ops/s', note: `${note}; stores the key` },
    { area: 'procedures', name: 'BIP39Recover (12 words, validated)', value: recover.median, unit: 'ops/s', note: `${note}; PBKDF2 2048 rounds` },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatTable(await benchProcedures({ quick: process.argv.includes('--quick') })));
}
