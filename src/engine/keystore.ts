/**
 * Per-client vault keys, each sealed under the process master key (associated data = VaultId), as Rust's
 * `KeyStore` seals them under its NCKey. The master key is a random 32-byte key in guarded memory, made once
 * per process; a vault key is opened into guarded memory only for one use.
 * @module
 */
import { GuardedBuffer, guardedPool, wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';
import { BOX_OVERHEAD, openInto, seal } from './record.js';

export const KEY_LENGTH = 32;

let master: GuardedBuffer | null = null;

function masterKey(): GuardedBuffer {
  if (master === null || master.isFreed) {
    const key = new Uint8Array(KEY_LENGTH);
    sodium.randombytes_buf(key);
    master = GuardedBuffer.adopt(key);
  }
  return master;
}

const hexOf = (id: Uint8Array): string => Buffer.from(id.buffer, id.byteOffset, id.length).toString('hex');

export class KeyStore {
  /** VaultId hex → key sealed under the master key; insertion order is the file's keystore order. */
  readonly #sealed = new Map<string, { vaultId: Uint8Array; box: Uint8Array }>();

  has(vaultId: Uint8Array): boolean {
    return this.#sealed.has(hexOf(vaultId));
  }

  get size(): number {
    return this.#sealed.size;
  }

  /** Vault ids in keystore order. */
  vaultIds(): Uint8Array[] {
    return [...this.#sealed.values()].map((e) => e.vaultId);
  }

  /** Stores `key` (wiping the caller's copy) or, without one, a fresh random key. */
  insert(vaultId: Uint8Array, key?: Uint8Array): void {
    const plain = key ?? new Uint8Array(KEY_LENGTH);
    if (!key) sodium.randombytes_buf(plain);
    const box = masterKey().read((m) => seal(m, vaultId, plain));
    wipe(plain);
    this.#sealed.set(hexOf(vaultId), { vaultId: Uint8Array.from(vaultId), box });
  }

  delete(vaultId: Uint8Array): void {
    this.#sealed.delete(hexOf(vaultId));
  }

  /**
   * Opens the vault key into `out` (32 bytes of guarded memory the caller wipes).
   * Returns false when the vault has no key.
   */
  openInto(vaultId: Uint8Array, out: Uint8Array): boolean {
    const entry = this.#sealed.get(hexOf(vaultId));
    if (!entry) return false;
    const ok = masterKey().read((m) => openInto(m, vaultId, entry.box, out));
    if (!ok) throw new Error('vault key failed to authenticate under the master key: memory corrupted');
    return true;
  }

  /** Runs `fn` with the vault key open in guarded memory (synchronously), then wipes it. */
  withKey<T>(vaultId: Uint8Array, fn: (key: Uint8Array) => T): T | undefined {
    const buf = guardedPool.acquire(KEY_LENGTH);
    try {
      return buf.write((mem) => {
        const key = mem.subarray(0, KEY_LENGTH);
        return this.openInto(vaultId, key) ? fn(key) : undefined;
      });
    } finally {
      guardedPool.release(buf);
    }
  }

  /** Wipes and forgets every key. */
  clear(): void {
    for (const e of this.#sealed.values()) wipe(e.box);
    this.#sealed.clear();
  }
}

/** Bytes a sealed vault key takes in memory. */
export const SEALED_KEY_LENGTH = KEY_LENGTH + BOX_OVERHEAD;
