/**
 * The zone's per-chain deadline: a chain that runs past it (a PBKDF2 of 2^31 - 1 iterations, hours of CPU) fails
 * with Timeout, its process is killed and replaced, and none of its writes reach the host's vault; a chain that
 * shared a batch with it is run again alone and succeeds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nativeProvider } from '../../src/crypto/native.js';
import { ClientDb } from '../../src/engine/db.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { pbkdf2Hmac } from '../../src/procedures/pbkdf2-hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { ZoneRunner } from '../../src/zone/host.js';

const at = (record: string, vault = 'v'): Location => Location.generic(vault, record);
const MSG = Uint8Array.of(7, 7, 7);
const DEADLINE_MS = 200;
/** Far more work than the deadline allows on any machine. */
const endless = (output: Location) => pbkdf2Hmac({ hashType: 'sha512', password: Uint8Array.of(1), salt: Uint8Array.of(2), count: 0x7fff_ffff, output });
const timedOut = (e: unknown): boolean => isStrongholdError(e, 'Timeout') && e.details.ms === DEADLINE_MS;

describe('zone deadline', { timeout: 60_000 }, () => {
  test('a chain past its deadline fails with Timeout, the zone is replaced and none of its writes are kept', async () => {
    const runner = new ZoneRunner({ timeoutMs: DEADLINE_MS });
    try {
      const db = new ClientDb(new Uint8Array(24).fill(5));
      await runner.run(db, [writeVault({ data: Uint8Array.of(1), location: at('before') })]);
      const firstPid = runner.pid;
      const version = db.recordVersion(at('before'));
      // Writes first (an overwrite and a new record), then the step that cannot finish.
      await assert.rejects(runner.run(db, [
        writeVault({ data: Uint8Array.of(2), location: at('before') }),
        writeVault({ data: Uint8Array.of(3), location: at('during') }),
        endless(at('derived')),
      ]), timedOut);
      assert.equal(db.recordExists(at('during')), false);
      assert.equal(db.recordExists(at('derived')), false);
      // The overwritten record is still the version written before the chain.
      assert.equal(db.recordVersion(at('before')), version);
      // A new zone takes the next chain, on the state the host kept.
      const [, pub] = await runner.run(db, [generateKey({ keyType: 'ed25519', output: at('key') }), publicKey({ keyType: 'ed25519', privateKey: at('key') })]);
      assert.notEqual(runner.pid, firstPid);
      const [sig] = await runner.run(db, [ed25519Sign({ privateKey: at('key'), msg: MSG })]);
      assert.ok(nativeProvider.ed25519Verify(pub as Uint8Array, MSG, sig as Uint8Array));
    } finally {
      await runner.close();
    }
  });

  test('chains batched with one past the deadline run again alone: only that one fails', async () => {
    const runner = new ZoneRunner({ timeoutMs: DEADLINE_MS });
    try {
      const db = new ClientDb(new Uint8Array(24).fill(6));
      const [, pub] = await runner.run(db, [generateKey({ keyType: 'ed25519', output: at('key') }), publicKey({ keyType: 'ed25519', privateKey: at('key') })]);
      // Issued in one tick for one client: the zone gets them as one batch.
      const slow = runner.run(db, [endless(at('derived'))]);
      const signs = [1, 2, 3].map(() => runner.run(db, [ed25519Sign({ privateKey: at('key'), msg: MSG })]));
      const write = runner.run(db, [writeVault({ data: Uint8Array.of(9), location: at('after') })]);
      await assert.rejects(slow, timedOut);
      for (const s of signs) assert.ok(nativeProvider.ed25519Verify(pub as Uint8Array, MSG, (await s)[0] as Uint8Array));
      await write;
      assert.equal(db.recordExists(at('after')), true);
      assert.equal(db.recordExists(at('derived')), false);
    } finally {
      await runner.close();
    }
  });
});
