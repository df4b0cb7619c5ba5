/**
 * WriteVault: stores caller-supplied bytes at a location (Rust `WriteVault{data, location}`).
 *
 * Reads: nothing. Stores: `data` at `location`, replacing any live record there. Returns: nothing.
 * Default policy: exportable (the caller already knows the bytes); a `policy` may restrict it.
 * The builder keeps a reference to `data` (no copy, so the caller can wipe it after `execute`).
 * @module
 */
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { type PolicyRequest } from './policy.js';

const TYPE = 'WriteVault';

export interface WriteVaultInput {
  data: Uint8Array;
  location: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { data: unknown; location: unknown; policy?: unknown }): WriteVaultInput {
  return {
    data: f.bytes(i.data, 'data', TYPE, { max: f.MAX_SECRET_BYTES }),
    location: f.location(i.location, 'location', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Stores `data` at `location`. */
export const writeVault = f.procedure<{ data: Uint8Array; location: f.LocationLike; policy?: PolicyRequest }, WriteVaultInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: { location: { kind: 'unknown', exportable: true } } },
  parse(json) {
    f.onlyFields(json, ['data', 'location', 'policy'], TYPE);
    return build({ data: f.hex(json, 'data', TYPE), location: json.location, policy: json.policy });
  },
  locations: (i) => ({ inputs: [], outputs: [i.location], vaults: [] }),
  run(ctx, i) {
    ctx.write('location', i.location, i.data, i.policy);
  },
  outputToJSON: f.nullJSON,
});
