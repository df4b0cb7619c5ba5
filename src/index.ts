/**
 * stronghold-ts: a secure database for secrets, byte-compatible with IOTA Stronghold snapshot files.
 *
 * Secrets live in vaults of clients, sealed with per-vault keys, persisted in one encrypted snapshot file,
 * and are only ever used through procedures that return public results.
 *
 * @example
 * import { Stronghold, Location } from 'stronghold-ts';
 * import { bip39Recover, slip10Derive, ed25519Sign } from 'stronghold-ts/procedures';
 * const sh = await Stronghold.open('wallet.stronghold', password, { create: true });
 * const client = sh.createClient('wallet');
 * const seed = Location.generic('vault', 'seed');
 * await client.execute(bip39Recover({ mnemonic, output: seed }));
 * await sh.save();
 * @module
 */
export { Stronghold, type OpenOptions, type Password, type StrongholdOptions } from './client/stronghold.js';
export { Client, ClientStore, Vault, type ListedRecord, type ProcedureClient } from './client/client.js';
export { inlineRunner, type ProcedureRunner, type RunOptions } from './exec/runner.js';
export { processZone, type ZoneOptions } from './zone/host.js';
export { zonePool, ZonePool, DEFAULT_POOL_SIZE, type PoolOptions } from './zone/pool.js';
export { Location, type Path } from './engine/location.js';
export { Store, type InsertOptions, type StoreKey } from './engine/store.js';
export { isStrongholdError, StrongholdError, type ErrorCode, type ErrorDetails, type StrongholdErrorJSON } from './errors.js';
export type { CryptoProvider } from './crypto/provider.js';
export { nativeProvider } from './crypto/native.js';
export { nobleProvider } from './crypto/noble.js';
export { exportSnapshot, importSnapshot, memoryStorage, type SnapshotLock, type SnapshotStorage } from './snapshot/storage.js';
export { fileStorage } from './snapshot/file.js';
export { memoryProtection, type MemoryProtection } from './memory/guarded.js';
