/**
 * Snapshot files on disk: durable replacement, typed read errors, and an inter-process writer lock
 * (issue 3, item 6). A crash at any moment leaves the old or the new file, never a torn one:
 * the bytes go to a new temporary file in the same directory (so `rename` stays on one file system),
 * which is fsynced, renamed over the target (atomic on POSIX), and then the directory is fsynced so the
 * rename itself survives a power loss. The temporary name follows Rust: `<path>.<12 hex chars>`.
 *
 * The lock is `<path>.lock`, holding `{ pid, host, time, token }`. It is created atomically with its content
 * (written to a private file, then hard-linked into place, which fails if the lock exists), so no reader
 * ever sees an empty lock. A lock whose pid is dead on this host is stale and is taken over; a lock from
 * another host cannot be checked and is reported as held. Reading never takes the lock and never writes.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { StrongholdError } from '../errors.js';
import { MAX_DECOMPRESSED_BYTES } from './codec.js';

/** Our choice: a compressed state is at most 1/255 larger than the 1 GiB decompression cap, plus headers. */
export const MAX_SNAPSHOT_FILE_BYTES = MAX_DECOMPRESSED_BYTES + (MAX_DECOMPRESSED_BYTES >> 7);
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
 * take our lock (the Rust code) is saving right now. Returns how many were removed; never throws.
 */
export async function removeStaleTemps(path: string, now = Date.now()): Promise<number> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let removed = 0;
  try {
    for (const name of await readdir(dir)) {
      if (!name.startsWith(prefix) || !/^[0-9a-f]{12}$/.test(name.slice(prefix.length))) continue;
      const full = join(dir, name);
      const st = await stat(full).catch(() => null);
      if (st?.isFile() && now - st.mtimeMs > STALE_TEMP_MS && (await unlink(full).then(() => true, () => false))) removed++;
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

/** A held writer lock. */
export interface SnapshotLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  host: string;
  time: string;
  token: string;
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
  const content = JSON.stringify({ pid: process.pid, host, time: new Date().toISOString(), token } satisfies LockContent);
  try {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      if (await tryCreate(lockPath, content)) return makeLock(path, lockPath, token);
      const text = await readFile(lockPath, 'utf8').catch((e: unknown) => (errno(e) === 'ENOENT' ? null : Promise.reject(e)));
      if (text === null) continue;
      const holder = parseLock(text);
      if (holder && (holder.host !== host || isAlive(holder.pid))) {
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

function makeLock(path: string, lockPath: string, token: string): SnapshotLock {
  let held = true;
  return {
    path,
    async release(): Promise<void> {
      if (!held) return;
      held = false;
      const holder = parseLock(await readFile(lockPath, 'utf8').catch(() => ''));
      if (holder?.token === token) await unlink(lockPath).catch(() => {});
    },
  };
}
