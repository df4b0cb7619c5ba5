/**
 * Ed25519 signing side by side, in one run, rounds interleaved so every contender sees the same machine:
 * - our procedure layer through the public API (`client.execute(ed25519Sign(...))`: record opened into guarded
 *   memory, policy checked, signed, wiped), inline, and in the secure zone process when the zone exists;
 * - raw libsodium (`sodium-native` `crypto_sign_detached`, expanded 64-byte key kept in a Buffer);
 * - `node:crypto.sign` with a KeyObject (OpenSSL);
 * - `@noble/curves` `ed25519.sign` from the 32-byte seed (pure JS).
 * All sign the same 64-byte message with the same seed; the signatures are checked equal before timing.
 * Ratios are taken per round against raw libsodium. Runnable alone: `npx tsx bench/ed25519.ts [--quick]`.
 * @module
 */
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import sodium from 'sodium-native';
import type { ProcedureRunner } from '../src/exec/runner.js';
import { Stronghold } from '../src/client/stronghold.js';
import { Location } from '../src/engine/location.js';
import { ed25519Sign } from '../src/procedures/ed25519-sign.js';
import { formatTable, rate, rowOf, type BenchOptions, type Row } from './report.js';

const AREA = 'ed25519';
/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410 §7), followed by the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signer under test: a name, a short label for the chart, a function that signs the fixed message, and how to release it. */
export interface Contender {
  name: string;
  label: string;
  sign: () => Promise<Uint8Array> | Uint8Array;
  close?: () => Promise<void>;
}

/** The fixed seed and message of every contender (test data, not a secret). */
export const SEED = new Uint8Array(32).fill(0x42);
export const MESSAGE = new Uint8Array(64).fill(0x61);

/** Our layer: a Stronghold with the seed at one record, signing through `execute`. */
export async function layerContender(name: string, label: string, options: Parameters<typeof Stronghold.create>[0] = {}): Promise<Contender> {
  const sh = Stronghold.create(options);
  const client = sh.createClient('bench');
  const loc = Location.generic('keys', 'ed25519');
  client.writeSecret(loc, SEED);
  const call = ed25519Sign({ privateKey: loc, msg: MESSAGE });
  return { name, label, sign: () => client.execute(call), close: () => sh.close() };
}

/** The zone contender when the zone has landed: a Stronghold whose procedures run in the zone process (`ZoneRunner`). */
async function zoneContender(): Promise<Contender | string> {
  const hostUrl = new URL('../src/zone/host.ts', import.meta.url);
  if (!existsSync(hostUrl)) return 'the secure zone (src/zone/host.ts) does not exist yet';
  try {
    const { ZoneRunner } = (await import(hostUrl.href)) as { ZoneRunner: new () => ProcedureRunner & { start(): Promise<void> } };
    const runner = new ZoneRunner();
    await runner.start();
    return await layerContender('Ed25519Sign, procedure layer (zone process)', 'procedure layer (zone process)', { runner });
  } catch (e) {
    return `the zone could not start (${e instanceof Error ? e.message : String(e)})`;
  }
}

function rawContenders(): Contender[] {
  const pk = Buffer.alloc(32);
  const sk = sodium.sodium_malloc(64);
  sodium.crypto_sign_seed_keypair(pk, sk, Buffer.from(SEED));
  const msg = Buffer.from(MESSAGE);
  const keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, SEED]), format: 'der', type: 'pkcs8' });
  return [
    {
      name: 'libsodium crypto_sign_detached (sodium-native)',
      label: 'libsodium',
      sign: () => {
        const sig = Buffer.alloc(64);
        sodium.crypto_sign_detached(sig, msg, sk);
        return sig;
      },
      close: async () => sodium.sodium_memzero(sk),
    },
    { name: 'node:crypto sign (OpenSSL)', label: 'node:crypto', sign: () => nodeSign(null, msg, keyObject) },
    { name: '@noble/curves ed25519.sign', label: '@noble/curves', sign: () => ed25519.sign(MESSAGE, SEED) },
  ];
}

export async function benchEd25519(opts: BenchOptions = { quick: false }): Promise<{ rows: Row[]; skipped?: string }> {
  const ms = opts.quick ? 200 : 1000;
  const rounds = opts.quick ? 1 : 5;
  const contenders: Contender[] = [await layerContender('Ed25519Sign, procedure layer (inline)', 'procedure layer (inline)')];
  const zone = await zoneContender();
  if (typeof zone !== 'string') contenders.push(zone);
  const raw = rawContenders();
  contenders.push(...raw);
  const reference = raw[0]!;
  try {
    const expected = Buffer.from(await reference.sign()).toString('hex');
    for (const c of contenders) {
      const got = Buffer.from(await c.sign()).toString('hex');
      if (got !== expected) throw new Error(`${c.name} gives a different signature`);
    }
    const rates = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
    const ratios = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
    for (let r = 0; r < rounds; r++) {
      // Rotate the order so no contender always runs first (warm caches) or last.
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
      const round = new Map<Contender, number>();
      for (const c of order) round.set(c, await rate(ms, c.sign));
      for (const c of contenders) {
        rates.get(c)!.push(round.get(c)!);
        ratios.get(c)!.push(round.get(c)! / round.get(reference)!);
      }
    }
    const rows: Row[] = [];
    const note = `64-byte message; median of ${rounds} rounds × ${ms} ms, order rotating`;
    for (const c of contenders) rows.push(rowOf({ area: AREA, name: c.name, unit: 'signatures/s', note }, rates.get(c)!));
    for (const c of contenders) {
      if (c === reference) continue;
      rows.push(rowOf({
        area: AREA, name: `${c.name} / libsodium`, unit: 'x', note: 'per-round ratio',
        ...(c === contenders[0] ? { target: '>= 0.5x' } : {}),
        chart: `Ed25519: ${c.label} / libsodium`,
      }, ratios.get(c)!));
    }
    return typeof zone === 'string' ? { rows, skipped: `zone mode: ${zone}` } : { rows };
  } finally {
    for (const c of contenders) await c.close?.();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, skipped } = await benchEd25519({ quick: process.argv.includes('--quick') });
  console.log(formatTable(rows));
  if (skipped) console.log(`skipped: ${skipped}`);
}
