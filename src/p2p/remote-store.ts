/**
 * The persisted store of a client on a server: `get`, `insert`, `delete`, `keys` of a local `ClientStore`, async.
 * Values travel in the frame's blob, never as text.
 * @module
 */
import { assertBytes, parseHex, toHex } from '../assert.js';
import type { InsertOptions, StoreKey } from '../engine/store.js';
import type { Answer } from './channel.js';
import { protocolError, type RequestBody, type RequestType } from './messages.js';
import { expectBool, expectObject } from './results.js';

const enc = new TextEncoder();
const storeKey = (key: StoreKey): string => toHex(typeof key === 'string' ? enc.encode(key) : assertBytes(key, { field: 'key' }));

/** Sends one request about the client the store belongs to. */
export type Ask = (type: RequestType, body: Omit<RequestBody, 'client'>, blob?: Uint8Array) => Promise<Answer>;

/** The store of a remote client. */
export class RemoteStore {
  readonly #ask: Ask;

  /** @internal Use `RemoteClient.store`. */
  constructor(ask: Ask) {
    this.#ask = ask;
  }

  async get(key: StoreKey): Promise<Uint8Array | null> {
    const a = await this.#ask('storeGet', { key: storeKey(key) });
    return expectBool(a.result, 'found') ? new Uint8Array(a.blob) : null;
  }

  async has(key: StoreKey): Promise<boolean> {
    return (await this.get(key)) !== null;
  }

  /** Stores a value; returns the previous one. */
  async insert(key: StoreKey, value: Uint8Array | string, options: InsertOptions = {}): Promise<Uint8Array | null> {
    const bytes = typeof value === 'string' ? enc.encode(value) : assertBytes(value, { field: 'value' });
    const a = await this.#ask('storeSet', { key: storeKey(key), ttlMs: options.ttlMs }, bytes);
    return expectBool(a.result, 'found') ? new Uint8Array(a.blob) : null;
  }

  async delete(key: StoreKey): Promise<Uint8Array | null> {
    const a = await this.#ask('storeDelete', { key: storeKey(key) });
    return expectBool(a.result, 'found') ? new Uint8Array(a.blob) : null;
  }

  async keys(): Promise<Uint8Array[]> {
    const keys = expectObject((await this.#ask('storeKeys', {})).result).keys;
    if (!Array.isArray(keys)) throw protocolError('keys is not an array');
    return keys.map((k) => parseHex(k, { field: 'key' }));
  }
}
