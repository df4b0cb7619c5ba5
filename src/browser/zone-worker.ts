/**
 * The zone in a browser: a dedicated Worker that holds the unlocked snapshot. The page talks to it through
 * handle.ts; each request names a method of a fixed list below (nothing else is callable), its arguments come in
 * the wire form, and the reply carries the method's result, which the client API guarantees is public. After
 * `idleLockMs` without a request the worker locks the Stronghold (saving pending changes, wiping every key) and
 * tells the page. Requests run one at a time, in order.
 * @module
 */
import { argon2idAsync } from '@noble/hashes/argon2.js';
import type { Client } from '../client/client.js';
import { Stronghold, type OpenOptions, type Password } from '../client/stronghold.js';
import { isStrongholdError, StrongholdError, type StrongholdErrorJSON } from '../errors.js';
import { memoryProtection, wipe } from '../memory/guarded.js';
import { exportSnapshot, importSnapshot, memoryStorage, type SnapshotStorage } from '../snapshot/storage.js';
import { decodeCalls, decodeValue, encodeValue } from '../zone/calls.js';
import { DEFAULT_IDLE_LOCK_MS, type Argon2Spec, type StorageSpec, type WorkerMessage, type WorkerRequest } from './protocol.js';
import { indexedDbStorage, opfsStorage } from './storage.js';

