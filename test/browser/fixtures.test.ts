/**
 * Every IOTA SDK fixture opened in a real Chromium, in the zone worker: the addresses its README lists come out of
 * the seed record (SLIP-10 and the public key in the worker; BLAKE2b and bech32 of the key here). The work factor
 * 19 files take their own scrypt in the page's noble implementation.
 */
import assert from 'node:assert/strict';
import { blake2b } from '@noble/hashes/blake2.js';
import { bech32 } from '@scure/base';
import { describe, test } from 'node:test';
import { addressChain, IOTA_FIXTURES, type AddressCheck } from '../iota-sdk-fixtures.js';
import { browserSession, skipReason } from './harness.js';

const session = browserSession();

const address = (pub: string, hrp: string): string =>
  bech32.encode(hrp, bech32.toWords(Uint8Array.from([0, ...blake2b(Buffer.from(pub, 'hex'), { dkLen: 32 })])));

interface Opened {
  version: number;
  storage: string;
  protection: { guardPages: boolean; locked: boolean; wiped: boolean };
  progress: string[];
  keys: string[];
}

describe('IOTA SDK fixtures in Chromium', { skip: skipReason }, () => {
  for (const f of IOTA_FIXTURES) {
    test(f.file, async () => {
      const checks: AddressCheck[] = f.addressHash
        ? [{ coin: f.addressHash.coin, account: 0, internal: false, index: 0, hrp: 'rms', address: '' }]
        : f.addresses;
      const r = await session.call<Opened>('fixtures.js', 'fixturePublicKeys', f.file, f.password, checks.map(addressChain));
      assert.equal(r.version, f.version);
      assert.equal(r.storage, 'memory');
      // v3 files report their scrypt (start, ticks, done); v2 files have no scrypt. At work factor 19 noble's async
      // scrypt reports how far it is, so the ticks carry a growing fraction.
      const phases = r.progress.map((p) => p.split(' ')[0]);
      assert.deepEqual([phases[0], phases.at(-1)], f.version === 3 ? ['start', 'done'] : [undefined, undefined]);
      if (f.workFactor === 19) {
        const fractions = r.progress.filter((p) => p.startsWith('tick ')).map((p) => Number(p.split(' ')[1]));
        assert.ok(fractions.length > 0 && fractions.every((x, i) => x > 0 && x <= 1 && (i === 0 || x >= fractions[i - 1]!)), r.progress.join(', '));
      }
      assert.equal(r.protection.guardPages, false, 'the browser memory module says it has no guard pages');
      if (f.addressHash) {
        const words = bech32.decode(address(r.keys[0]!, 'rms') as `${string}1${string}`).words;
        assert.equal(Buffer.from(bech32.fromWords(words)).subarray(1).toString('hex'), f.addressHash.hash);
      }
      for (const [i, a] of f.addresses.entries()) assert.equal(address(r.keys[i]!, a.hrp), a.address, `${a.coin}/${a.account}/${a.internal ? 1 : 0}/${a.index}`);
    });
  }

  test('the page logged no error', () => assert.deepEqual(session.errors, []));
});
