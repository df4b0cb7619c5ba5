/**
 * GenerateKey: a random private key (Rust `GenerateKey{ty, output}`).
 *
 * Reads: nothing. Stores: 32 bytes at `output`: an Ed25519 seed, an X25519 scalar (clamped when used, per
 * RFC 7748), or a secp256k1 scalar in [1, n-1] (redrawn until valid). Returns: nothing.
 * JSON `keyType`: `ed25519`, `x25519` or `secp256k1`. Default policy: non-exportable; `policy: { "exportable": true }`
 * makes it exportable (it was drawn from nothing protected), for a key meant to be synced or wrapped out.
 * @module
 */
import type { Location } from '../engine/location.js';
import { secretBytes, wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { type PolicyRequest } from './policy.js';

const TYPE = 'GenerateKey';

export interface GenerateKeyInput {
  keyType: f.KeyType;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { keyType: unknown; output: unknown; policy?: unknown }): GenerateKeyInput {
  return {
    keyType: f.oneOf(i.keyType, f.KEY_TYPES, 'keyType', TYPE),
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Stores a fresh `keyType` private key at `output`. */
export const generateKey = f.procedure<{ keyType: f.KeyType; output: f.LocationLike; policy?: PolicyRequest }, GenerateKeyInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {},
    writes: { 'output(ed25519)': { kind: 'ed25519', exportable: 'on-request' }, 'output(x25519)': { kind: 'x25519', exportable: 'on-request' }, 'output(secp256k1)': { kind: 'secp256k1', exportable: 'on-request' } } },
  parse(json) {
    f.onlyFields(json, ['keyType', 'output', 'policy'], TYPE);
    return build({ keyType: f.required(json, 'keyType', TYPE), output: json.output, policy: json.policy });
  },
  locations: (i) => ({ inputs: [], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const key = secretBytes(32);
    try {
      do ctx.provider.randomFill(key);
      while (i.keyType === 'secp256k1' && !ctx.provider.secp256k1IsValidSecretKey(key));
      ctx.write(`output(${i.keyType})`, i.output, key, i.policy);
    } finally {
      wipe(key);
    }
  },
  outputToJSON: f.nullJSON,
});
