/**
 * GarbageCollect: removes the revoked records of a vault (Rust `GarbageCollect{vault_path}`).
 *
 * Reads: nothing. Stores: nothing (records disappear). Returns: nothing. JSON field: `vault` (the path).
 * @module
 */
import { toPathBytes } from '../assert.js';
import type { Path } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import * as f from './fields.js';

const TYPE = 'GarbageCollect';

export interface GarbageCollectInput {
  vault: Uint8Array;
}

function build(i: { vault: unknown }): GarbageCollectInput {
  try {
    return { vault: toPathBytes(i.vault, 'vault') };
  } catch {
    throw invalidArgument('vault', 'a non-empty vault path (string or bytes)', TYPE);
  }
}

/** Collects the revoked records of `vault`. */
export const garbageCollect = f.procedure<{ vault: Path }, GarbageCollectInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: {} },
  parse(json) {
    f.onlyFields(json, ['vault'], TYPE);
    return build({ vault: f.required(json, 'vault', TYPE) });
  },
  locations: (i) => ({ inputs: [], outputs: [], vaults: [i.vault] }),
  run(ctx, i) {
    ctx.garbageCollect(i.vault);
  },
  outputToJSON: f.nullJSON,
});