interface Scope {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = globalThis as unknown as Scope;

let sh: Stronghold | null = null;
let idleMs = DEFAULT_IDLE_LOCK_MS;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
/** The storage of the open snapshot: a memory one lives only as long as this worker. */
let storage: SnapshotStorage | null = null;

function storageOf(spec: StorageSpec | undefined): SnapshotStorage {
  switch (spec?.kind ?? 'memory') {
    case 'memory': return memoryStorage();
    case 'opfs': return opfsStorage();
    case 'indexeddb': return indexedDbStorage((spec as { database?: string }).database);
    default: throw new StrongholdError('InvalidArgument', '"storage" expected { kind: "memory" | "opfs" | "indexeddb" }', { field: 'storage', expected: 'a storage kind' });
  }
}

function opened(): Stronghold {
  if (!sh) throw new StrongholdError('InvalidArgument', '"stronghold" expected an open snapshot (call open first)', { field: 'stronghold', expected: 'an open snapshot' });
  return sh;
}

function armIdleLock(): void {
  clearTimeout(idleTimer);
  if (!sh || sh.isLocked || idleMs <= 0) return;
  idleTimer = setTimeout(() => void queue(async () => {
    if (!sh || sh.isLocked) return;
    await sh.lock();
    scope.postMessage({ t: 'locked', reason: 'idle' });
  }), idleMs);
}

interface OpenArgs {
  storage?: StorageSpec;
  path: string;
  password: Password;
  /** Hash a string password with Argon2id first; the snapshot key is the 32-byte tag. */
  argon2?: Argon2Spec;
  idleLockMs?: number;
  options?: Pick<OpenOptions, 'create' | 'readOnly' | 'workFactor' | 'maxWorkFactor'>;
}

type Method = (args: unknown[], req: WorkerRequest) => unknown;

const SALT_BYTES = 32;

/** The salt entry beside the snapshot, made (random, 32 bytes) on first use, or stored from `given`. */
async function saltOf(s: SnapshotStorage, name: string, given: Uint8Array | undefined): Promise<Uint8Array> {
  if (given !== undefined) {
    if (given.length !== SALT_BYTES) throw new StrongholdError('InvalidArgument', `"argon2.saltBytes" expected ${SALT_BYTES} bytes, got ${given.length}`, { field: 'argon2.saltBytes', expected: `${SALT_BYTES} bytes` });
    await s.write(name, given);
    return given;
  }
  try {
    const salt = await s.read(name);
    if (salt.length !== SALT_BYTES) throw new StrongholdError('InvalidArgument', `"argon2.salt" expected a salt of ${SALT_BYTES} bytes, got ${salt.length}`, { field: 'argon2.salt', expected: `${SALT_BYTES} bytes` });
    return salt;
  } catch (e) {
    if (!isStrongholdError(e, 'SnapshotNotFound')) throw e;
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    await s.write(name, salt);
    return salt;
  }
}

/** The snapshot key for `password`: the password itself, or its Argon2id tag when `argon2` is given. */
async function keyFor(s: SnapshotStorage, password: Password, argon2: Argon2Spec | undefined): Promise<Password> {
  if (!argon2) return password;
  if (typeof password !== 'string') throw new StrongholdError('InvalidArgument', '"password" expected a string to hash with Argon2id', { field: 'password', expected: 'a string' });
  const bytes = new TextEncoder().encode(password);
  try {
    return { key: await argon2idAsync(bytes, await saltOf(s, argon2.salt, argon2.saltBytes), { t: argon2.passes, m: argon2.memoryKiB, p: argon2.parallelism, dkLen: 32 }) };
  } finally {
    wipe(bytes);
  }
}

/** Wipes a password given as bytes once the worker is done with it (a string cannot be wiped). */
function usePassword<T>(password: unknown, fn: () => Promise<T>): Promise<T> {
  return fn().finally(() => {
    if (password instanceof Uint8Array) wipe(password);
  });
}

const progressOf = (id: number) => (progress: { phase: string; workFactor: number; elapsedMs: number; fraction?: number }): void =>
  scope.postMessage({ t: 'progress', id, progress });

const STRONGHOLD: Record<string, Method> = {
  async open([a], req) {
    const args = a as OpenArgs;
    if (sh) await sh.close();
    sh = null;
    storage = storageOf(args.storage);
    if (req.file !== undefined) await importSnapshot(storage, args.path, req.file);
    idleMs = args.idleLockMs ?? DEFAULT_IDLE_LOCK_MS;
    const key = await keyFor(storage, args.password, args.argon2);
    try {
      sh = await usePassword(args.password, () => Stronghold.open(args.path, key, { ...args.options, storage: storage!, onProgress: progressOf(req.id) }));
    } finally {
      if (key !== args.password) wipe((key as { key: Uint8Array }).key);
    }
    return info();
  },
  info: () => info(),
  save: () => opened().save(),
  lock: () => opened().lock(),
  unlock: ([password]) => usePassword(password, () => opened().unlock(password as Password)),
  changePassword: ([password, options]) => usePassword(password, () => opened().changePassword(password as Password, options as { workFactor?: number })),
  export: () => exportSnapshot(storage!, opened().path!),
  close: async () => {
    await sh?.close();
    sh = null;
  },
  createClient: ([path]) => void opened().createClient(path as never),
  loadClient: ([path]) => void opened().loadClient(path as never),
  hasClient: ([path]) => opened().hasClient(path as never),
  listClients: () => opened().listClients(),
  unloadClient: ([path]) => opened().unloadClient(path as never),
  purgeClient: ([path]) => opened().purgeClient(path as never),
};

const CLIENT: Record<string, (c: Client, args: unknown[], blobs: Uint8Array[]) => unknown> = {
  vaultExists: (c, [path]) => c.vaultExists(path as never),
  recordExists: (c, [loc]) => c.recordExists(loc as never),
  listRecords: (c, [path]) => c.listRecords(path as never),
  writeSecret: (c, [loc, secret]) => {
    try {
      c.writeSecret(loc as never, secret as Uint8Array);
    } finally {
      wipe(secret as Uint8Array);
    }
  },
  revokeSecret: (c, [loc]) => c.revokeSecret(loc as never),
  deleteSecret: (c, [loc]) => c.deleteSecret(loc as never),
  garbageCollect: (c, [path]) => c.garbageCollect(path as never),
  executeChain: async (c, [calls], blobs) => {
    try {
      return await c.executeChain(decodeCalls(calls, blobs));
    } finally {
      wipe(...blobs);
    }
  },
};

const STORE: Record<string, (c: Client, args: unknown[]) => unknown> = {
  insert: (c, [key, value, options]) => c.store.insert(key as never, value as never, options as never),
  get: (c, [key]) => c.store.get(key as never),
  has: (c, [key]) => c.store.has(key as never),
  delete: (c, [key]) => c.store.delete(key as never),
  keys: (c) => c.store.keys(),
};

function info(): Record<string, unknown> {
  const s = opened();
  return {
    path: s.path, storage: s.storage?.kind ?? null, isLocked: s.isLocked, snapshotVersion: s.isLocked ? null : s.snapshotVersion,
    hasUnsavedChanges: s.isLocked ? false : s.hasUnsavedChanges, memoryProtection,
  };
}

function errorJSON(e: unknown): StrongholdErrorJSON {
  if (isStrongholdError(e)) return e.toJSON();
  const reason = e instanceof Error ? e.name : 'unknown error';
  return new StrongholdError('ProcedureFailed', `the zone worker failed: ${reason}`, { procedure: 'zone', reason }).toJSON();
}

async function handle(req: WorkerRequest): Promise<unknown> {
  // Calls stay in the wire form until decodeCalls rebuilds each through its procedure's builder.
  const raw = req.target === 'client' && req.method === 'executeChain';
  const args = (raw ? req.args : decodeValue(req.args, req.blobs, { copy: false })) as unknown[];
  if (!Array.isArray(args)) throw new StrongholdError('ProtocolError', 'worker request without arguments', { reason: 'missing args' });
  const table = req.target === 'stronghold' ? STRONGHOLD : req.target === 'client' ? CLIENT : req.target === 'store' ? STORE : null;
  const method = table && Object.hasOwn(table, req.method) ? table[req.method] : undefined;
  if (!method) throw new StrongholdError('ProtocolError', `the zone worker has no method ${String(req.target)}.${String(req.method).slice(0, 40)}`, { reason: 'unknown method' });
  if (req.target === 'stronghold') return (method as Method)(args, req);
  const client = opened().getClient(decodeValue(req.client, req.blobs, { copy: false }) as never);
  return (method as (c: Client, a: unknown[], b: Uint8Array[]) => unknown)(client, args, req.blobs);
}

let tail: Promise<unknown> = Promise.resolve();
function queue<T>(fn: () => Promise<T>): Promise<T> {
  const run = tail.then(fn, fn);
  tail = run.catch(() => {});
  return run;
}

scope.onmessage = (event) => {
  const req = event.data;
  void queue(async () => {
    try {
      const value = await handle(req);
      const blobs: Uint8Array[] = [];
      const encoded = value instanceof Blob ? value : encodeValue(value, (b) => blobs.push(b) - 1);
      scope.postMessage({ t: 'reply', id: req.id, ok: true, value: encoded ?? null, blobs });
    } catch (e) {
      scope.postMessage({ t: 'reply', id: req.id, ok: false, error: errorJSON(e) });
    } finally {
      armIdleLock();
    }
  });
};
