/**
 * Which chains are cheap enough to run on a server's own event loop (`ZonePool`'s `inline: 'cheap'`): a few
 * steps of procedures whose work is fixed (a signature, a public key, a key generation, one HMAC), over inputs of
 * a few KiB. Each costs well under a millisecond, less than the round trip to a zone would add; everything else
 * (PBKDF2, HKDF, BIP-39, SLIP-10, AEAD, FROST, garbage collection, long chains, large inputs) goes to a zone.
 * @module
 */
import { Location } from '../engine/location.js';
import type { ProcedureCall } from '../procedures/types.js';

/** Procedures whose work does not depend on anything the caller chooses beyond a small input. */
const FIXED_COST = new Set(['Ed25519Sign', 'Secp256k1EcdsaSign', 'PublicKey', 'GenerateKey', 'X25519DiffieHellman', 'GetEvmAddress', 'Hmac', 'WriteVault']);

/** Most steps of a cheap chain. */
export const CHEAP_CHAIN_PROCEDURES = 4;
/** Most input bytes (messages, data, paths) over a cheap chain. */
export const CHEAP_CHAIN_BYTES = 4096;

/** Bytes of a call's input: byte fields, strings and location paths; stops counting once past `limit`. */
function inputBytes(v: unknown, limit: number, depth = 0): number {
  if (v instanceof Uint8Array) return v.length;
  if (typeof v === 'string') return v.length;
  if (Location.is(v)) return v.vaultPath.length + (v.recordPath?.length ?? 0);
  if (typeof v !== 'object' || v === null || depth > 8) return 0;
  let n = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    n += inputBytes(x, limit, depth + 1);
    if (n > limit) break;
  }
  return n;
}

/** True when `calls` is a short chain of fixed-cost procedures over small inputs. */
export function isCheapChain(calls: readonly ProcedureCall[]): boolean {
  if (calls.length > CHEAP_CHAIN_PROCEDURES) return false;
  let bytes = 0;
  for (const c of calls) {
    if (!FIXED_COST.has(c.procedure.type)) return false;
    bytes += inputBytes(c.input, CHEAP_CHAIN_BYTES);
    if (bytes > CHEAP_CHAIN_BYTES) return false;
  }
  return true;
}
