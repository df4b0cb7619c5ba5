/**
 * The zone pool (src/zone/pool.ts): a chain past its deadline runs in its own zone while other callers' chains
 * go on in another; one caller never holds every zone; chains of one client on a common vault see each other's
 * writes in order; a chain aborted while it waits never runs, one aborted while it runs leaves nothing behind;
 * small fixed-cost chains run inline without starting a zone. Signatures are checked with node:crypto.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { ClientDb } from '../../src/engine/db.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError, StrongholdError } from '../../src/errors.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { pbkdf2Hmac } from '../../src/procedures/pbkdf2-hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { ZoneRunner } from '../../src/zone/host.js';
import { ZonePool } from '../../src/zone/pool.js';

const at = (record: string, vault = 'v'): Location => Location.generic(vault, record);
const MSG = Uint8Array.of(1, 2, 3);
/** Far more work than any test waits for: it ends only when its signal stops it. */
const endless = (output: Location) => pbkdf2Hmac({ hashType: 'sha512', password: Uint8Array.of(1), salt: Uint8Array.of(2), count: 0x7fff_ffff, output });
const deadline = (): { signal: AbortSignal; stop: () => void } => {
  const c = new AbortController();
  return { signal: c.signal, stop: () => c.abort(new StrongholdError('Timeout', 'test deadline', { operation: 'test', ms: 0 })) };
};
const timedOut = (e: unknown): boolean => isStrongholdError(e, 'Timeout');

function verifies(pub: unknown, sig: unknown): boolean {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub as Uint8Array]), format: 'der', type: 'spki' });
  return verify(null, MSG, key, sig as Uint8Array);
}

async function keyed(pool: ZonePool, db: ClientDb): Promise<Uint8Array> {
  const [, pub] = await pool.run(db, [generateKey({ keyType: 'ed25519', output: at('k', 'keys') }), publicKey({ keyType: 'ed25519', privateKey: at('k', 'keys') })]);
  return pub as Uint8Array;
}

describe('zone pool', { timeout: 90_000 }, () => {
  test('one caller running endless chains holds one zone of two; another caller signs meanwhile', async () => {
    const pool = new ZonePool({ size: 2, inline: 'none' });
    try {
      const db = new ClientDb(new Uint8Array(24).fill(1));
      const pub = await keyed(pool, db);
      const d = deadline();
      const slow = [1, 2, 3].map((i) => pool.run(db, [endless(at(`slow${i}`, 'scratch'))], { caller: 'hostile', signal: d.signal }));
      for (let i = 0; i < 5; i++) {
        const [sig] = await pool.run(db, [ed25519Sign({ privateKey: at('k', 'keys'), msg: MSG })], { caller: 'legit' });
        assert.ok(verifies(pub, sig));
      }
      d.stop();
      await Promise.all(slow.map((s) => assert.rejects(s, timedOut)));
      for (const i of [1, 2, 3]) assert.equal(db.recordExists(at(`slow${i}`, 'scratch')), false);
    } finally {
      await pool.close();
    }
  });

  test('chains of one client on a common vault run in order, each seeing the writes before it', async () => {
    const pool = new ZonePool({ size: 2, inline: 'none' });
    try {
      const db = new ClientDb(new Uint8Array(24).fill(2));
      // Issued in one tick by two callers: without ordering, the second would run in the other zone on a
      // state without the key, and fail with RecordNotFound.
      const made = pool.run(db, [generateKey({ keyType: 'ed25519', output: at('k') })], { caller: 'a' });
      const used = pool.run(db, [publicKey({ keyType: 'ed25519', privateKey: at('k') })], { caller: 'b' });
      await made;
      const [pub] = await used;
      const [sig] = await pool.run(db, [ed25519Sign({ privateKey: at('k'), msg: MSG })], { caller: 'c' });
      assert.ok(verifies(pub, sig));
    } finally {
      await pool.close();
    }
  });

  test('a chain aborted while it waits never runs; one aborted while it runs keeps none of its writes', async () => {
    const pool = new ZonePool({ size: 1, inline: 'none' });
    try {
      const db = new ClientDb(new Uint8Array(24).fill(3));
      await pool.run(db, [writeVault({ data: Uint8Array.of(1), location: at('warm', 'w') })]);
      const firstPid = pool.pids[0];
      const running = deadline();
      const waiting = deadline();
      const slow = pool.run(db, [writeVault({ data: Uint8Array.of(2), location: at('during', 's') }), endless(at('derived', 's'))], { caller: 'p', signal: running.signal });
      const late = pool.run(db, [writeVault({ data: Uint8Array.of(3), location: at('late', 'l') })], { caller: 'p', signal: waiting.signal });
      waiting.stop();
      await assert.rejects(late, timedOut);
      // The slow chain is in its zone by now (PBKDF2 of 2^31 iterations takes hours): stopping it kills the zone.
      await new Promise((resolve) => setTimeout(resolve, 200));
      running.stop();
      await assert.rejects(slow, timedOut);
      // The next chain runs on a new zone; the aborted ones left nothing, and the waiting one never ran later.
      await pool.run(db, [writeVault({ data: Uint8Array.of(4), location: at('after', 'w') })]);
      assert.notEqual(pool.pids[0], firstPid);
      for (const loc of [at('during', 's'), at('derived', 's'), at('late', 'l')]) assert.equal(db.recordExists(loc), false);
      assert.equal(db.recordExists(at('after', 'w')), true);
    } finally {
      await pool.close();
    }
  });

  test('a small fixed-cost chain runs inline, a PBKDF2 in a zone', async () => {
    const pool = new ZonePool({ size: 2 });
    try {
      const db = new ClientDb(new Uint8Array(24).fill(4));
      const pub = await keyed(pool, db);
      const [sig] = await pool.run(db, [ed25519Sign({ privateKey: at('k', 'keys'), msg: MSG })]);
      assert.ok(verifies(pub, sig));
      assert.deepEqual(pool.pids, [undefined, undefined]);
      await pool.run(db, [pbkdf2Hmac({ hashType: 'sha256', password: Uint8Array.of(1), salt: Uint8Array.of(2), count: 10, output: at('d', 'kdf') })]);
      assert.equal(pool.pids.filter((p) => p !== undefined).length, 1);
      assert.equal(db.recordExists(at('d', 'kdf')), true);
    } finally {
      await pool.close();
    }
  });
});

describe('zone runner and signals', { timeout: 60_000 }, () => {
  test('a chain queued behind a long one and aborted meanwhile is never run', async () => {
    const runner = new ZoneRunner({ timeoutMs: 60_000 });
    try {
      const db = new ClientDb(new Uint8Array(24).fill(5));
      const running = deadline();
      const waiting = deadline();
      const slow = runner.run(db, [endless(at('derived', 's'))], { signal: running.signal });
      // Let the slow chain leave as its own request, so the next one waits in the queue.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const late = runner.run(db, [writeVault({ data: Uint8Array.of(3), location: at('late', 'l') })], { signal: waiting.signal });
      waiting.stop();
      running.stop();
      await Promise.all([assert.rejects(late, timedOut), assert.rejects(slow, timedOut)]);
      await runner.run(db, [writeVault({ data: Uint8Array.of(4), location: at('after', 'w') })]);
      assert.equal(db.recordExists(at('late', 'l')), false);
      assert.equal(db.recordExists(at('after', 'w')), true);
    } finally {
      await runner.close();
    }
  });
});
