/**
 * The IOTA SDK snapshot fixtures (/work/shared/fixtures/iota-sdk, read in place) with what their README says
 * about each: password, format, work factor, clients and store entries.
 * @module
 */
import { readFileSync } from 'node:fs';
import { passwordKey, v2PasswordKey } from '../../src/snapshot/keys.js';

export const FIXTURES_DIR = new URL('../../../shared/fixtures/iota-sdk/', import.meta.url);

/** ClientId(`iota_seed`), VaultId(`iota-wallet-secret`), RecordId(`iota-wallet-secret`, `iota-wallet-seed`) (README). */
export const SEED_CLIENT = '4d6d354cd2fc52effbb5741cbe206da77024f8b3c3594f82';
export const SECRET_VAULT = '4dc00c84b7a4244e8686f5a1eaa4d82fe4f60ca81a50acfb';
export const SEED_RECORD = 'c582e1fda802fd150b16ec724e268bc9a8ef5e11a1acf72d';
/** ClientId(`iota-wallet-records`), the Chrysalis client. */
export const RECORDS_CLIENT = '52ccd1d7e86523610b5534f05097d3b7c771ffbaeac7e7c9';

export interface Fixture {
  path: string;
  password: string;
  version: 2 | 3;
  workFactor?: number;
  size: number;
  /** Store entries per client id (hex), in the README's words. */
  stores: Record<string, number>;
}

export const FIXTURES: Fixture[] = [
  { path: 'v2.stronghold', password: 'current_password', version: 2, size: 477, stores: { [SEED_CLIENT]: 0 } },
  { path: 'v2_with_backup.stronghold', password: 'current_password', version: 2, size: 24753, stores: { [SEED_CLIENT]: 5 } },
  { path: 'already_v3.stronghold', password: 'new_password', version: 3, workFactor: 19, size: 611, stores: { [SEED_CLIENT]: 0 } },
  { path: 'chrysalis-backup-work-factor-0.stronghold', password: 'password', version: 3, workFactor: 0, size: 4541, stores: { [SEED_CLIENT]: 0, [RECORDS_CLIENT]: 7 } },
  { path: 'no_secret_manager_data.stronghold', password: 'some_hopefully_secure_password', version: 3, workFactor: 0, size: 610, stores: { [SEED_CLIENT]: 0 } },
  { path: 'check_existing_db_test/strongholdfile', password: 'STRONGHOLD_PASSWORD', version: 2, size: 477, stores: { [SEED_CLIENT]: 0 } },
  { path: 'check_existing_2_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', version: 2, size: 477, stores: { [SEED_CLIENT]: 0 } },
  { path: 'check_existing_3_db_test/walletstronghold', password: 'A12345678*', version: 2, size: 477, stores: { [SEED_CLIENT]: 0 } },
  { path: 'check_existing_4_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', version: 3, workFactor: 19, size: 611, stores: { [SEED_CLIENT]: 0 } },
  { path: 'check_existing_5_db_test/walletstronghold', password: 'STRONGHOLD_PASSWORD', version: 2, size: 477, stores: { [SEED_CLIENT]: 0 } },
];

export function fixtureBytes(f: Fixture): Uint8Array {
  return new Uint8Array(readFileSync(new URL(f.path, FIXTURES_DIR)));
}

/** v3: BLAKE2b-256(password); v2: PBKDF2-HMAC-SHA512(password, "wallet.rs", 100) (README "KDF"). */
export function fixtureKey(f: Fixture): Uint8Array {
  return f.version === 3 ? passwordKey(f.password) : v2PasswordKey(f.password);
}

/** The fixtures that open without 512 MiB of scrypt. */
export const FAST_FIXTURES = FIXTURES.filter((f) => f.workFactor !== 19);

export const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
