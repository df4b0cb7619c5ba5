/**
 * Identifier derivations of Stronghold (docs/spec/snapshot-v3.md §8, Rust `client/src/utils/ids.rs`).
 * Every id is the first 24 bytes of HMAC-SHA512. iota-crypto's `HMAC_SHA512(data, key)` takes the message
 * first, so below `h24(key, msg)` spells the key out. Ids are public: they name things, they protect nothing.
 * @module
 */
import { hmac } from '../platform/crypto.js';

export const ID_LENGTH = 24;

function h24(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmac('sha512', key, msg).slice(0, ID_LENGTH);
}

/** ClientId = H24(key = path, msg = path). */
export function clientId(path: Uint8Array): Uint8Array {
  return h24(path, path);
}

/** VaultId = H24(key = path, msg = path). */
export function vaultId(path: Uint8Array): Uint8Array {
  return h24(path, path);
}

/** RecordId of a generic location = H24(key = record path, msg = the 24 VaultId bytes). */
export function genericRecordId(vaultPath: Uint8Array, recordPath: Uint8Array): Uint8Array {
  return h24(recordPath, vaultId(vaultPath));
}

/**
 * RecordId of a counter location. Rust hashes its `Debug` rendering of the vault path bytes
 * (`[97, 98]`) followed by `first_record` for counter 0 or the decimal counter otherwise, with that text
 * as both key and message. The VaultId plays no part: we keep the quirk, because files depend on it.
 */
export function counterRecordId(vaultPath: Uint8Array, counter: number): Uint8Array {
  const text = `[${Array.from(vaultPath).join(', ')}]${counter === 0 ? 'first_record' : String(counter)}`;
  const bytes = new TextEncoder().encode(text);
  return h24(bytes, bytes);
}
