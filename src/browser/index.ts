/**
 * stronghold-ts in the browser (`stronghold-ts/browser`): the same snapshot files and procedures as on Node, with
 * the @noble/@scure crypto provider, no Node built-ins and no sodium-native. Two ways to use it:
 * - `StrongholdWorker.open(...)`: the snapshot is unlocked in a dedicated Worker; the page sends procedures and
 *   receives their public results (the recommended way, SECURITY.md "In the browser").
 * - `Stronghold.open(name, password, { storage })`: in the page itself, as on Node.
 * Snapshots live in OPFS, IndexedDB or memory; `importSnapshot` / `exportSnapshot` move `.stronghold` files.
 * `memoryProtection` says what the browser's memory module can and cannot do.
 *
 * @example
 * import { StrongholdWorker, Location } from 'stronghold-ts/browser';
 * import { bip39Recover, slip10Derive, publicKey } from 'stronghold-ts/procedures';
 * const sh = await StrongholdWorker.open({ storage: { kind: 'opfs' }, path: 'wallet.stronghold', password, create: true });
 * const client = await sh.createClient('wallet');
 * await client.execute(bip39Recover({ mnemonic, output: Location.generic('vault', 'seed') }));
 * await sh.save();
 * @module
 */
export { Stronghold, type OpenOptions, type Password, type StrongholdOptions } from '../client/stronghold.js';
export { Client, ClientStore, Vault, type ListedRecord } from '../client/client.js';
export { inlineRunner, type ProcedureRunner } from '../exec/runner.js';
export { Location, type Path } from '../engine/location.js';
export { Store, type InsertOptions, type StoreKey } from '../engine/store.js';
export { isStrongholdError, StrongholdError, type ErrorCode, type ErrorDetails, type StrongholdErrorJSON } from '../errors.js';
export type { CryptoProvider } from '../crypto/provider.js';
export { nobleProvider } from '../crypto/noble.js';
export { memoryProtection, type MemoryProtection } from '../memory/guarded.js';
export { exportSnapshot, importSnapshot, memoryStorage, type SnapshotLock, type SnapshotStorage } from '../snapshot/storage.js';
export { indexedDbStorage, opfsStorage } from './storage.js';
export { StrongholdWorker, WorkerClient, WorkerStore, type StorageSpec, type WorkerInfo, type WorkerOpenOptions } from './handle.js';
