/**
 * FrostDkgRound2: round two of the dealer-free key generation or refresh, for the round state at `state`.
 *
 * Reads: `state` (a `frost-dkg-state` record in step 1 or 2). Stores: the state again, in step 2, with the session
 * (the digest of the round-one transcript) that round three must see again. Returns, for every other member j,
 * f(j) sealed to j's X25519 key with the session, sender and receiver as associated data.
 *
 * Every other member's package is checked first (each member once, none missing, valid commitments, a valid proof
 * of knowledge): a failure is FrostMisbehaviour naming the member, and nothing changes. Run again over the same
 * packages (a coordinator that lost the messages), it seals the same shares again; over other packages it refuses.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import {
  checkRound1, decodeState, DKG_SEAL_INFO, DKG_STATE_RULE, encodeState, evaluate, Fn, messageContext, ownCommitments, round1Packages,
  sealedToJSON, sessionOf, type DkgRound1Package, type SealedMessage,
} from './frost-dkg-records.js';
import { bytesEqual, sealBytes } from './frost-records.js';

const TYPE = 'FrostDkgRound2';

export interface FrostDkgRound2Input {
  state: Location;
  packages: DkgRound1Package[];
}

export interface FrostDkgRound2Output {
  identifier: number;
  shares: SealedMessage[];
}

function build(i: { state: unknown; packages: unknown }, fromJson = false): FrostDkgRound2Input {
  return { state: f.location(i.state, 'state', TYPE), packages: round1Packages(i.packages, 'packages', TYPE, fromJson) };
}

/** Checks the others' round-one packages and seals each of them its share. */
export const frostDkgRound2 = f.procedure<{ state: f.LocationLike; packages: DkgRound1Package[] }, FrostDkgRound2Input, FrostDkgRound2Output>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { state: ['frost-dkg-state'] }, writes: { state: DKG_STATE_RULE } },
  parse(json) {
    f.onlyFields(json, ['state', 'packages'], TYPE);
    return build({ state: f.required(json, 'state', TYPE), packages: f.required(json, 'packages', TYPE) }, true);
  },
  locations: (i) => ({ inputs: [i.state], outputs: [i.state], vaults: [] }),
  run(ctx, i) {
    const rng = (n = 32): Uint8Array<ArrayBuffer> => ctx.provider.randomFill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>;
    const { record, out } = ctx.use('state', i.state, (secret) => {
      const state = decodeState(secret, 'state', TYPE);
      checkRound1(ctx.provider, state, i.packages, TYPE);
      const session = sessionOf(ctx.provider, state, [ownCommitments(state), ...i.packages]);
      if (state.session && !bytesEqual(state.session, session)) {
        throw invalidArgument('packages', 'the round-one packages this participant checked in its round two (a run is never continued with other packages)', TYPE);
      }
      const shares = state.members.filter((j) => j !== state.identifier).map((j) => {
        const share = Fn.toBytes(evaluate(state.coefficients, j));
        try {
          const rpk = state.recipients[state.members.indexOf(j)]!;
          return { from: state.identifier, to: j, sealed: sealBytes(ctx.provider, rng, rpk, share, TYPE, DKG_SEAL_INFO, messageContext(session, state.identifier, j)) };
        } finally {
          wipe(share);
        }
      });
      return { record: encodeState({ ...state, step: 2, session }), out: { identifier: state.identifier, shares } };
    });
    f.store(ctx, 'state', i.state, record);
    return out;
  },
  outputToJSON: (o) => ({ identifier: o.identifier, shares: o.shares.map(sealedToJSON) }),
});
