/**
 * FrostDkgRound1: round one of the dealer-free key generation (the Pedersen DKG with proofs of knowledge of the
 * FROST paper, as the ZF `frost` crates run it), or of a share refresh (`refresh: true`: the same rounds over a
 * polynomial whose constant term is zero, so that the group secret does not change).
 *
 * Reads: nothing. Stores: the round state at `state` (a fresh location; a `frost-dkg-state` record, never
 * exportable, see frost-dkg-records.ts): the secret polynomial, drawn here, and the members' X25519 keys
 * (`recipients`, one per member, in the order of `members`) that round two seals the shares to. Returns the
 * round-one package: the commitments to the coefficients and, for key generation, the proof of knowledge of a0.
 *
 * Run again with the same inputs over the state it made (a coordinator that crashed and resumes), it reads the state
 * and returns the same commitments (with a fresh proof of the same a0), storing nothing; other inputs are refused.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { bytesEqual, identifier, MAX_PARTICIPANTS } from './frost-records.js';
import { commitmentsOf, decodeState, DKG_STATE_RULE, encodeState, Fn, keyList, memberList, proveKnowledge, randomScalar, round1ToJSON, type DkgMode, type DkgRound1Package, type DkgState } from './frost-dkg-records.js';

const TYPE = 'FrostDkgRound1';

export interface FrostDkgRound1Input {
  identifier: number;
  threshold: number;
  participants: number;
  members: number[];
  recipients: Uint8Array[];
  refresh: boolean;
  state: Location;
}

interface Args { identifier: unknown; threshold: unknown; participants: unknown; members?: unknown; recipients: unknown; refresh?: unknown; state: unknown }

function build(i: Args, fromJson = false): FrostDkgRound1Input {
  const participants = f.int(i.participants, 'participants', TYPE, 2, MAX_PARTICIPANTS);
  const threshold = f.int(i.threshold, 'threshold', TYPE, 2, participants);
  const id = identifier(i.identifier, 'identifier', TYPE);
  if (id > participants) throw invalidArgument('identifier', `1..${participants}`, TYPE);
  const refresh = i.refresh !== undefined && f.bool(i.refresh, 'refresh', TYPE);
  const all = Array.from({ length: participants }, (_, k) => k + 1);
  const members = i.members === undefined ? all : memberList(i.members, 'members', TYPE, threshold, participants);
  // A key generation has every participant; a refresh may leave some out (their old shares stop matching).
  if (!refresh && members.length !== participants) throw invalidArgument('members', `all ${participants} participants in a key generation`, TYPE);
  if (!members.includes(id)) throw invalidArgument('members', `a list that includes this participant (${id})`, TYPE);
  return { identifier: id, threshold, participants, members, recipients: keyList(i.recipients, 'recipients', TYPE, members.length, fromJson), refresh, state: f.location(i.state, 'state', TYPE) };
}

/** Draws this participant's secret polynomial into `state` and returns its round-one package. */
export const frostDkgRound1 = f.procedure<{ identifier: number; threshold: number; participants: number; members?: number[]; recipients: Uint8Array[]; refresh?: boolean; state: f.LocationLike }, FrostDkgRound1Input, DkgRound1Package>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { state: ['frost-dkg-state'] }, writes: { state: DKG_STATE_RULE } },
  parse(json) {
    f.onlyFields(json, ['identifier', 'threshold', 'participants', 'members', 'recipients', 'refresh', 'state'], TYPE);
    return build({
      identifier: f.required(json, 'identifier', TYPE), threshold: f.required(json, 'threshold', TYPE),
      participants: f.required(json, 'participants', TYPE), members: json.members, recipients: f.required(json, 'recipients', TYPE),
      refresh: json.refresh, state: f.required(json, 'state', TYPE),
    }, true);
  },
  locations: (i) => ({ inputs: [i.state], outputs: [i.state], vaults: [] }),
  run(ctx, i) {
    const mode: DkgMode = i.refresh ? 'refresh' : 'dkg';
    // A second round one over a live state never draws again: its commitments may be out already.
    if (ctx.recordExists(i.state)) return ctx.use('state', i.state, (secret) => again(ctx.provider, decodeState(secret, 'state', TYPE), i, mode));
    const coefficients = Array.from({ length: i.threshold }, (_, k) => (k === 0 && mode === 'refresh' ? new Uint8Array(32) : Fn.toBytes(randomScalar(ctx.provider))));
    try {
      const commitments = commitmentsOf(coefficients, mode);
      const proofOfKnowledge = mode === 'dkg' ? proveKnowledge(ctx.provider, i.identifier, coefficients[0]!, commitments[0]!) : new Uint8Array(0);
      f.store(ctx, 'state', i.state, encodeState({
        identifier: i.identifier, threshold: i.threshold, participants: i.participants, mode, step: 1,
        members: i.members, recipients: i.recipients, coefficients, session: null,
      }));
      return { identifier: i.identifier, commitments, proofOfKnowledge };
    } finally {
      wipe(...coefficients);
    }
  },
  outputToJSON: round1ToJSON,
});

/** The package of the run a state holds, if the inputs are that run's. */
function again(provider: Parameters<typeof proveKnowledge>[0], s: DkgState, i: FrostDkgRound1Input, mode: DkgMode): DkgRound1Package {
  const same = s.identifier === i.identifier && s.threshold === i.threshold && s.participants === i.participants && s.mode === mode
    && s.members.length === i.members.length && s.members.every((m, k) => m === i.members[k] && bytesEqual(s.recipients[k]!, i.recipients[k]!));
  if (!same) throw invalidArgument('state', 'a fresh location, or the round state of this same run (one exists there for other inputs: finish or abort that run)', TYPE);
  const commitments = commitmentsOf(s.coefficients, s.mode);
  return { identifier: s.identifier, commitments, proofOfKnowledge: s.mode === 'dkg' ? proveKnowledge(provider, s.identifier, s.coefficients[0]!, commitments[0]!) : new Uint8Array(0) };
}
