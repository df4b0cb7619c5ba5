/**
 * One process, 1,000 procedure calls in flight at once across 4 clients × 3 vaults: signatures, HMACs, writes,
 * generate-then-public-key chains, copies, revocations and calls that must fail. Every result is checked against
 * an independent computation (node:crypto from the known seeds), and the records afterwards (and after a save and
 * a reopen) match a model. Run inline, and in the secure zone process when it is built.
 */
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, createPublicKey, sign as nodeSign, verify } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Client } from '../../src/client/client.js';
import { Stronghold, type StrongholdOptions } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { copyRecord } from '../../src/procedures/copy-record.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { hmac } from '../../src/procedures/hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { revokeData } from '../../src/procedures/revoke-data.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { rng } from '../rng.js';
import { optionsFor } from '../runners.js';

const CLIENTS = 4;
const VAULTS = 3;
const KEYS = 4;
const CALLS = 1000;
const KEY = { key: new Uint8Array(32).fill(0x51) };
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');

const root = mkdtempSync(join(tmpdir(), 'stronghold-concurrency-'));
after(() => rmSync(root, { recursive: true, force: true }));


const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 131 + i * 17 + 7) & 0xff);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sigOf = (seed: Uint8Array, msg: Uint8Array): string => hex(nodeSign(null, msg, createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' })));
const hmacOf = (key: Uint8Array, msg: Uint8Array): string => createHmac('sha256', key).update(msg).digest('hex');

/** The model: which records each client's vaults hold (by location key), and the seed bytes where we know them. */
class Model {
  readonly records = new Map<string, Map<string, Uint8Array | null>>();
  key(c: number, v: number): string {
    return `c${c}/v${v}`;
  }
  put(c: number, v: number, r: string, secret: Uint8Array | null): void {
    const k = this.key(c, v);
    if (!this.records.has(k)) this.records.set(k, new Map());
    this.records.get(k)!.set(Location.generic(`v${v}`, r).recordKey, secret);
  }
  remove(c: number, v: number, r: string): void {
    this.records.get(this.key(c, v))?.delete(Location.generic(`v${v}`, r).recordKey);
  }
}

type Check = () => Promise<void> | void;

async function scenario(options: StrongholdOptions, seed: number): Promise<{ kinds: Record<string, number> }> {
  const path = join(root, `s${seed}.stronghold`);
  const sh = await Stronghold.open(path, KEY, { create: true, workFactor: 0, ...options });
  const model = new Model();
  const clients: Client[] = [];
  const seedOf = (c: number, v: number, k: number): Uint8Array => bytes(32, c * 100 + v * 10 + k);
  for (let c = 0; c < CLIENTS; c++) {
    const client = sh.createClient(`client-${c}`);
    clients.push(client);
    for (let v = 0; v < VAULTS; v++) {
      for (let k = 0; k < KEYS; k++) {
        client.writeSecret(Location.generic(`v${v}`, `k${k}`), seedOf(c, v, k));
        model.put(c, v, `k${k}`, seedOf(c, v, k));
      }
    }
  }
  const random = rng(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const kinds: Record<string, number> = {};
  const pending: Promise<Check>[] = [];
  for (let i = 0; i < CALLS; i++) {
    const c = pick(CLIENTS);
    const v = pick(VAULTS);
    const k = pick(KEYS);
    const client = clients[c]!;
    const source = Location.generic(`v${v}`, `k${k}`);
    const msg = bytes(1 + pick(200), i);
    const roll = random();
    const kind = roll < 0.35 ? 'sign' : roll < 0.5 ? 'hmac' : roll < 0.65 ? 'write' : roll < 0.75 ? 'generate' : roll < 0.85 ? 'copy' : roll < 0.93 ? 'revoke' : 'missing';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    switch (kind) {
      case 'sign': {
        const want = sigOf(seedOf(c, v, k), msg);
        pending.push(client.execute(ed25519Sign({ privateKey: source, msg })).then((sig) => () => assert.equal(hex(sig), want, `call ${i}: sign`)));
        break;
      }
      case 'hmac': {
        const want = hmacOf(seedOf(c, v, k), msg);
        pending.push(client.execute(hmac({ hashType: 'sha256', key: source, msg })).then((mac) => () => assert.equal(hex(mac), want, `call ${i}: hmac`)));
        break;
      }
      case 'write': {
        const data = bytes(32, 10_000 + i);
        model.put(c, v, `w${i}`, data);
        pending.push(client.execute(writeVault({ data, location: Location.generic(`v${v}`, `w${i}`) })).then(() => async () => {
          assert.equal(hex(await client.execute(hmac({ hashType: 'sha256', key: Location.generic(`v${v}`, `w${i}`), msg }))), hmacOf(data, msg), `call ${i}: written data`);
        }));
        break;
      }
      case 'generate': {
        const out = Location.generic(`v${v}`, `g${i}`);
        model.put(c, v, `g${i}`, null);
        pending.push(client.executeChain([generateKey({ keyType: 'ed25519', output: out }), publicKey({ keyType: 'ed25519', privateKey: out })]).then(([, pk]) => async () => {
          assert.equal((pk as Uint8Array).length, 32, `call ${i}: public key`);
          const sig = await client.execute(ed25519Sign({ privateKey: out, msg }));
          const key = createPublicKey({ key: Buffer.concat([SPKI, pk as Uint8Array]), format: 'der', type: 'spki' });
          assert.ok(verify(null, msg, key, sig), `call ${i}: generated key signs for its public key`);
        }));
        break;
      }
      case 'copy': {
        const tv = pick(VAULTS);
        const target = Location.generic(`v${tv}`, `c${i}`);
        model.put(c, tv, `c${i}`, seedOf(c, v, k));
        const want = sigOf(seedOf(c, v, k), msg);
        pending.push(client.execute(copyRecord({ source, target })).then(() => async () => {
          assert.equal(hex(await client.execute(ed25519Sign({ privateKey: target, msg }))), want, `call ${i}: copy`);
        }));
        break;
      }
      case 'revoke': {
        // A record of its own per revocation, so no other call races on it.
        const loc = Location.generic(`v${v}`, `x${i}`);
        client.writeSecret(loc, bytes(16, i));
        pending.push(client.execute(revokeData({ location: loc, shouldGc: true })).then(() => () => {
          assert.equal(client.recordExists(loc), false, `call ${i}: revoked`);
        }));
        break;
      }
      default: {
        const loc = Location.generic(`v${v}`, `nothing-${i}`);
        pending.push(client.execute(ed25519Sign({ privateKey: loc, msg })).then(
          () => () => assert.fail(`call ${i}: signing with a missing record succeeded`),
          (e: unknown) => () => assert.ok(isStrongholdError(e, 'RecordNotFound') || isStrongholdError(e, 'VaultNotFound') || isStrongholdError(e, 'ProcedureFailed'), `call ${i}: ${String(e)}`),
        ));
      }
    }
  }
  const checks = await Promise.all(pending);
  for (const check of checks) await check();

  const compare = (s: Stronghold, when: string): void => {
    for (let c = 0; c < CLIENTS; c++) {
      const client = s.getClient(`client-${c}`);
      for (let v = 0; v < VAULTS; v++) {
        const listed = client.listRecords(`v${v}`).map((r) => r.id).sort();
        const expected = [...(model.records.get(model.key(c, v))?.keys() ?? [])].sort();
        assert.deepEqual(listed, expected, `${when}: records of client ${c} vault ${v}`);
      }
    }
  };
  compare(sh, 'after the calls');
  await sh.save();
  await sh.close();
  const again = await Stronghold.open(path, KEY, { readOnly: true });
  for (let c = 0; c < CLIENTS; c++) again.loadClient(`client-${c}`);
  compare(again, 'after save and reopen');
  // Stored seeds still sign as the model says.
  const msg = bytes(10, 1);
  for (let c = 0; c < CLIENTS; c++) {
    assert.equal(hex(await again.getClient(`client-${c}`).execute(ed25519Sign({ privateKey: Location.generic('v0', 'k0'), msg }))), sigOf(seedOf(c, 0, 0), msg));
  }
  await again.close();
  return { kinds };
}

describe('1,000 concurrent procedure calls', () => {
  test('inline: every result correct, final state matches the model (also after save and reopen)', { timeout: 120_000 }, async (t) => {
    const seed = (Math.random() * 2 ** 31) >>> 0;
    const { kinds } = await scenario({}, seed);
    t.diagnostic(`seed ${seed}; ${JSON.stringify(kinds)}`);
  });

  const worker = new URL('../../dist/zone/worker.js', import.meta.url);
  test('in the secure zone process', { timeout: 180_000, skip: existsSync(worker) ? false : 'the zone worker is not built (npm run build)' }, async (t) => {
    const seed = (Math.random() * 2 ** 31) >>> 0;
    const { kinds } = await scenario(optionsFor('process'), seed);
    t.diagnostic(`seed ${seed}; ${JSON.stringify(kinds)}`);
  });
});
