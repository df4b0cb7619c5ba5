/**
 * RevokeData: marks a record revoked, and garbage-collects its vault when `shouldGc` is set
 * (Rust `RevokeData{location, should_gc}`).
 *
 * Reads: nothing. Stores: the revocation. Returns: nothing. A revoke in a chain is not undone if a later
 * step fails (as in Rust). Revoking is not a use of the secret, so record policies do not restrict it.
 * @module
 */
import type { Location } from '../engine/location.js';
import * as f from './fields.js';

const TYPE = 'RevokeData';

export interface RevokeDataInput {
  location: Location;
  shouldGc: boolean;
}

function build(i: { location: unknown; shouldGc?: unknown }): RevokeDataInput {
  return {
    location: f.location(i.location, 'location', TYPE),
    shouldGc: i.shouldGc === undefined ? false : f.bool(i.shouldGc, 'shouldGc', TYPE),
  };
}

/** Revokes the record at `location` (and collects its vault with `shouldGc`). */
export const revokeData = f.procedure<{ location: f.LocationLike; shouldGc?: boolean }, RevokeDataInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: {} },
  parse(json) {
    f.onlyFields(json, ['location', 'shouldGc'], TYPE);
    return build({ location: json.location, shouldGc: json.shouldGc });
  },
  locations: (i) => ({ inputs: [], outputs: [], vaults: [i.location.vaultPath] }),
  run(ctx, i) {
    ctx.revoke(i.location);
    if (i.shouldGc) ctx.garbageCollect(i.location.vaultPath);
  },
  outputToJSON: f.nullJSON,
});
