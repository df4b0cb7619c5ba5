/**
 * Guarded memory: libsodium allocations with guard pages, a canary, mlock, and no access while idle.
 *
 * libsodium allows only about 16,000 such allocations per process (each takes four memory mappings),
 * and touching one while it is protected kills the process with SIGSEGV. So the engine never allocates
 * one per record: records stay sealed in ordinary memory, and a small pool of guarded buffers is opened
 * for the duration of one use (`GuardedPool`).
 *
 * In the browser build the same classes run on sodium.browser.ts: plain buffers, zeroed after every use, with no
 * guard pages, mlock or page protection (a browser offers none); `memoryProtection` says which applies.
 * @module
 */
import { sodium } from './sodium.js';

export { memoryProtection, type MemoryProtection } from './sodium.js';

/** `util.inspect.custom`, by its registered name: the browser build has no node:util. */
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/** Zeroes each array. JavaScript gives no guarantee against copies made by the engine, but every copy we make we wipe. */
export function wipe(...arrays: (Uint8Array | null | undefined)[]): void {
  for (const a of arrays) if (a && a.length > 0) sodium.sodium_memzero(a);
}

/**
 * A plain buffer for a short-lived secret, kept off the V8 heap: V8 stores typed arrays of up to 64 bytes inside
 * its heap and copies them when native code or `.buffer` first touches them, leaving a copy `wipe` cannot reach.
 */
export function secretBytes(length: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(length));
}

/** Upper bound on guarded buffers alive at once in one process, far below libsodium's hard limit. */
export const MAX_GUARDED_BUFFERS = 4096;
let liveBuffers = 0;

/**
 * One guarded allocation of a fixed capacity. Its contents are reachable only inside `read` or `write`;
 * between uses the pages are PROT_NONE. Calls nest: the protection drops back when the last use ends.
 */
export class GuardedBuffer {
  readonly capacity: number;
  #mem: Uint8Array | null;
  #readers = 0;
  #writers = 0;
  /** Views cached for `writeThenWipe`, the hot path of every use. */
  #views: { keep: number; work: Uint8Array; reserved: Uint8Array } | null = null;
  /** Number of meaningful bytes at the start of the allocation. */
  length = 0;

