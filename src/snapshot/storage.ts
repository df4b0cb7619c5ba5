/**
 * Where snapshot bytes live: an adapter that reads, atomically replaces and locks named snapshots. The Node file
 * adapter (file.ts) is today's behaviour; `memoryStorage` keeps them in this process; the browser adds OPFS and
 * IndexedDB (src/browser/storage.ts). Every adapter stores the same bytes, so a file moves between them unchanged
 * (`importSnapshot`, `exportSnapshot`).
 * @module
 */
import { invalidArgument, StrongholdError } from '../errors.js';
import { MAX_DECOMPRESSED_BYTES } from './codec.js';

/** Our choice: a compressed state is at most 1/255 larger than the 1 GiB decompression cap, plus headers. */
export const MAX_SNAPSHOT_FILE_BYTES = MAX_DECOMPRESSED_BYTES + (MAX_DECOMPRESSED_BYTES >> 7);

/** A held writer lock. */
export interface SnapshotLock {
  readonly path: string;
  /** True when the lock was taken over from a writer that is gone (its temporary files may be left). */
  readonly tookOver: boolean;
  /** Releases the lock if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/**
 * Named snapshots on one medium. Names are the adapter's own (a file path, an OPFS file name, an IndexedDB key).
 * `write` leaves the old or the new bytes, never a mix, as far as the medium allows (each adapter says how).
 */
export interface SnapshotStorage {
  /** `file`, `memory`, `opfs`, `indexeddb`: for messages and for `Stronghold.storage`. */
  readonly kind: string;
  /** The bytes of `name`. @throws StrongholdError `SnapshotNotFound`, `Io`, `DecompressionLimit` */
  read(name: string): Promise<Uint8Array>;
  /** Replaces `name` with `bytes` (not kept: the adapter copies what it keeps). @throws StrongholdError `Io` */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * Takes the writer lock of `name` for as long as the snapshot is open for writing.
   * @throws StrongholdError `SnapshotLocked`, `SnapshotNotFound` (a place where no snapshot can be created), `Io`
   */
  lock(name: string): Promise<SnapshotLock>;
}

export function notFound(kind: string, name: string): StrongholdError<'SnapshotNotFound'> {
  return new StrongholdError('SnapshotNotFound', `snapshot ${name} does not exist (${kind} storage)`, { path: name });
}

export function lockedHere(kind: string, name: string): StrongholdError<'SnapshotLocked'> {
  return new StrongholdError('SnapshotLocked', `snapshot ${name} is open for writing elsewhere (${kind} storage)`,
    { path: name, pid: 0, host: '' });
}

export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw invalidArgument('path', 'a non-empty snapshot name');
  return name;
}

/** Snapshots in a Map of this process: for tests, and for a page that only imports and exports files. */
export function memoryStorage(): SnapshotStorage {
  const files = new Map<string, Uint8Array>();
  const held = new Set<string>();
  return {
    kind: 'memory',
    async read(name) {
      const bytes = files.get(checkName(name));
      if (!bytes) throw notFound('memory', name);
      return Uint8Array.from(bytes);
    },
    async write(name, bytes) {
      files.set(checkName(name), Uint8Array.from(bytes));
    },
    async lock(name) {
      if (held.has(checkName(name))) throw lockedHere('memory', name);
      held.add(name);
      let mine = true;
      return {
        path: name,
        tookOver: false,
        async release() {
          if (mine) held.delete(name);
          mine = false;
        },
      };
    },
  };
}

/** The 5 bytes every snapshot starts with (PARTI), v2 and v3 alike. */
const MAGIC = [0x50, 0x41, 0x52, 0x54, 0x49];

/**
 * Stores a `.stronghold` file (a `File` or `Blob`, e.g. from an `<input type="file">`) under `name`. Only the
 * header is checked here; opening it checks the rest.
 * @throws StrongholdError `NotASnapshot`, `DecompressionLimit`, `InvalidArgument`, and the adapter's `Io`
 */
export async function importSnapshot(storage: SnapshotStorage, name: string, file: Blob): Promise<void> {
  if (typeof Blob === 'undefined' || !(file instanceof Blob)) throw invalidArgument('file', 'a File or Blob');
  if (file.size > MAX_SNAPSHOT_FILE_BYTES) {
    throw new StrongholdError('DecompressionLimit', `the file is larger than any snapshot this library reads`, { limit: MAX_SNAPSHOT_FILE_BYTES });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new StrongholdError('NotASnapshot', 'the file is not a Stronghold snapshot (no PARTI header)', {});
  await storage.write(checkName(name), bytes);
}

/** The snapshot `name` as a `Blob` to download (`application/octet-stream`); it is encrypted as stored. */
export async function exportSnapshot(storage: SnapshotStorage, name: string): Promise<Blob> {
  const bytes = await storage.read(checkName(name));
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
}
