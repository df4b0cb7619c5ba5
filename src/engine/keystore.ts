/**
 * Per-client vault keys, each sealed under the process master key (associated data = VaultId), as Rust's
 * `KeyStore` seals them under its NCKey. The master key is a random 32-byte key made once per process in
 * guarded memory; a vault key is opened into guarded memory only for one use.
 *
 * Speed: changing page protection is a system call (about 1 µs here), and a use would otherwise pay four
 * (master key in and out, work buffer in and out). So every buffer of the engine's pool keeps a copy of the
 * master key in its reserved prefix: the same guarded, mlocked, no-access-when-idle memory, one window per use.
 * @module
 */
import { toHex } from '../assert.js';
import { GuardedBuffer, GuardedPool, wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';
import { BOX_OVERHEAD, openInto, seal } from './record.js';

export const KEY_LENGTH = 32;

let master: GuardedBuffer | null = null;

function masterKey(): GuardedBuffer {
  if (master === null) {
    const key = new Uint8Array(KEY_LENGTH);
    sodium.randombytes_buf(key);
    master = GuardedBuffer.adopt(key);
  }
  return master;
}

/** The engine's guarded work buffers, each starting with a copy of the master key. */
export const enginePool = new GuardedPool({
  reserved: KEY_LENGTH,
  fillReserved: (mem) => masterKey().read((m) => mem.set(m)),
});

const hexOf = toHex;

/** Bytes a sealed vault key takes in memory. */
export const SEALED_KEY_LENGTH = KEY_LENGTH + BOX_OVERHEAD;

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

  /** Stores `key` (wiping the caller's copy) or, without one, a fresh random key made in guarded memory. */
  insert(vaultId: Uint8Array, key?: Uint8Array): void {
    const box = enginePool.with(KEY_LENGTH, (work, masterCopy) => {
      const plain = work.subarray(0, KEY_LENGTH);
      if (key) plain.set(key);
      else sodium.randombytes_buf(plain);
      return seal(masterCopy, vaultId, plain);
    });
    wipe(key);
    this.#sealed.set(hexOf(vaultId), { vaultId: Uint8Array.from(vaultId), box });
  }

  delete(vaultId: Uint8Array): void {
    this.#sealed.delete(hexOf(vaultId));
  }

  /**
   * Opens the vault key into `out` with the master key `masterCopy` (both in an open engine window).
   * Returns false when the vault has no key.
   */
  openWith(masterCopy: Uint8Array, vaultId: Uint8Array, out: Uint8Array, vaultKey = hexOf(vaultId)): boolean {
    const entry = this.#sealed.get(vaultKey);
    if (!entry) return false;
    if (!openInto(masterCopy, vaultId, entry.box, out)) throw new Error('a vault key failed to authenticate under the master key: memory is corrupted');
    return true;
  }

  /** Runs `fn` synchronously with the vault key open in guarded memory, then wipes it. Undefined without a key. */
  withKey<T>(vaultId: Uint8Array, fn: (key: Uint8Array) => T): T | undefined {
    return enginePool.with(KEY_LENGTH, (work, masterCopy) => {
      const key = work.subarray(0, KEY_LENGTH);
      return this.openWith(masterCopy, vaultId, key) ? fn(key) : undefined;
    });
  }

  /** Wipes and forgets every key. */
  clear(): void {
    for (const e of this.#sealed.values()) wipe(e.box);
    this.#sealed.clear();
  }
}
