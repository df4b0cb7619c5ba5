/**
 * Hkdf: RFC 5869 extract-then-expand with a stored input key (Rust `Hkdf{hash_type, salt, label, ikm, okm}`).
 *
 * Reads: `ikm`. Stores: the output key at `okm`, whose length is the hash length (32/48/64), as in Rust.
 * `label` is HKDF's `info`; `salt` may be empty. Returns: nothing.
 * Default policy: non-exportable (derived key material; never exportable when `ikm` is not).
 * @module
 */
import { HASH_LENGTH, type HashName } from '../crypto/provider.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { SYMMETRIC, type PolicyRequest } from './policy.js';

const TYPE = 'Hkdf';

export interface HkdfInput {
  hashType: HashName;
  salt: Uint8Array;
  label: Uint8Array;
  ikm: Location;
  okm: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { hashType: unknown; salt?: unknown; label?: unknown; ikm: unknown; okm: unknown; policy?: unknown }): HkdfInput {
  return {
    hashType: f.oneOf(i.hashType, f.HASH_TYPES, 'hashType', TYPE),
    salt: f.optBytes(i.salt, 'salt', TYPE),
    label: f.optBytes(i.label, 'label', TYPE),
    ikm: f.location(i.ikm, 'ikm', TYPE),
    okm: f.location(i.okm, 'okm', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Stores HKDF(ikm, salt, label) (hash-length bytes) at `okm`. */
export const hkdf = f.procedure<{
  hashType: HashName; ikm: f.LocationLike; okm: f.LocationLike; salt?: Uint8Array; label?: Uint8Array; policy?: PolicyRequest;
}, HkdfInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { ikm: SYMMETRIC }, writes: { okm: { kind: 'derived', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['hashType', 'salt', 'label', 'ikm', 'okm', 'policy'], TYPE);
    return build({
      hashType: f.required(json, 'hashType', TYPE), salt: f.optHex(json, 'salt', TYPE), label: f.optHex(json, 'label', TYPE),
      ikm: json.ikm, okm: json.okm, policy: json.policy,
    });
  },
  locations: (i) => ({ inputs: [i.ikm], outputs: [i.okm], vaults: [] }),
  run(ctx, i) {
    const okm = ctx.use('ikm', i.ikm, (ikm) => ctx.provider.hkdf(i.hashType, ikm, i.salt, i.label, HASH_LENGTH[i.hashType]));
    f.store(ctx, 'okm', i.okm, okm, i.policy);
  },
  outputToJSON: f.nullJSON,
});
