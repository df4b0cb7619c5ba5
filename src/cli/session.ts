/**
 * Opening a snapshot for a command: the password from `password.ts`, a spinner during the key derivation,
 * read-only for commands that change nothing (no writer lock, so they also work on files in read-only
 * folders), and `withSnapshot` to close (and for writers, save) whatever happens.
 * @module
 */
import { stat } from 'node:fs/promises';
import type { Client } from '../client/client.js';
import { Stronghold, type OpenOptions } from '../client/stronghold.js';
import { isStrongholdError, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { removeStaleTemps } from '../snapshot/file.js';
import { optionalFlag, parseInteger } from './args.js';
import type { Context } from './command.js';
import { onInterrupt } from './interrupt.js';
import { withHint } from './messages.js';
import { passwordSource, readPassword, wrongPasswordHint } from './password.js';

/** Flags of every command that opens a snapshot with a password. */
export const OPEN_OPTIONS = {
  'max-work-factor': { type: 'string' },
} as const;

export const OPEN_FLAGS = [
  ['--password-file F', 'read the password from F (else STRONGHOLD_PASSWORD, else a prompt on a terminal)'],
  ['--max-work-factor N', 'refuse files whose scrypt work factor is above N (default 23, about 8 GiB)'],
] as const;

export interface OpenMode {
  /** Take the writer lock and save before closing. */
  write: boolean;
  /** Extra open options (v2 migration parameters, work factor for new headers). */
  options?: OpenOptions;
}

/** Typed "not found" for a missing file, before anything (even a lock file) is created next to it. */
export async function requireSnapshotFile(path: string): Promise<void> {
  try {
    await stat(path);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new StrongholdError('SnapshotNotFound', `snapshot ${path} does not exist`, { path });
    // Anything else (permissions, a path through a file) is for the open to report.
  }
}

/** Opens `path` with the command's password; the password bytes are wiped once the key is derived. */
export async function openSnapshot(ctx: Context, path: string, mode: OpenMode): Promise<Stronghold> {
  await requireSnapshotFile(path);
  const maxWf = optionalFlag(ctx.args.values, 'max-work-factor');
  const file = optionalFlag(ctx.args.values, 'password-file');
  const source = passwordSource(ctx.input, file);
  const password = await readPassword(ctx.input, file);
  const onProgress = ctx.out.progress();
  try {
    return await openInterruptibly(path, password, {
      readOnly: !mode.write,
      ...(maxWf !== undefined ? { maxWorkFactor: parseInteger(maxWf, 'max-work-factor', 0, 63) } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...mode.options,
    });
  } catch (e) {
    throw isStrongholdError(e, 'WrongPassword') ? withHint(e, wrongPasswordHint(source)) : e;
  } finally {
    wipe(password);
  }
}

/**
 * `Stronghold.open`, with the interrupt cleanup registered before the open starts: the lock is taken inside the
 * open, so a signal that comes after the lock file appears but before the open returns still releases it (the
 * cleanup waits for the open to end, key derivation included, then closes).
 */
export async function openInterruptibly(path: string, password: Uint8Array, options: OpenOptions): Promise<Stronghold> {
  let opening: Promise<Stronghold> | null = null;
  const cancel = onInterrupt(() => opening?.then((sh) => sh.close(), () => {}));
  try {
    opening = Stronghold.open(path, password, options);
    return await opening;
  } finally {
    cancel();
  }
}

/**
 * Until the returned function is called, an interrupt closes `sh` (releasing its lock) after removing the
 * temporaries of a save it may have been making: they are ours, since we hold the lock.
 */
export function closeOnInterrupt(sh: Stronghold, path: string, write: boolean): () => void {
  return onInterrupt(async () => {
    if (write) await removeStaleTemps(path, Date.now(), true);
    await sh.close();
  });
}

/** Opens the snapshot, runs `fn`, saves (writers) when `fn` succeeded, and always closes. */
export async function withSnapshot<T>(ctx: Context, path: string, mode: OpenMode, fn: (sh: Stronghold) => Promise<T> | T): Promise<T> {
  const sh = await openSnapshot(ctx, path, mode);
  const cancel = closeOnInterrupt(sh, path, mode.write);
  try {
    const result = await fn(sh);
    if (mode.write && sh.hasUnsavedChanges) await sh.save();
    return result;
  } finally {
    cancel();
    await sh.close();
  }
}

/** The client at `path`: loaded from the snapshot, or (with `create`) created when the snapshot lacks it. */
export function clientOf(sh: Stronghold, path: string, create = false): Client {
  if (create && !sh.hasClient(path)) return sh.createClient(path);
  return sh.loadClient(path);
}
