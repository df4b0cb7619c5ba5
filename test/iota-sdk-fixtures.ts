/**
 * What /work/shared/fixtures/iota-sdk/README.md asserts about each real snapshot file: password, format,
 * mnemonic, and the addresses its seed must give. Shared by the engine, procedure, CLI and facade tests.
 * @module
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../shared/fixtures/iota-sdk/', import.meta.url));

export interface AddressCheck {
  coin: number;
  account: number;
  internal: boolean;
  index: number;
  hrp: string;
  address: string;
}

export interface IotaFixture {
  file: string;
  password: string;
  version: 2 | 3;
  workFactor?: number;
  mnemonic?: string;
  addresses: AddressCheck[];
  /** For no_secret_manager_data: the README gives the Ed25519 address hash instead of a bech32 string. */
  addressHash?: { coin: number; hash: string };
}

const at = (coin: number, account: number, internal: boolean, index: number, address: string, hrp = 'rms'): AddressCheck => ({ coin, account, internal, index, hrp, address });

export const IOTA_FIXTURES: IotaFixture[] = [
  {
    file: 'v2.stronghold', password: 'current_password', version: 2,
    mnemonic: 'winter spend artefact viable cigar pink easy charge ranch license coyote cage brass mushroom repair game attack peanut glad rather cart obey famous chat',
    addresses: [at(4219, 0, false, 0, 'rms1qrzyp87nqvcdctwrc7yzxjnwwetagffslhuknmey8t4fdf6552dnjxuaj3u'), at(4219, 0, false, 9, 'rms1qqrsl203x9wq29a2amcdszsps2lz7q20mqkh8t8vch0rz86pss9fwa8pjgx')],
  },
  {
    file: 'v2_with_backup.stronghold', password: 'current_password', version: 2,
    mnemonic: 'brisk egg allow van merge process chest type dove bomb proud purity monitor snap load verb utility hungry cube coast fetch pioneer gadget credit',
    addresses: [at(4219, 0, false, 0, 'rms1qza3rek2ffhxtfjpaswfsc9hkekj7j5lrmzkp5fmr2wzlnz56hhvskcs4mz'), at(4219, 0, false, 9, 'rms1qqee8vjh3pqehpm5p53s45y4e7f5kusxnadt35hqyp5vvkrf8e3z2rrd3t9')],
  },
  {
    file: 'chrysalis-backup-work-factor-0.stronghold', password: 'password', version: 3, workFactor: 0,
    mnemonic: 'extra dinosaur float same hockey cheese motor divert cry misery response hawk gift hero pool clerk hill mask man code dragon jacket dog soup',
    addresses: [
      at(4218, 0, false, 0, 'rms1qqqu7qry22f6v7d2d9aesny9vjtf56unpevkfzfudddlcq5ja9clv44sef6'),
      at(4218, 0, true, 0, 'rms1qz4tac74vympq4hqqz8g9egrkhscn9743svd9xxh2w99qf5cd8vcxrmspmw'),
      at(4218, 1, false, 0, 'rms1qql3h5vxh2sxa93yadh7f4rkr7f9g9e65wlytazeu688mpcvhvmd2xvfq8y'),
      at(4218, 1, true, 0, 'rms1qq4c9kl7vz0yssjw02w7jda56lec4ss3anfq03gwzdxzl92hcfjz7daxdfg'),
    ],
  },
  {
    file: 'no_secret_manager_data.stronghold', password: 'some_hopefully_secure_password', version: 3, workFactor: 0,
    mnemonic: 'inhale gorilla deny three celery song category owner lottery rent author wealth penalty crawl hobby obtain glad warm early rain clutch slab august bleak',
    addresses: [], addressHash: { coin: 4218, hash: 'c2ece328eb3d9bbc51d471dd17fd3665aa8c6bae63c78d64c13977efbb8b011e' },
  },
  {
    file: 'check_existing_db_test/strongholdfile', password: 'STRONGHOLD_PASSWORD', version: 2,
    mnemonic: 'rapid help true please need desk oppose seminar busy large tree speed pepper adult hair duty mad chief boil pass coin biology survey fish',
    addresses: [
      at(4219, 0, false, 0, 'rms1qzsw70tha0y4n78s0x0p99ayvz7nl7mzcye7yk8l3s8m6zrfg7slud2ve9f'),
      at(4219, 0, true, 0, 'rms1qzjwe5plkaywncpv32x5dqqav8fe9zgyzl78cmjlnvzlcghnx489wuevhzf'),
      at(4219, 0, false, 1, 'rms1qzjclfjq0azmq2yzkkk7ugfhdf55nzvs57r8twk2h36wuqv950dxv00tzfx'),
    ],
  },
  {
    file: 'check_existing_2_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', version: 2,
    mnemonic: 'memory waste latin swing spy must tail leaf eyebrow meat any river resist sort paper bacon aware edit tragic shop mirror ramp foster blue',
    addresses: [at(4219, 0, false, 0, 'tst1qqpaynvgh3d3q30zjzjz27g95pzsevw2m5pk75rq32vm7x8ap7hpy2pdy9y', 'tst')],
  },
  {
    file: 'check_existing_3_db_test/walletstronghold', password: 'A12345678*', version: 2,
    mnemonic: 'bulk spoon broken license diary nominee tribe visit used giant rail insect lesson home toast autumn cancel alley park give same wet wash vanish',
    addresses: [at(4219, 0, false, 0, 'rms1qrhdre8ra8n42h30zkf9jjlezefrull082dgcrtrpfyng3qtsgnywquf58d')],
  },
  {
    file: 'check_existing_4_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', version: 3, workFactor: 19,
    mnemonic: 'width scatter jaguar sponsor erosion enable cave since ancient first garden royal luggage exchange ritual exotic play wall clinic ride autumn divert spin exchange',
    addresses: [at(4219, 0, false, 0, 'rms1qz7tvqdr2usmecs2f669vccl5nw6yhh3xnl6dkas3zxv56esx7zw2ekjesf')],
  },
  {
    file: 'check_existing_5_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', version: 2,
    mnemonic: 'endorse answer radar about source reunion marriage tag sausage weekend frost daring base attack because joke dream slender leisure group reason prepare broken river',
    addresses: [at(4219, 0, false, 0, 'rms1qpllaj0pyveqfkwxmnngz2c488hfdtmfrj3wfkgxtk4gtyrax0jaxzt70zy')],
  },
  {
    file: 'already_v3.stronghold', password: 'new_password', version: 3, workFactor: 19,
    // No test asserts this file; the README gives its first address, found by the independent reader.
    addresses: [at(4219, 0, false, 0, 'rms1qrut5ajyfrtgjs325kd9chwfwyyy2z3fewy4vgy0vvdtf2pr8prg5u3zwjn')],
  },
];

/** The IOTA SDK layout of its seed record. */
export const SDK_CLIENT = 'iota_seed';
export const SDK_VAULT = 'iota-wallet-secret';
export const SDK_RECORD = 'iota-wallet-seed';

/** BIP-44 path of an address, all segments hardened: m/44'/coin'/account'/change'/index'. */
export function addressChain(a: { coin: number; account: number; internal: boolean; index: number }): number[] {
  return [44, a.coin, a.account, a.internal ? 1 : 0, a.index].map((i) => (i | 0x8000_0000) >>> 0);
}

/**
 * A temporary folder for one test file (made before its tests run, removed after them): `copy(file)` puts a copy of
 * a fixture there (the fixtures are never written), `path(name)` names a new file there.
 */
export function scratchFolder(prefix: string): { copy: (file: string) => string; path: (name: string) => string } {
  let dir = '';
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    copy: (file) => {
      const to = join(dir, `${n++}-${file.replace(/\//g, '_')}`);
      copyFileSync(join(FIXTURES_DIR, file), to);
      return to;
    },
    path: (name) => join(dir, name),
  };
}