  private constructor(capacity: number) {
    if (liveBuffers >= MAX_GUARDED_BUFFERS) {
      throw new RangeError(`too many guarded buffers in use (${MAX_GUARDED_BUFFERS}); a caller is holding secrets open`);
    }
    this.capacity = capacity;
    this.#mem = sodium.sodium_malloc(Math.max(1, capacity));
    liveBuffers++;
    try {
      sodium.sodium_mlock(this.#mem);
    } catch {
      // mlock can fail under RLIMIT_MEMLOCK for non-root users; guard pages and wiping still apply.
    }
    sodium.sodium_memzero(this.#mem);
    sodium.sodium_mprotect_noaccess(this.#mem);
  }

  static alloc(capacity: number): GuardedBuffer {
    return new GuardedBuffer(capacity);
  }

  /** Copies `bytes` into a new guarded buffer and wipes the source. */
  static adopt(bytes: Uint8Array): GuardedBuffer {
    const g = new GuardedBuffer(bytes.length);
    g.write((m) => m.set(bytes));
    g.length = bytes.length;
    wipe(bytes);
    return g;
  }

  get isFreed(): boolean {
    return this.#mem === null;
  }

  #view(): Uint8Array {
    if (this.#mem === null) throw new Error('guarded buffer used after free');
    return this.#mem.subarray(0, this.length);
  }

  #settle<T>(result: T, release: () => void): T {
    if (result instanceof Promise) return result.finally(release) as T;
    release();
    return result;
  }

  /** Runs `fn` with read-only access to the first `length` bytes. Do not keep the view past `fn`. */
  read<T>(fn: (bytes: Uint8Array) => T): T {
    const mem = this.#view();
    if (this.#readers++ === 0 && this.#writers === 0) sodium.sodium_mprotect_readonly(this.#mem!);
    let result: T;
    try {
      result = fn(mem);
    } catch (e) {
      this.#releaseRead();
      throw e;
    }
    return this.#settle(result, () => this.#releaseRead());
  }

  /** Runs `fn` with read-write access to the whole capacity. Set `length` to what you wrote. */
  write<T>(fn: (bytes: Uint8Array) => T): T {
    if (this.#mem === null) throw new Error('guarded buffer used after free');
    const mem = this.#mem.subarray(0, this.capacity);
    if (this.#writers++ === 0) sodium.sodium_mprotect_readwrite(this.#mem);
    let result: T;
    try {
      result = fn(mem);
    } catch (e) {
      this.#releaseWrite();
      throw e;
    }
    return this.#settle(result, () => this.#releaseWrite());
  }

  #releaseRead(): void {
    if (--this.#readers === 0 && this.#writers === 0 && this.#mem) sodium.sodium_mprotect_noaccess(this.#mem);
  }

  #releaseWrite(): void {
    if (--this.#writers === 0 && this.#mem) {
      if (this.#readers > 0) sodium.sodium_mprotect_readonly(this.#mem);
      else sodium.sodium_mprotect_noaccess(this.#mem);
    }
  }

  /**
   * Like `write`, but zeroes the whole capacity before access is dropped, so the buffer leaves the window
   * clean without a second one (each protection change is a system call).
   */
  writeThenWipe<T>(fn: (work: Uint8Array, reserved: Uint8Array) => T, keep = 0): T {
    const mem = this.#mem;
    if (mem === null) throw new Error('guarded buffer used after free');
    if (this.#views === null || this.#views.keep !== keep) {
      this.#views = { keep, work: mem.subarray(keep, this.capacity), reserved: mem.subarray(0, keep) };
    }
    const { work, reserved } = this.#views;
    if (this.#writers++ === 0) sodium.sodium_mprotect_readwrite(mem);
    const done = (): void => {
      sodium.sodium_memzero(work);
      this.#releaseWrite();
    };
    let result: T;
    try {
      result = fn(work, reserved);
    } catch (e) {
      done();
      throw e;
    }
    if (result instanceof Promise) return result.finally(done) as T;
    done();
    return result;
  }

  /** Zeroes the contents and keeps the allocation for reuse. */
  clear(): void {
    this.write((m) => sodium.sodium_memzero(m));
    this.length = 0;
  }

  /**
   * Zeroes and releases the allocation (sodium_free also zeroes). Idempotent. sodium-native unmaps the pages
   * only when the garbage collector finalizes the buffer, so alloc/free in a tight loop piles up mappings:
   * hot paths reuse buffers through a `GuardedPool` instead.
   */
  free(): void {
    if (this.#mem === null) return;
    sodium.sodium_mprotect_readwrite(this.#mem);
    sodium.sodium_memzero(this.#mem);
    sodium.sodium_free(this.#mem);
    this.#mem = null;
    this.#views = null;
    this.length = 0;
    liveBuffers--;
  }

  toJSON(): string {
    return '[GuardedBuffer: hidden]';
  }

  [inspectCustom](): string {
    return `GuardedBuffer(${this.capacity} bytes, hidden)`;
  }
}

/**
 * Reusable guarded buffers in power-of-two size classes. `acquire` hands out a cleared buffer;
 * `release` wipes it and keeps it for the next use, so steady use costs no allocation.
 */
export interface GuardedPoolInit {
  /** Wiped buffers kept per size class. */
  maxFreePerClass?: number;
  /**
   * Bytes at the start of every buffer that survive between uses, filled once by `fillReserved` when the
   * buffer is allocated. The engine keeps a copy of its master key there, so one use opens one window
   * instead of two.
   */
  reserved?: number;
  fillReserved?: (mem: Uint8Array) => void;
}

export class GuardedPool {
  /** Free buffers by size class, indexed by log2 of the class. */
  readonly #free: GuardedBuffer[][] = [];
  readonly #maxFreePerClass: number;
  readonly #reserved: number;
  readonly #fillReserved: ((mem: Uint8Array) => void) | undefined;

  constructor(init: GuardedPoolInit = {}) {
    this.#maxFreePerClass = init.maxFreePerClass ?? 8;
    this.#reserved = init.reserved ?? 0;
    this.#fillReserved = init.fillReserved;
  }

  static sizeClass(size: number): number {
    return size <= 64 ? 64 : 2 ** (32 - Math.clz32(size - 1));
  }

  acquire(size: number): GuardedBuffer {
    const cls = GuardedPool.sizeClass(size + this.#reserved);
    let buf = this.#free[31 - Math.clz32(cls)]?.pop();
    if (!buf) {
      buf = GuardedBuffer.alloc(cls);
      const fill = this.#fillReserved;
      if (fill) buf.write((mem) => fill(mem.subarray(0, this.#reserved)));
    }
    buf.length = 0;
    return buf;
  }

  release(buf: GuardedBuffer): void {
    if (buf.isFreed) return;
    buf.write((mem) => sodium.sodium_memzero(mem.subarray(this.#reserved)));
    this.#keep(buf);
  }

  /**
   * Runs `fn` on a pooled buffer of at least `size` bytes, writable, and wipes it when `fn` (or its promise)
   * is done. The cheapest way to hold a secret for one use: one protection change in, one out.
   */
  with<T>(size: number, fn: (bytes: Uint8Array, reserved: Uint8Array) => T): T {
    const buf = this.acquire(size);
    const r = this.#reserved;
    let result: T;
    try {
      result = buf.writeThenWipe(fn, r);
    } catch (e) {
      this.#keep(buf);
      throw e;
    }
    if (result instanceof Promise) return result.finally(() => this.#keep(buf)) as T;
    this.#keep(buf);
    return result;
  }

  #keep(buf: GuardedBuffer): void {
    buf.length = 0;
    const list = (this.#free[31 - Math.clz32(buf.capacity)] ??= []);
    if (list.length < this.#maxFreePerClass) {
      list.push(buf);
    } else {
      buf.free();
    }
  }

  /** Frees every pooled buffer (and so every reserved copy). */
  drain(): void {
    for (const list of this.#free) for (const b of list ?? []) b.free();
    this.#free.length = 0;
  }
}

/** The process-wide pool that the engine's use gate and procedures draw from. */
export const guardedPool = new GuardedPool();
