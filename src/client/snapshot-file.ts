/**
 * The snapshot file a Stronghold is bound to: its storage and name (a path for the default file storage), the
 * snapshot key (guarded memory), the age session that lets saves skip scrypt, and the writer lock. It reads and
 * writes whole `SnapshotState`s; what they contain is the Stronghold's business.
 *
 * Why reusing the age session is safe: a save under the same header draws a fresh 16-byte payload nonce, and
 * the payload key is HKDF(file key, nonce), so no two saves share a ChaCha20-Poly1305 key and nonce; the header
 * (and its MAC over the file key) stays valid because the file key is unchanged. Changing the password makes
 * a new file key and header.
 * @module
 */
import { assertBytes, assertInt } from '../assert.js';
import { invalidArgument, isStrongholdError } from '../errors.js';
import { GuardedBuffer, wipe } from '../memory/guarded.js';
import { AgeSession, createSnapshotSession, DEFAULT_WORK_FACTOR, MAX_READ_WORK_FACTOR, readSnapshot, type SnapshotProgress, writeSnapshot } from '../snapshot/codec.js';
import { defaultStorage } from '../snapshot/default-storage.js';
import { passwordKey, SNAPSHOT_KEY_BYTES, V2_DEFAULT_ROUNDS, V2_DEFAULT_SALT, v2PasswordKey } from '../snapshot/keys.js';
import type { SnapshotState } from '../snapshot/state.js';
import type { SnapshotLock, SnapshotStorage } from '../snapshot/storage.js';

/**
 * A password (its UTF-8 text or bytes; the key is BLAKE2b-256 of it, as the IOTA SDK does) or a raw
 * 32-byte snapshot key (`{ key }`, e.g. from an application's own KDF).
 */
export type Password = string | Uint8Array | { key: Uint8Array };

export interface FileOptions {
  /** Start empty when the file does not exist (nothing is written until `save`). */
  create?: boolean;
  /** Do not take the writer lock; `save` is refused. For inspection. */
  readOnly?: boolean;
  /** scrypt work factor for headers this instance makes (new file, password change); default 19. */
  workFactor?: number;
  /** Largest work factor accepted when reading; default 23. Guards against files that would take 8+ GiB. */
  maxWorkFactor?: number;
  /** Key derivation progress (start, a tick every 250 ms, done), for spinners. */
  onProgress?: (progress: SnapshotProgress) => void;
  /** How a v2 file's key is derived: PBKDF2-HMAC-SHA512(password, salt, rounds); BLAKE2b-256 is tried next. */
  v2?: { salt?: string | Uint8Array; rounds?: number };
  /** Where the snapshot lives; default: files on this machine (the path is a file path). */
  storage?: SnapshotStorage;
}

const MAX_FACTOR = 63;

export function keyFrom(password: Password, field = 'password'): Uint8Array {
  if (typeof password === 'object' && password !== null && !(password instanceof Uint8Array)) {
    return Uint8Array.from(assertBytes((password as { key?: unknown }).key, { field: `${field}.key`, length: SNAPSHOT_KEY_BYTES }));
  }
  if (typeof password !== 'string' && !(password instanceof Uint8Array)) throw invalidArgument(field, 'a string, bytes or { key }');
  return passwordKey(password);
}

/** Keys to try for a v2 file: the wallet.rs PBKDF2 convention first, then BLAKE2b (Stronghold 1.x). */
function v2Keys(password: Password, v2: FileOptions['v2']): Uint8Array[] {
  if (typeof password === 'object' && !(password instanceof Uint8Array)) return [keyFrom(password)];
  const rounds = assertInt(v2?.rounds ?? V2_DEFAULT_ROUNDS, { field: 'v2.rounds', min: 1, max: 10_000_000 });
  return [v2PasswordKey(password, v2?.salt ?? V2_DEFAULT_SALT, rounds), passwordKey(password)];
}

/** Wipes the plaintext vault keys of an exported state. */
function wipeKeys(state: SnapshotState): void {
  for (const c of state.clients) {
    for (const k of c.keystore) wipe(k.key);
    for (const v of c.vaults) wipe(v.key);
  }
}

export class SnapshotFile {
  readonly path: string;
  readonly storage: SnapshotStorage;
  readonly readOnly: boolean;
  readonly #maxWorkFactor: number;
  readonly #onProgress: ((progress: SnapshotProgress) => void) | undefined;
  readonly #v2: FileOptions['v2'];
  /** True when the caller chose the work factor; otherwise a v3 file's own is kept for new headers. */
  readonly #workFactorGiven: boolean;
  #version: 2 | 3 = 3;
  #workFactor: number;
  /** The snapshot key, in guarded memory while unlocked. */
  #key: GuardedBuffer | null = null;
  /** The age header and file key for saves without scrypt; made at open (v3) or at the first save. */
  #session: AgeSession | null = null;
  #lock: SnapshotLock | null = null;

  constructor(path: string, options: FileOptions) {
    if (typeof path !== 'string' || path.length === 0) throw invalidArgument('path', 'a non-empty file path');
    this.path = path;
    this.storage = options.storage ?? defaultStorage;
    this.readOnly = options.readOnly === true;
    this.#workFactorGiven = options.workFactor !== undefined;
    this.#workFactor = assertInt(options.workFactor ?? DEFAULT_WORK_FACTOR, { field: 'workFactor', min: 0, max: MAX_FACTOR });
    this.#maxWorkFactor = assertInt(options.maxWorkFactor ?? MAX_READ_WORK_FACTOR, { field: 'maxWorkFactor', min: 0, max: MAX_FACTOR });
    this.#onProgress = options.onProgress;
    this.#v2 = options.v2;
  }

