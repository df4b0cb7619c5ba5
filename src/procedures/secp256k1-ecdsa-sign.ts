/**
 * Secp256k1EcdsaSign: a recoverable ECDSA signature with a stored secp256k1 key
 * (Rust `Secp256k1EcdsaSign{flavor, msg, private_key}`).
 *
 * The message is hashed with Keccak-256 (`keccak256`, Ethereum style, no EIP-191 prefix) or SHA-256
 * (`sha256`), then signed with RFC 6979 deterministic nonces and low S.
 * Reads: `privateKey` (first 32 bytes of at least 32, a valid scalar). Stores: nothing.
 * Returns: 65 bytes r(32) || s(32) || recovery id(1).
 * @module
 */
import { toHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { SECP256K1_KEY } from './policy.js';

const TYPE = 'Secp256k1EcdsaSign';

export type Secp256k1EcdsaFlavor = 'keccak256' | 'sha256';
const FLAVORS: readonly Secp256k1EcdsaFlavor[] = ['keccak256', 'sha256'];

export interface Secp256k1EcdsaSignInput {
  flavor: Secp256k1EcdsaFlavor;
  privateKey: Location;
  msg: Uint8Array;
}

function build(i: { flavor: unknown; privateKey: unknown; msg: unknown }): Secp256k1EcdsaSignInput {
  return {
    flavor: f.oneOf(i.flavor, FLAVORS, 'flavor', TYPE),
    privateKey: f.location(i.privateKey, 'privateKey', TYPE),
    msg: f.bytes(i.msg, 'msg', TYPE),
  };
}

/** Signs the `flavor` hash of `msg` with the secp256k1 key at `privateKey`: r || s || v (65 bytes). */
export const secp256k1EcdsaSign = f.procedure<{
  flavor: Secp256k1EcdsaFlavor; privateKey: f.LocationLike; msg: Uint8Array;
}, Secp256k1EcdsaSignInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { privateKey: SECP256K1_KEY }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['flavor', 'privateKey', 'msg'], TYPE);
    return build({ flavor: f.required(json, 'flavor', TYPE), privateKey: json.privateKey, msg: f.hex(json, 'msg', TYPE) });
  },
  locations: (i) => ({ inputs: [i.privateKey], outputs: [], vaults: [] }),
  run(ctx, i) {
    const p = ctx.provider;
    const digest = i.flavor === 'keccak256' ? p.keccak256(i.msg) : p.sha2('sha256', i.msg);
    return ctx.use('privateKey', i.privateKey, (secret) => p.secp256k1SignRecoverable(f.privateKey(p, 'secp256k1', secret, 'privateKey', TYPE), digest));
  },
  outputToJSON: (sig) => toHex(sig),
});
