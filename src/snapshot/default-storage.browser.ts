/**
 * The browser has no default place for snapshots: the page chooses OPFS, IndexedDB or memory (`storage`).
 * @module
 */
import { invalidArgument } from '../errors.js';
import type { SnapshotStorage } from './storage.js';

const refuse = (): never => {
  throw invalidArgument('storage', 'a storage adapter (opfsStorage(), indexedDbStorage() or memoryStorage()): a browser has no files to open by path');
};

export const defaultStorage: SnapshotStorage = { kind: 'none', read: refuse, write: refuse, lock: refuse };
