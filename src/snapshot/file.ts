/**
 * Snapshot files on disk: durable replacement, typed read errors, and an inter-process writer lock
 * (issue 3, item 6). A crash at any moment leaves the old or the new file, never a torn one:
 * the bytes go to a new temporary file in the same directory (so `rename` stays on one file system),
 * which is fsynced, renamed over the target (atomic on POSIX), and then the directory is fsynced so the
 * rename itself survives a power loss. The temporary name follows Rust: `<path>.<12 hex chars>`.
 *
 * The lock is `<path>.lock`, holding `{ pid, host, time, token, start }`. It is created atomically with its content
 * (written to a private file, then hard-linked into place, which fails if the lock exists), so no reader
 * ever sees an empty lock. `start` identifies the writer beyond its pid (Linux: the boot id and the process's
 * start time from /proc), so a lock whose pid was reused by another process is stale too. A lock whose writer is
 * gone from this host is taken over; a lock from another host cannot be checked and is reported as held. Reading never takes the lock and never writes.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { StrongholdError } from '../errors.js';
import { MAX_SNAPSHOT_FILE_BYTES, type SnapshotLock, type SnapshotStorage } from './storage.js';

export { MAX_SNAPSHOT_FILE_BYTES, type SnapshotLock } from './storage.js';
/** Snapshot files hold secrets: owner read/write only. */
const FILE_MODE = 0o600;
/** Attempts to take over a stale lock before giving up (another process may be doing the same). */
const LOCK_ATTEMPTS = 5;

