/**
 * The IOTA SDK fixtures (../shared/fixtures/iota-sdk/README.md): each snapshot is opened read-only, and the
 * addresses its README lists are derived through the procedures alone: Slip10Derive along
 * m/44'/coin'/account'/change'/index' (all hardened), PublicKey, then BLAKE2b-256 (provider) and bech32 of
 * 0x00 || hash. Derived keys go to a scratch vault of the in-memory copy; nothing is saved.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bech32 } from '@scure/base';
import { Stronghold } from '../../src/client/stronghold.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { PROVIDERS } from './helpers.js';

const FIXTURES = new URL('../../../shared/fixtures/iota-sdk/', import.meta.url);
const SEED = { vault: 'iota-wallet-secret', record: 'iota-wallet-seed' };

interface Expect { coin: number; path: [number, number, number]; hrp: string; address: string }
interface Fixture { file: string; password: string; expect: Expect[] }

const rms = (coin: number, path: [number, number, number], address: string): Expect => ({ coin, path, hrp: address.split('1')[0]!, address });

const FILES: Fixture[] = [
  { file: 'v2.stronghold', password: 'current_password', expect: [
    rms(4219, [0, 0, 0], 'rms1qrzyp87nqvcdctwrc7yzxjnwwetagffslhuknmey8t4fdf6552dnjxuaj3u'),
    rms(4219, [0, 0, 9], 'rms1qqrsl203x9wq29a2amcdszsps2lz7q20mqkh8t8vch0rz86pss9fwa8pjgx')] },
  { file: 'v2_with_backup.stronghold', password: 'current_password', expect: [
    rms(4219, [0, 0, 0], 'rms1qza3rek2ffhxtfjpaswfsc9hkekj7j5lrmzkp5fmr2wzlnz56hhvskcs4mz'),
    rms(4219, [0, 0, 9], 'rms1qqee8vjh3pqehpm5p53s45y4e7f5kusxnadt35hqyp5vvkrf8e3z2rrd3t9')] },
  { file: 'chrysalis-backup-work-factor-0.stronghold', password: 'password', expect: [
    rms(4218, [0, 0, 0], 'rms1qqqu7qry22f6v7d2d9aesny9vjtf56unpevkfzfudddlcq5ja9clv44sef6'),
    rms(4218, [0, 1, 0], 'rms1qz4tac74vympq4hqqz8g9egrkhscn9743svd9xxh2w99qf5cd8vcxrmspmw'),
    rms(4218, [1, 0, 0], 'rms1qql3h5vxh2sxa93yadh7f4rkr7f9g9e65wlytazeu688mpcvhvmd2xvfq8y'),
    rms(4218, [1, 1, 0], 'rms1qq4c9kl7vz0yssjw02w7jda56lec4ss3anfq03gwzdxzl92hcfjz7daxdfg')] },
  { file: 'no_secret_manager_data.stronghold', password: 'some_hopefully_secure_password', expect: [
    { coin: 4218, path: [0, 0, 0], hrp: '', address: 'c2ece328eb3d9bbc51d471dd17fd3665aa8c6bae63c78d64c13977efbb8b011e' }] },
  { file: 'check_existing_db_test/strongholdfile', password: 'STRONGHOLD_PASSWORD', expect: [
    rms(4219, [0, 0, 0], 'rms1qzsw70tha0y4n78s0x0p99ayvz7nl7mzcye7yk8l3s8m6zrfg7slud2ve9f'),
    rms(4219, [0, 1, 0], 'rms1qzjwe5plkaywncpv32x5dqqav8fe9zgyzl78cmjlnvzlcghnx489wuevhzf'),
    rms(4219, [0, 0, 1], 'rms1qzjclfjq0azmq2yzkkk7ugfhdf55nzvs57r8twk2h36wuqv950dxv00tzfx')] },
  { file: 'check_existing_2_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', expect: [
    rms(4219, [0, 0, 0], 'tst1qqpaynvgh3d3q30zjzjz27g95pzsevw2m5pk75rq32vm7x8ap7hpy2pdy9y')] },
  { file: 'check_existing_3_db_test/walletstronghold', password: 'A12345678*', expect: [
    rms(4219, [0, 0, 0], 'rms1qrhdre8ra8n42h30zkf9jjlezefrull082dgcrtrpfyng3qtsgnywquf58d')] },
  { file: 'check_existing_4_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', expect: [
    rms(4219, [0, 0, 0], 'rms1qz7tvqdr2usmecs2f669vccl5nw6yhh3xnl6dkas3zxv56esx7zw2ekjesf')] },
  { file: 'check_existing_5_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', expect: [
    rms(4219, [0, 0, 0], 'rms1qpllaj0pyveqfkwxmnngz2c488hfdtmfrj3wfkgxtk4gtyrax0jaxzt70zy')] },
  { file: 'already_v3.stronghold', password: 'new_password', expect: [
    rms(4219, [0, 0, 0], 'rms1qrut5ajyfrtgjs325kd9chwfwyyy2z3fewy4vgy0vvdtf2pr8prg5u3zwjn')] },
];

for (const provider of PROVIDERS) {
  describe(`IOTA SDK fixtures: addresses through procedures (${provider.name})`, () => {
    for (const fx of FILES) {
      test(`${fx.file}: ${fx.expect.length} address(es)`, async () => {
        const sh = await Stronghold.open(new URL(fx.file, FIXTURES).pathname, fx.password, { readOnly: true, provider });
        try {
          const client = sh.loadClient('iota_seed');
          for (const [i, e] of fx.expect.entries()) {
            const out = { vault: 'scratch', record: `addr${i}` };
            const chain = [44, e.coin, ...e.path].map((n) => `${n}'`);
            await client.execute(slip10Derive({ curve: 'ed25519', chain, input: { seed: SEED }, output: out }));
            const pk = await client.execute(publicKey({ keyType: 'ed25519', privateKey: out }));
            const hash = provider.blake2b256(pk);
            const address = e.hrp === '' ? Buffer.from(hash).toString('hex') : bech32.encode(e.hrp, bech32.toWords(Uint8Array.of(0, ...hash)));
            assert.equal(address, e.address, `m/44'/${e.coin}'/${e.path.join("'/")}'`);
          }
        } finally {
          await sh.close();
        }
      });
    }
  });
}
