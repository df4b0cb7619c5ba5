/**
 * A non-secret key/value store with optional time-to-live: each client has one that is persisted in the
 * snapshot (Rust `Cache`), and each Stronghold has a session store that never is.
 * Unlike Rust, expired entries are invisible everywhere, `keys()` included, and are dropped on save.
 * @module
 */
import { assertBytes, assertInt, toHex } from '../assert.js';
import { invalidArgument } from '../errors.js';
import type { StoreState, Timestamp } from '../snapshot/state.js';

/** Longest store key, in bytes. Our choice, matching the path limit. */
export const MAX_STORE_KEY_BYTES = 1024;
/** Largest store value, in bytes. Our choice: the store is for settings and metadata, not bulk data. */
export const MAX_STORE_VALUE_BYTES = 16 * 1024 * 1024;

export type StoreKey = string | Uint8Array;

export interface InsertOptions {
  /** Lifetime in milliseconds; the entry disappears once it has passed. */
  ttlMs?: number;
}

interface Entry {
  key: Uint8Array;
  value: Uint8Array;
  /** Milliseconds since the epoch, or null. */
  expiresAt: number | null;
  /** The exact persisted form of `expiresAt`, kept so a file's timestamps survive a round trip. */
  expiration: Timestamp | null;
}

const hexOf = toHex;

function toKey(key: unknown): Uint8Array {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (!(bytes instanceof Uint8Array)) throw invalidArgument('key', `a string or bytes, got ${key === null ? 'null' : typeof key}`);
  return Uint8Array.from(assertBytes(bytes, { field: 'key', max: MAX_STORE_KEY_BYTES }));
}

function toValue(value: unknown): Uint8Array {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  if (!(bytes instanceof Uint8Array)) throw invalidArgument('value', `a string or bytes, got ${value === null ? 'null' : typeof value}`);
  return Uint8Array.from(assertBytes(bytes, { field: 'value', max: MAX_STORE_VALUE_BYTES }));
}

export function msToTimestamp(ms: number): Timestamp {
  const whole = Math.floor(ms / 1000);
  return { secs: BigInt(whole), nanos: Math.round((ms - whole * 1000) * 1e6) };
}

export function timestampToMs(t: Timestamp): number {
  return Number(t.secs) * 1000 + Math.floor(t.nanos / 1e6);
}

export class Store {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  /** Kept only to write back what the file had (Rust's scanner fields, creation time). */
  #meta: Omit<StoreState, 'entries'>;
  #changes = 0;

  constructor(now: () => number = Date.now, state?: StoreState) {
    this.#now = now;
    this.#meta = state
      ? { scanFreq: state.scanFreq, createdAt: state.createdAt, lastScanAt: state.lastScanAt }
      : { scanFreq: null, createdAt: msToTimestamp(now()), lastScanAt: null };
    for (const e of state?.entries ?? []) {
      this.#entries.set(hexOf(e.key), { key: e.key, value: e.value, expiresAt: e.expiration ? timestampToMs(e.expiration) : null, expiration: e.expiration });
    }
  }

  #live(hex: string): Entry | undefined {
    const e = this.#entries.get(hex);
    if (e && e.expiresAt !== null && e.expiresAt <= this.#now()) {
      this.#entries.delete(hex);
      return undefined;
    }
    return e;
  }

  /** Stores a value; returns the previous one if it had not expired. */
  insert(key: StoreKey, value: Uint8Array | string, options: InsertOptions = {}): Uint8Array | null {
    const k = toKey(key);
    const v = toValue(value);
    const ttl = options.ttlMs === undefined ? null : assertInt(options.ttlMs, { field: 'ttlMs', min: 1 });
    const hex = hexOf(k);
    const previous = this.#live(hex);
    this.#changes++;
    const expiresAt = ttl === null ? null : this.#now() + ttl;
    this.#entries.set(hex, { key: k, value: v, expiresAt, expiration: expiresAt === null ? null : msToTimestamp(expiresAt) });
    return previous ? previous.value.slice() : null;
  }

  get(key: StoreKey): Uint8Array | null {
    return this.#live(hexOf(toKey(key)))?.value.slice() ?? null;
  }

  has(key: StoreKey): boolean {
    return this.#live(hexOf(toKey(key))) !== undefined;
  }

  /** Removes the entry; returns its value if it had not expired. */
  delete(key: StoreKey): Uint8Array | null {
    const hex = hexOf(toKey(key));
    const e = this.#live(hex);
    if (this.#entries.delete(hex)) this.#changes++;
    return e ? e.value : null;
  }

  /** Keys of live entries, in insertion order. */
  keys(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const hex of [...this.#entries.keys()]) {
      const e = this.#live(hex);
      if (e) out.push(e.key.slice());
    }
    return out;
  }

  /** Keys of live entries with when they expire (milliseconds since the epoch, or null for never), in insertion order. */
  keysWithExpiry(): { key: Uint8Array; expiresAt: number | null }[] {
    const out = [];
    for (const hex of [...this.#entries.keys()]) {
      const e = this.#live(hex);
      if (e) out.push({ key: e.key.slice(), expiresAt: e.expiresAt });
    }
    return out;
  }

  get size(): number {
    return this.keys().length;
  }

  clear(): void {
    this.#entries.clear();
    this.#changes++;
  }

  /** Counts modifications, so an owner can tell whether anything changed since it last looked. */
  get changes(): number {
    return this.#changes;
  }

  /** The persisted form, without expired entries. */
  exportState(): StoreState {
    const entries = [];
    for (const hex of [...this.#entries.keys()]) {
      const e = this.#live(hex);
      if (e) entries.push({ key: e.key, value: e.value, expiration: e.expiration });
    }
    return { entries, ...this.#meta };
  }
}
