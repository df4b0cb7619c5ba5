/**
 * Snapshot storage in the browser: the origin private file system (OPFS) and IndexedDB. Both hold the same
 * bytes as a `.stronghold` file on disk. The writer lock is a Web Lock (`navigator.locks`), shared by every tab
 * and worker of the origin and released by the browser when its holder goes away, so a closed tab never leaves
 * a stale lock.
 *
 * Atomic save: OPFS writes through `createWritable()`, which the browser stages in a swap file and moves into
 * place on `close()` (an aborted or crashed write leaves the old file); IndexedDB replaces the entry in one
 * readwrite transaction, which commits whole or not at all.
 * @module
 */
import { StrongholdError } from '../errors.js';
import { checkName, lockedHere, MAX_SNAPSHOT_FILE_BYTES, notFound, type SnapshotLock, type SnapshotStorage } from '../snapshot/storage.js';

function io(kind: string, name: string, op: string, cause: unknown): StrongholdError<'Io'> {
  const reason = cause instanceof Error ? cause.name : 'unknown';
  return new StrongholdError('Io', `cannot ${op} snapshot ${name} in ${kind} storage (${reason})`, { path: name, op }, { cause });
}

function tooLarge(size: number): void {
  if (size > MAX_SNAPSHOT_FILE_BYTES) {
    throw new StrongholdError('DecompressionLimit', 'the stored snapshot is larger than any snapshot this library reads', { limit: MAX_SNAPSHOT_FILE_BYTES });
  }
}

/** The writer lock of `name` in `scope`, as a Web Lock held until `release`; SnapshotLocked when another holder has it. */
async function webLock(kind: string, scope: string, name: string): Promise<SnapshotLock> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) throw new StrongholdError('Io', `cannot lock snapshot ${name}: this browser has no Web Locks`, { path: name, op: 'lock' });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const granted = await new Promise<boolean>((resolve, reject) => {
    locks.request(`stronghold:${scope}:${name}`, { ifAvailable: true }, async (lock) => {
      resolve(lock !== null);
      if (lock) await held;
    }).catch(reject);
  });
  if (!granted) throw lockedHere(kind, name);
  return { path: name, tookOver: false, release: async () => release() };
}

/** The folders and file name of an OPFS path (`app-data/vault.hold`): `/`-separated, no `.` or `..` segments. */
function segments(name: string): string[] {
  const parts = checkName(name).split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p === '.' || p === '..' || p.includes('\\'))) {
    throw new StrongholdError('InvalidArgument', `"path" expected an OPFS path of names separated by "/", without "." or "..", got ${JSON.stringify(name.slice(0, 80))}`,
      { field: 'path', expected: 'an OPFS path of names separated by "/"' });
  }
  return parts;
}

/** The folder that holds `name` (made when `create`) and the file's own name. */
async function locate(root: FileSystemDirectoryHandle, name: string, create: boolean): Promise<[FileSystemDirectoryHandle, string]> {
  const parts = segments(name);
  let dir = root;
  for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create });
  return [dir, parts.at(-1)!];
}

/**
 * Snapshots as files of the origin private file system, in `directory` (default: its root); a name with `/`
 * lives in sub-folders, made on the first write.
 * @example const sh = await Stronghold.open('wallet.stronghold', password, { storage: opfsStorage(), create: true })
 */
export function opfsStorage(directory?: FileSystemDirectoryHandle): SnapshotStorage {
  const dir = async (): Promise<FileSystemDirectoryHandle> => directory ?? navigator.storage.getDirectory();
  return {
    kind: 'opfs',
    async read(name) {
      let file: File;
      try {
        const [folder, entry] = await locate(await dir(), name, false);
        file = await (await folder.getFileHandle(entry)).getFile();
      } catch (e) {
        if (e instanceof StrongholdError) throw e;
        if (e instanceof DOMException && e.name === 'NotFoundError') throw notFound('opfs', name);
        throw io('opfs', name, 'read', e);
      }
      tooLarge(file.size);
      return new Uint8Array(await file.arrayBuffer());
    },
    async write(name, bytes) {
      try {
        const [folder, file] = await locate(await dir(), name, true);
        const handle = await folder.getFileHandle(file, { create: true });
        const writable = await handle.createWritable({ keepExistingData: false });
        try {
          await writable.write(Uint8Array.from(bytes));
          await writable.close();
        } catch (e) {
          await writable.abort().catch(() => {});
          throw e;
        }
      } catch (e) {
        if (e instanceof StrongholdError) throw e;
        throw io('opfs', name, 'write', e);
      }
    },
    lock: (name) => webLock('opfs', 'opfs', segments(name).join('/')),
  };
}

const STORE = 'snapshots';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Snapshots as entries (key: the name, value: the bytes) of the object store `snapshots` in IndexedDB database
 * `database` (default `stronghold`).
 */
export function indexedDbStorage(database = 'stronghold'): SnapshotStorage {
  let opened: Promise<IDBDatabase> | null = null;
  const db = (): Promise<IDBDatabase> => {
    if (!opened) {
      const r = indexedDB.open(database, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE);
      opened = request(r);
      opened.catch(() => (opened = null));
    }
    return opened;
  };
  return {
    kind: 'indexeddb',
    async read(name) {
      let value: unknown;
      try {
        value = await request((await db()).transaction(STORE, 'readonly').objectStore(STORE).get(checkName(name)));
      } catch (e) {
        if (e instanceof StrongholdError) throw e;
        throw io('indexeddb', name, 'read', e);
      }
      if (value === undefined) throw notFound('indexeddb', name);
      if (!(value instanceof Uint8Array)) throw io('indexeddb', name, 'read', new TypeError('the entry is not bytes'));
      tooLarge(value.length);
      return value;
    },
    async write(name, bytes) {
      try {
        const tx = (await db()).transaction(STORE, 'readwrite', { durability: 'strict' });
        tx.objectStore(STORE).put(Uint8Array.from(bytes), checkName(name));
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onabort = tx.onerror = () => reject(tx.error);
        });
      } catch (e) {
        if (e instanceof StrongholdError) throw e;
        throw io('indexeddb', name, 'write', e);
      }
    },
    lock: (name) => webLock('indexeddb', database, checkName(name)),
  };
}
