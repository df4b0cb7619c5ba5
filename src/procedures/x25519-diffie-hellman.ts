/**
 * X25519DiffieHellman: an RFC 7748 shared secret with a stored X25519 key
 * (Rust `X25519DiffieHellman{public_key, private_key, shared_key}`).
 *
 * Reads: `privateKey` (exactly 32 bytes). Stores: the 32-byte shared secret at `sharedKey`.
 * Returns: nothing. A low-order `publicKey` (all-zero result, RFC 7748 §6.1) is rejected.
 * Default policy: non-exportable (and never exportable when the private key is not).
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import * as f from './fields.js';
import { X25519_KEY, type PolicyRequest } from './policy.js';

const TYPE = 'X25519DiffieHellman';

export interface X25519DiffieHellmanInput {
  privateKey: Location;
  publicKey: Uint8Array;
  sharedKey: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { privateKey: unknown; publicKey: unknown; sharedKey: unknown; policy?: unknown }): X25519DiffieHellmanInput {
  return {
    privateKey: f.location(i.privateKey, 'privateKey', TYPE),
    publicKey: f.bytes(i.publicKey, 'publicKey', TYPE, { length: 32 }),
    sharedKey: f.location(i.sharedKey, 'sharedKey', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Stores X25519(privateKey, publicKey) at `sharedKey`. */
export const x25519DiffieHellman = f.procedure<{
  privateKey: f.LocationLike; publicKey: Uint8Array; sharedKey: f.LocationLike; policy?: PolicyRequest;
}, X25519DiffieHellmanInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { privateKey: X25519_KEY }, writes: { sharedKey: { kind: 'derived', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['privateKey', 'publicKey', 'sharedKey', 'policy'], TYPE);
    return build({ privateKey: json.privateKey, publicKey: f.hex(json, 'publicKey', TYPE), sharedKey: json.sharedKey, policy: json.policy });
  },
  locations: (i) => ({ inputs: [i.privateKey], outputs: [i.sharedKey], vaults: [] }),
  run(ctx, i) {
    const shared = ctx.use('privateKey', i.privateKey, (secret) => ctx.provider.x25519(f.privateKey(ctx.provider, 'x25519', secret, 'privateKey', TYPE), i.publicKey));
    if (shared === null) throw invalidArgument('publicKey', 'a public key that is not of low order (the shared secret is all zero)', TYPE);
    f.store(ctx, 'sharedKey', i.sharedKey, shared, i.policy);
  },
  outputToJSON: f.nullJSON,
});
