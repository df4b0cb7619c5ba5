/**
 * ConcatSecret: stores the concatenation of two records (Rust `ConcatSecret{location_a, location_b, output_location}`).
 *
 * Reads: `locationA`, `locationB`. Stores: `a || b` at `output`. Returns: nothing.
 * Policy: the output is exportable only if both inputs are (it holds their bytes); asking for an exportable
 * output of a non-exportable input is a PolicyViolation. Both inputs must allow ConcatSecret.
 * Unlike Rust, a failed chain removes this output too.
 * @module
 */
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { CONCATENABLE, type PolicyRequest } from './policy.js';

const TYPE = 'ConcatSecret';

export interface ConcatSecretInput {
  locationA: Location;
  locationB: Location;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { locationA: unknown; locationB: unknown; output: unknown; policy?: unknown }): ConcatSecretInput {
  return {
    locationA: f.location(i.locationA, 'locationA', TYPE),
    locationB: f.location(i.locationB, 'locationB', TYPE),
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Stores the secret at `locationA` followed by the one at `locationB` at `output`. */
export const concatSecret = f.procedure<{
  locationA: f.LocationLike; locationB: f.LocationLike; output: f.LocationLike; policy?: PolicyRequest;
}, ConcatSecretInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { locationA: CONCATENABLE, locationB: CONCATENABLE }, writes: { output: { kind: 'derived', exportable: true } } },
  parse(json) {
    f.onlyFields(json, ['locationA', 'locationB', 'output', 'policy'], TYPE);
    return build({ locationA: json.locationA, locationB: json.locationB, output: json.output, policy: json.policy });
  },
  locations: (i) => ({ inputs: [i.locationA, i.locationB], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const joined = ctx.useMany([['locationA', i.locationA], ['locationB', i.locationB]], ([a, b]) => {
      const out = new Uint8Array(a!.length + b!.length);
      out.set(a!, 0);
      out.set(b!, a!.length);
      return out;
    });
    f.store(ctx, 'output', i.output, joined, i.policy);
  },
  outputToJSON: f.nullJSON,
});
