/**
 * GetEvmAddress: the Ethereum address of a stored secp256k1 key (Rust `GetEvmAddress{private_key}`).
 *
 * Reads: `privateKey` (first 32 bytes of at least 32, a valid scalar). Stores: nothing.
 * Returns: 20 bytes, Keccak-256(X || Y)[12..32] of the uncompressed public key (no EIP-55 checksum).
 * @module
 */
import { toHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { SECP256K1_KEY } from './policy.js';

const TYPE = 'GetEvmAddress';

export interface GetEvmAddressInput {
  privateKey: Location;
}

function build(i: { privateKey: unknown }): GetEvmAddressInput {
  return { privateKey: f.location(i.privateKey, 'privateKey', TYPE) };
}

/** The 20-byte EVM address of the secp256k1 key at `privateKey`. */
export const getEvmAddress = f.procedure<{ privateKey: f.LocationLike }, GetEvmAddressInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { privateKey: SECP256K1_KEY }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['privateKey'], TYPE);
    return build({ privateKey: json.privateKey });
  },
  locations: (i) => ({ inputs: [i.privateKey], outputs: [], vaults: [] }),
  run(ctx, i) {
    const p = ctx.provider;
    const point = ctx.use('privateKey', i.privateKey, (secret) => p.secp256k1PublicKey(f.privateKey(p, 'secp256k1', secret, 'privateKey', TYPE), false));
    return p.keccak256(point.subarray(1)).slice(12);
  },
  outputToJSON: (address) => toHex(address),
});
