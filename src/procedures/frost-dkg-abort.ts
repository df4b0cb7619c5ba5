/**
 * FrostDkgAbort: destroys the round state of an unfinished key generation or refresh.
 *
 * Reads: `state` (only to check that it is a `frost-dkg-state` record: no other record can be destroyed through
 * this). Stores: nothing; the state is revoked and its vault collected, so the polynomial is gone and the run cannot
 * be continued. Returns null.
 * @module
 */
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { decodeState } from './frost-dkg-records.js';

const TYPE = 'FrostDkgAbort';

export interface FrostDkgAbortInput {
  state: Location;
}

function build(i: { state: unknown }): FrostDkgAbortInput {
  return { state: f.location(i.state, 'state', TYPE) };
}

/** Destroys the round state at `state`. */
export const frostDkgAbort = f.procedure<{ state: f.LocationLike }, FrostDkgAbortInput, null>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { state: ['frost-dkg-state'] }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['state'], TYPE);
    return build({ state: f.required(json, 'state', TYPE) });
  },
  locations: (i) => ({ inputs: [i.state], outputs: [], vaults: [i.state.vaultPath] }),
  run(ctx, i) {
    ctx.use('state', i.state, (secret) => decodeState(secret, 'state', TYPE));
    ctx.revoke(i.state);
    ctx.garbageCollect(i.state.vaultPath);
    return null;
  },
  outputToJSON: f.nullJSON,
});