function io(path: string, op: string, cause: unknown): StrongholdError<'Io'> {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  return new StrongholdError('Io', `cannot ${op} ${path} (${code})`, { path, op }, { cause });
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Replaces `path` with `bytes` so that a crash leaves either the old or the new content.
 * @throws StrongholdError `Io` (details.op names the failing step); the temporary file is removed
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}`;
  let step = 'create';
  try {
    const h = await open(tmp, 'wx', FILE_MODE);
    try {
      step = 'write';
      for (let at = 0; at < bytes.length; ) at += (await h.write(bytes, at, bytes.length - at)).bytesWritten;
      step = 'fsync';
      await h.sync();
    } finally {
      await h.close();
    }
    step = 'rename';
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw io(step === 'rename' ? path : tmp, step, e);
  }
  try {
    await fsyncDir(dirname(path));
  } catch (e) {
    throw io(dirname(path), 'fsync directory', e);
  }
}

/** Temporary files left older than this by a killed writer are removed. Our choice: no save takes a minute. */
export const STALE_TEMP_MS = 60_000;

/**
 * Removes temporary files (`<path>.<12 hex>`) that a writer killed mid-save left behind. Call it only while
 * holding the writer lock; files younger than `STALE_TEMP_MS` are left alone, in case a writer that does not
 * take our lock (the Rust code) is saving right now, unless `anyAge`: the lock was just taken over from a writer
 * known to be dead, whose temporaries these are. Returns how many were removed; never throws.
 */
export async function removeStaleTemps(path: string, now = Date.now(), anyAge = false): Promise<number> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let removed = 0;
  try {
    for (const name of await readdir(dir)) {
      if (!name.startsWith(prefix) || !/^[0-9a-f]{12}$/.test(name.slice(prefix.length))) continue;
      const full = join(dir, name);
      const st = await stat(full).catch(() => null);
      if (st?.isFile() && (anyAge || now - st.mtimeMs > STALE_TEMP_MS) && (await unlink(full).then(() => true, () => false))) removed++;
    }
  } catch {
    // An unreadable directory has no temporaries we could remove.
  }
  return removed;
}

/**
 * Reads a snapshot file without modifying anything.
 * @throws StrongholdError `SnapshotNotFound` (missing), `Io` (a directory, unreadable), `DecompressionLimit` (larger than any readable snapshot)
 */
export async function readSnapshotFile(path: string): Promise<Uint8Array> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new StrongholdError('Io', `cannot read ${path}: it is a directory`, { path, op: 'read' });
    if (s.size > MAX_SNAPSHOT_FILE_BYTES) {
      throw new StrongholdError('DecompressionLimit', `${path} is larger than any snapshot this library reads`, { limit: MAX_SNAPSHOT_FILE_BYTES });
    }
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  } catch (e) {
    if (e instanceof StrongholdError) throw e;
    if (errno(e) === 'ENOENT') throw new StrongholdError('SnapshotNotFound', `snapshot ${path} does not exist`, { path }, { cause: e });
    throw io(path, 'read', e);
  }
}

interface LockContent {
  pid: number;
  host: string;
  time: string;
  token: string;
  /** The writer's identity beyond its pid (`processStart`); absent in locks of older versions. */
  start?: string;
}

function parseLock(text: string): LockContent | null {
  try {
    const j = JSON.parse(text) as Partial<LockContent>;
    if (Number.isSafeInteger(j.pid) && typeof j.host === 'string' && typeof j.token === 'string') return j as LockContent;
  } catch {
    // Not JSON: not a lock we wrote.
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return errno(e) === 'EPERM';
  }
}

/**
 * An identity of process `pid` that a later process with the same pid does not share: the boot id and the
 * process's start time in clock ticks (/proc/PID/stat field 22). Null where /proc is not available.
 */
async function processStart(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses; field 3 comes first.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    return start === undefined ? null : `${boot}/${start}`;
  } catch {
    return null;
  }
}

/** Whether the writer of a lock on this host is still running: its pid is alive and, when recorded, it is the same process. */
async function writerAlive(holder: LockContent): Promise<boolean> {
  if (!isAlive(holder.pid)) return false;
  if (holder.start === undefined) return true;
  const now = await processStart(holder.pid);
  return now === null || now === holder.start;
}

async function tryCreate(lockPath: string, content: string): Promise<boolean> {
  const tmp = `${lockPath}.${randomBytes(6).toString('hex')}`;
  const h = await open(tmp, 'wx', FILE_MODE);
  try {
    await h.writeFile(content);
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await link(tmp, lockPath);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/**
 * Takes the writer lock of `path` (`<path>.lock`).
 * @throws StrongholdError `SnapshotLocked` with the holder's pid and host, `Io`
 */
export async function acquireSnapshotLock(path: string): Promise<SnapshotLock> {
  const lockPath = `${path}.lock`;
  const host = hostname();
  const token = randomBytes(16).toString('hex');
  const start = await processStart(process.pid);
  const content = JSON.stringify({ pid: process.pid, host, time: new Date().toISOString(), token, ...(start === null ? {} : { start }) } satisfies LockContent);
  let tookOver = false;
  try {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      if (await tryCreate(lockPath, content)) return makeLock(path, lockPath, token, tookOver);
      const text = await readFile(lockPath, 'utf8').catch((e: unknown) => (errno(e) === 'ENOENT' ? null : Promise.reject(e)));
      if (text === null) continue;
      const holder = parseLock(text);
      if (holder && (holder.host !== host || (await writerAlive(holder)))) {
        throw new StrongholdError('SnapshotLocked', `snapshot ${path} is being written by process ${holder.pid} on ${holder.host}`,
          { path, pid: holder.pid, host: holder.host });
      }
      // Stale (dead pid here, or unreadable garbage): move it aside atomically, then check we moved what we judged.
      const aside = `${lockPath}.stale.${randomBytes(6).toString('hex')}`;
      try {
        await rename(lockPath, aside);
      } catch (e) {
        if (errno(e) === 'ENOENT') continue;
        throw e;
      }
      const moved = await readFile(aside, 'utf8');
      if (moved !== text) await link(aside, lockPath).catch(() => {}); // a live lock appeared meanwhile: put it back
      else tookOver = true;
      await unlink(aside).catch(() => {});
    }
  } catch (e) {
    if (e instanceof StrongholdError) throw e;
    throw io(lockPath, 'lock', e);
  }
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  const holder = parseLock(text);
  throw new StrongholdError('SnapshotLocked', `snapshot ${path} is locked by another writer`, { path, pid: holder?.pid ?? 0, host: holder?.host ?? '' });
}

function makeLock(path: string, lockPath: string, token: string, tookOver: boolean): SnapshotLock {
  let held = true;
  return {
    path,
    tookOver,
    async release(): Promise<void> {
      if (!held) return;
      held = false;
      const holder = parseLock(await readFile(lockPath, 'utf8').catch(() => ''));
      if (holder?.token === token) await unlink(lockPath).catch(() => {});
    },
  };
}

/**
 * Snapshot files on this machine, the default storage: `write` is `writeFileAtomic`; `lock` refuses a missing
 * folder (no snapshot can be created there), takes `<path>.lock` and removes temporaries a killed writer left.
 */
export const fileStorage: SnapshotStorage = {
  kind: 'file',
  read: readSnapshotFile,
  write: writeFileAtomic,
  async lock(path) {
    // A missing folder is a missing snapshot, not a failure to create its lock file.
    if (!(await stat(dirname(path)).then((st) => st.isDirectory(), () => false))) {
      throw new StrongholdError('SnapshotNotFound', `snapshot ${path} does not exist (no such folder)`, { path });
    }
    const lock = await acquireSnapshotLock(path);
    await removeStaleTemps(path, Date.now(), lock.tookOver);
    return lock;
  },
};
