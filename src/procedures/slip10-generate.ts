/**
 * Slip10Generate: stores a random seed for SLIP-10 derivation (Rust `Slip10Generate{size_bytes, output}`).
 *
 * Reads: nothing. Stores: `sizeBytes` random bytes (default 64) at `output`. Returns: nothing.
 * `sizeBytes` must be 16..64, the BIP-32 seed bounds (Rust does not check; a shorter seed is weak and
 * SLIP-10 defines no longer one). Default policy: non-exportable.
 * @module
 */
import type { Location } from '../engine/location.js';
import { secretBytes } from '../memory/guarded.js';
import * as f from './fields.js';
import { type PolicyRequest } from './policy.js';

const TYPE = 'Slip10Generate';

export interface Slip10GenerateInput {
  sizeBytes: number;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { sizeBytes?: unknown; output: unknown; policy?: unknown }): Slip10GenerateInput {
  return {
    sizeBytes: i.sizeBytes === undefined ? 64 : f.int(i.sizeBytes, 'sizeBytes', TYPE, 16, 64),
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Stores a fresh random seed (64 bytes unless `sizeBytes`) at `output`. */
export const slip10Generate = f.procedure<{ output: f.LocationLike; sizeBytes?: number; policy?: PolicyRequest }, Slip10GenerateInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: { output: { kind: 'seed', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['sizeBytes', 'output', 'policy'], TYPE);
    return build({ sizeBytes: json.sizeBytes, output: json.output, policy: json.policy });
  },
  locations: (i) => ({ inputs: [], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const seed = ctx.provider.randomFill(secretBytes(i.sizeBytes));
    f.store(ctx, 'output', i.output, seed, i.policy);
  },
  outputToJSON: f.nullJSON,
});
