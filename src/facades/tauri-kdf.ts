/**
 * The Tauri plugin's password-to-key step (tauri-apps/plugins-workspace `plugins/stronghold/src/kdf.rs`):
 * Argon2id, version 0x13, with the RustCrypto `argon2` crate's `Argon2::default()` parameters (19,456 KiB,
 * 2 passes, 1 lane) and a 32-byte output, salted with the 32 bytes of one application-wide salt file,
 * created on first use. The 32-byte result is the snapshot key, so files the plugin wrote open unchanged.
 *
 * Argon2 runs in Node's native `crypto.argon2` (Node 24.7+) off the main thread, and falls back to
 * `@noble/hashes` on older Node. Both are checked against RFC 9106 §5.3 in the tests.
 * @module
 */
import * as nodeCrypto from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { assertBytes, assertInt } from '../assert.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';

/** Length of the plugin's salt file and of its derived key (`HASH_LENGTH` in kdf.rs). */
export const TAURI_SALT_BYTES = 32;

/** `argon2::Params::DEFAULT_*` of the RustCrypto crate, which `Argon2::default()` uses. */
export const TAURI_ARGON2_PARAMS: Readonly<Argon2idParams> = Object.freeze({ memoryKiB: 19_456, passes: 2, parallelism: 1, tagLength: 32 });

export interface Argon2idParams {
  memoryKiB: number;
  passes: number;
  parallelism: number;
  tagLength: number;
  /** The optional secret input K of RFC 9106 (absent in the plugin). */
  secret?: Uint8Array;
  /** The optional associated data X of RFC 9106 (absent in the plugin). */
  associatedData?: Uint8Array;
}

type NodeArgon2 = (
  algorithm: 'argon2id',
  params: { message: Uint8Array; nonce: Uint8Array; parallelism: number; tagLength: number; memory: number; passes: number; secret?: Uint8Array; associatedData?: Uint8Array },
  callback: (err: Error | null, out: Buffer) => void,
) => void;

/** Node's `crypto.argon2`, when this Node has it (v24.7+). */
const nativeArgon2 = (nodeCrypto as unknown as { argon2?: NodeArgon2 }).argon2;

/** Which Argon2 implementation `argon2id` uses by default. */
export type Argon2Implementation = 'native' | 'noble';
export const DEFAULT_ARGON2: Argon2Implementation = nativeArgon2 ? 'native' : 'noble';

/**
 * Argon2id (RFC 9106, version 0x13).
 * @returns a fresh `tagLength`-byte tag the caller wipes
 * @throws StrongholdError `InvalidArgument` for bad parameters, `ProcedureFailed` if Argon2 itself fails
 */
export async function argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2idParams, impl: Argon2Implementation = DEFAULT_ARGON2): Promise<Uint8Array> {
  assertBytes(password, { field: 'password' });
  assertBytes(salt, { field: 'salt', min: 8 });
  const parallelism = assertInt(params.parallelism, { field: 'parallelism', min: 1, max: 255 });
  const memoryKiB = assertInt(params.memoryKiB, { field: 'memoryKiB', min: 8 * parallelism, max: 4 * 1024 * 1024 });
  const passes = assertInt(params.passes, { field: 'passes', min: 1, max: 1000 });
  const tagLength = assertInt(params.tagLength, { field: 'tagLength', min: 4, max: 1024 });
  try {
    if (impl === 'native') {
      if (!nativeArgon2) throw invalidArgument('impl', '"noble": this Node has no crypto.argon2');
      const out = await new Promise<Buffer>((resolve, reject) => {
        nativeArgon2('argon2id', {
          message: password, nonce: salt, parallelism, tagLength, memory: memoryKiB, passes,
          ...(params.secret ? { secret: params.secret } : {}), ...(params.associatedData ? { associatedData: params.associatedData } : {}),
        }, (err, tag) => (err ? reject(err) : resolve(tag)));
      });
      const tag = Uint8Array.from(out);
      wipe(out);
      return tag;
    }
    return await argon2idAsync(password, salt, {
      t: passes, m: memoryKiB, p: parallelism, dkLen: tagLength, maxmem: 2 ** 32 - 1,
      ...(params.secret ? { key: params.secret } : {}), ...(params.associatedData ? { personalization: params.associatedData } : {}),
    });
  } catch (e) {
    if (e instanceof StrongholdError) throw e;
    throw new StrongholdError('ProcedureFailed', 'Argon2id failed', { procedure: 'Argon2id', reason: 'the Argon2 implementation refused the parameters or ran out of memory' }, { cause: e });
  }
}

/**
 * Reads the salt file, or creates it with 32 random bytes when it does not exist (kdf.rs
 * `create_or_get_salt`). Unlike the plugin, a salt file of the wrong length is a typed error rather than a
 * panic, a new file is created exclusively (two processes racing both end up with the winner's salt), and it
 * is written with mode 0600.
 * @throws StrongholdError `InvalidArgument` (salt file not 32 bytes), `Io`
 */
export async function readOrCreateSalt(saltPath: string): Promise<Uint8Array> {
  if (typeof saltPath !== 'string' || saltPath.length === 0) throw invalidArgument('argon2.saltPath', 'a non-empty file path');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const salt = new Uint8Array(await readFile(saltPath));
      if (salt.length !== TAURI_SALT_BYTES) throw invalidArgument('argon2.saltPath', `a salt file of ${TAURI_SALT_BYTES} bytes, got ${salt.length}`);
      return salt;
    } catch (e) {
      if (e instanceof StrongholdError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(saltPath, 'read', e);
    }
    const salt = nodeCrypto.randomFillSync(new Uint8Array(TAURI_SALT_BYTES));
    try {
      await writeFile(saltPath, salt, { flag: 'wx', mode: 0o600 });
      return salt;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(saltPath, 'write', e);
    }
  }
  throw new StrongholdError('Io', `salt file ${saltPath} appeared and vanished while being created`, { path: saltPath, op: 'read' });
}

function ioError(path: string, op: string, cause: unknown): StrongholdError<'Io'> {
  return new StrongholdError('Io', `cannot ${op} salt file ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { path, op }, { cause });
}

/**
 * The snapshot key the plugin's `Builder::with_argon2(saltPath)` derives from `password`.
 * @returns a fresh 32-byte key the caller wipes
 */
export async function tauriArgon2Key(password: string | Uint8Array, saltPath: string, impl?: Argon2Implementation): Promise<Uint8Array> {
  const salt = await readOrCreateSalt(saltPath);
  const bytes = typeof password === 'string' ? new TextEncoder().encode(password) : Uint8Array.from(assertBytes(password, { field: 'password' }));
  try {
    return await argon2id(bytes, salt, TAURI_ARGON2_PARAMS, impl);
  } finally {
    wipe(bytes);
  }
}