  /** 2 until migrated, 3 otherwise. */
  get version(): 2 | 3 {
    return this.#version;
  }

  get #progress(): { onProgress?: (p: SnapshotProgress) => void } {
    return this.#onProgress ? { onProgress: this.#onProgress } : {};
  }

  /**
   * Takes the writer lock (unless read-only) and reads the file; null when it is missing and `create` is set.
   * On failure everything is released again.
   */
  async read(password: Password, create: boolean): Promise<SnapshotState | null> {
    try {
      if (!this.readOnly) this.#lock = await this.storage.lock(this.path);
      let bytes: Uint8Array;
      try {
        bytes = await this.storage.read(this.path);
      } catch (e) {
        if (!create || !isStrongholdError(e, 'SnapshotNotFound')) throw e;
        this.#key = GuardedBuffer.adopt(keyFrom(password));
        return null;
      }
      const keys = bytes[5] === 2 && bytes[6] === 0 ? v2Keys(password, this.#v2) : [keyFrom(password)];
      try {
        for (const [i, key] of keys.entries()) {
          try {
            const read = await readSnapshot(bytes, key, { maxWorkFactor: this.#maxWorkFactor, keepSession: true, ...this.#progress });
            this.#version = read.version;
            this.#session = read.session ?? null;
            if (read.workFactor !== undefined && !this.#workFactorGiven) this.#workFactor = read.workFactor;
            this.#key = GuardedBuffer.adopt(Uint8Array.from(key));
            return read.state;
          } catch (e) {
            if (!(isStrongholdError(e, 'WrongPassword') && i < keys.length - 1)) throw e;
          }
        }
        throw new Error('unreachable');
      } finally {
        wipe(...keys);
      }
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Saves `state` in place (its plaintext keys are wiped). Makes the header on the first save of a new file. */
  async save(state: SnapshotState): Promise<void> {
    try {
      if (this.readOnly) throw invalidArgument('readOnly', 'a Stronghold opened for writing (it was opened read-only)');
      if (this.#version === 2) throw invalidArgument('password', 'a new password: a v2 snapshot is migrated with saveAs or changePassword, not saved in place');
      const key = this.#key!.read((k) => Uint8Array.from(k));
      try {
        this.#session ??= await createSnapshotSession(key, { workFactor: this.#workFactor, ...this.#progress });
        await this.storage.write(this.path, await writeSnapshot(state, key, { session: this.#session }));
      } finally {
        wipe(key);
      }
    } finally {
      wipeKeys(state);
    }
  }

  /** Writes `state` (keys wiped after) to `path` under `password` with a fresh header; returns its key and session. */
  async #writeNew(path: string, password: Password, workFactor: number, state: SnapshotState): Promise<{ key: Uint8Array; session: AgeSession }> {
    const key = keyFrom(password);
    let session: AgeSession | null = null;
    try {
      session = await createSnapshotSession(key, { workFactor, ...this.#progress });
      await this.storage.write(path, await writeSnapshot(state, key, { session }));
      return { key, session };
    } catch (e) {
      wipe(key);
      session?.destroy();
      throw e;
    } finally {
      wipeKeys(state);
    }
  }

  /** A copy at another path under another password (a backup, or a v2 migration); this binding is unchanged. */
  async saveAs(path: string, password: Password, workFactor: number | undefined, state: SnapshotState): Promise<void> {
    if (typeof path !== 'string' || path.length === 0) {
      wipeKeys(state);
      throw invalidArgument('path', 'a non-empty file path');
    }
    const lock = path === this.path && this.#lock ? null : await this.storage.lock(path);
    try {
      const { key, session } = await this.#writeNew(path, password, this.#checkFactor(workFactor), state);
      wipe(key);
      session.destroy();
    } finally {
      await lock?.release();
    }
  }

  /** Re-encrypts the file in place under a new password; a v2 file becomes v3. */
  async changePassword(password: Password, workFactor: number | undefined, state: SnapshotState): Promise<void> {
    if (this.readOnly) {
      wipeKeys(state);
      throw invalidArgument('readOnly', 'a Stronghold opened for writing (it was opened read-only)');
    }
    const factor = this.#checkFactor(workFactor);
    const { key, session } = await this.#writeNew(this.path, password, factor, state);
    this.#session?.destroy();
    this.#key?.free();
    this.#key = GuardedBuffer.adopt(key);
    this.#session = session;
    this.#version = 3;
    this.#workFactor = factor;
  }

  #checkFactor(workFactor: number | undefined): number {
    return assertInt(workFactor ?? this.#workFactor, { field: 'workFactor', min: 0, max: MAX_FACTOR });
  }

  /** Wipes the key and session and releases the lock. Idempotent; `read` works again afterwards. */
  async close(): Promise<void> {
    this.#session?.destroy();
    this.#session = null;
    this.#key?.free();
    this.#key = null;
    await this.#lock?.release();
    this.#lock = null;
  }
}
