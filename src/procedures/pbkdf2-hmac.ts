/**
 * Pbkdf2Hmac: PBKDF2-HMAC-SHA2 (RFC 8018) of a caller-supplied password
 * (Rust `Pbkdf2Hmac{hash_type, password, salt, count, output}`).
 *
 * Reads: nothing. Stores: the derived key, hash-length bytes (32/48/64), at `output`. Returns: nothing.
 * `count` is 1..2^31-1 (Rust: NonZeroU32; node:crypto takes a signed 32-bit count), hours of CPU at the top: a p2p
 * server bounds it lower (`maxKdfIterations`, src/p2p/constants.ts) through `cost`. The builder keeps a
 * reference to `password`: wipe it after `execute`. Default policy: non-exportable (a derived key).
 * @module
 */
import { HASH_LENGTH, type HashName } from '../crypto/provider.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { type PolicyRequest } from './policy.js';

const TYPE = 'Pbkdf2Hmac';

export interface Pbkdf2HmacInput {
  hashType: HashName;
  password: Uint8Array;
  salt: Uint8Array;
  count: number;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { hashType: unknown; password: unknown; salt: unknown; count: unknown; output: unknown; policy?: unknown }): Pbkdf2HmacInput {
  return {
    hashType: f.oneOf(i.hashType, f.HASH_TYPES, 'hashType', TYPE),
    password: f.bytes(i.password, 'password', TYPE),
    salt: f.bytes(i.salt, 'salt', TYPE),
    count: f.int(i.count, 'count', TYPE, 1, 0x7fff_ffff),
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Stores PBKDF2-HMAC(password, salt, count) (hash-length bytes) at `output`. */
export const pbkdf2Hmac = f.procedure<{
  hashType: HashName; password: Uint8Array; salt: Uint8Array; count: number; output: f.LocationLike; policy?: PolicyRequest;
}, Pbkdf2HmacInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: { output: { kind: 'derived', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['hashType', 'password', 'salt', 'count', 'output', 'policy'], TYPE);
    return build({
      hashType: f.required(json, 'hashType', TYPE), password: f.hex(json, 'password', TYPE), salt: f.hex(json, 'salt', TYPE),
      count: f.required(json, 'count', TYPE), output: json.output, policy: json.policy,
    });
  },
  locations: (i) => ({ inputs: [], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const key = ctx.provider.pbkdf2(i.hashType, i.password, i.salt, i.count, HASH_LENGTH[i.hashType]);
    f.store(ctx, 'output', i.output, key, i.policy);
  },
  cost: (i) => ({ kdfIterations: i.count }),
  outputToJSON: f.nullJSON,
});
