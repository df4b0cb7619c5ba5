/**
 * FrostDkgRound3: round three of the dealer-free key generation or refresh: this participant's signing share.
 *
 * Reads: `state` (the round state, in step 2), `key` (this participant's X25519 secret key, whose public key the
 * members' `recipients` name) and, in a refresh, `share` (the share being refreshed). Stores: the signing share at
 * `output` as a FROST share record (the record FrostCommit and FrostSign use; never exportable, never sealed out).
 * The record names every participant's X25519 key (from the key generation; a refresh keeps them), the only keys the
 * repair messages of the share are sealed to. Destroys the round state and, in a refresh, the old share (unless `output` is its location, which it then
 * replaces). Returns the key set's public package and this participant's identifier.
 *
 * Each received share is opened with `key` under the session of round two, and checked against its sender's
 * commitments: a share sealed to another participant or replayed from another run does not open, and a share off
 * its sender's polynomial fails the check; either is FrostMisbehaviour naming the sender, and nothing is stored.
 * The share is the sum of what every member sent (and, in a refresh, the old share): no party ever holds the group
 * secret, and a refresh keeps the group key because every refresh polynomial is zero at 0.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Location } from '../engine/location.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import {
  checkRound1, decodeState, DKG_SEAL_INFO, evaluate, evaluateCommitments, Fn, messageContext, misbehaviour, ownCommitments, round1Packages,
  scalarOf, sealedList, sessionOf, type DkgRound1Package,
} from './frost-dkg-records.js';
import { bytesEqual, decodeShare, encodeShare, openBytes, sealedLength, type FrostGroup } from './frost-records.js';
import { groupToJSON, SHARE_RULE } from './frost-keygen.js';
import { FROST_KEY_PROCEDURES, X25519_KEY } from './policy.js';

const TYPE = 'FrostDkgRound3';
const SEALED_SHARE = sealedLength(32);

export interface FrostDkgRound3Input {
  state: Location;
  key: Location;
  share: Location | null;
  packages: DkgRound1Package[];
  shares: { from: number; sealed: Uint8Array }[];
  output: Location;
}

export interface FrostDkgRound3Output extends FrostGroup {
  identifier: number;
}

interface Args { state: unknown; key: unknown; share?: unknown; packages: unknown; shares: unknown; output: unknown }

function build(i: Args, fromJson = false): FrostDkgRound3Input {
  return {
    state: f.location(i.state, 'state', TYPE),
    key: f.location(i.key, 'key', TYPE),
    share: i.share === undefined || i.share === null ? null : f.location(i.share, 'share', TYPE),
    packages: round1Packages(i.packages, 'packages', TYPE, fromJson),
    shares: sealedList(i.shares, 'shares', TYPE, fromJson, SEALED_SHARE),
    output: f.location(i.output, 'output', TYPE),
  };
}

type Point = InstanceType<typeof ed25519.Point>;
const sameLocation = (a: Location, b: Location): boolean => a.vaultKey === b.vaultKey && a.recordKey === b.recordKey;

/** Opens and checks the shares sent to this participant, and stores its signing share. */
export const frostDkgRound3 = f.procedure<{ state: f.LocationLike; key: f.LocationLike; share?: f.LocationLike; packages: DkgRound1Package[]; shares: { from: number; sealed: Uint8Array }[]; output: f.LocationLike }, FrostDkgRound3Input, FrostDkgRound3Output>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { state: ['frost-dkg-state'], key: X25519_KEY, share: ['frost-share'] }, confined: { key: FROST_KEY_PROCEDURES }, writes: { output: SHARE_RULE } },
  parse(json) {
    f.onlyFields(json, ['state', 'key', 'share', 'packages', 'shares', 'output'], TYPE);
    return build({
      state: f.required(json, 'state', TYPE), key: f.required(json, 'key', TYPE), share: json.share,
      packages: f.required(json, 'packages', TYPE), shares: f.required(json, 'shares', TYPE), output: f.required(json, 'output', TYPE),
    }, true);
  },
  locations: (i) => ({
    inputs: [i.state, i.key, ...(i.share ? [i.share] : [])], outputs: [i.output],
    vaults: [i.state.vaultPath, ...(i.share ? [i.share.vaultPath] : [])],
  }),
  run(ctx, i) {
    const replacesOld = i.share !== null && sameLocation(i.share, i.output);
    if (!replacesOld && ctx.recordExists(i.output)) throw invalidArgument('output', 'a fresh location (a record exists there)', TYPE);
    const reads: [string, Location][] = [['state', i.state], ['key', i.key], ...(i.share ? [['share', i.share] as [string, Location]] : [])];
    const { record, out } = ctx.useMany(reads, ([stateSecret, sk, oldSecret]) => {
      const state = decodeState(stateSecret!, 'state', TYPE);
      if (state.step !== 2) throw invalidArgument('state', 'a round state after round two (run FrostDkgRound2 first)', TYPE);
      if ((state.mode === 'refresh') !== (oldSecret !== undefined)) throw invalidArgument('share', state.mode === 'refresh' ? 'the share this refresh renews' : 'no share (this run is a key generation)', TYPE);
      const old = oldSecret === undefined ? null : decodeShare(oldSecret, 'share', TYPE);
      if (old && (old.identifier !== state.identifier || old.threshold !== state.threshold || old.participants !== state.participants)) {
        throw invalidArgument('share', `participant ${state.identifier}'s share of a ${state.threshold}-of-${state.participants} key set`, TYPE);
      }
      // A refresh keeps the keys the share's repairs are sealed to: a run over other keys could redirect them.
      if (old?.peers && state.members.some((j, k) => !bytesEqual(old.peers![j - 1]!, state.recipients[k]!))) {
        throw invalidArgument('state', "a refresh whose recipients are the key set's own participant keys", TYPE);
      }
      const checked = checkRound1(ctx.provider, state, i.packages, TYPE);
      const session = sessionOf(ctx.provider, state, [ownCommitments(state), ...i.packages]);
      if (!bytesEqual(session, state.session!)) throw invalidArgument('packages', 'the round-one packages this participant checked in round two', TYPE);
      f.secretLength(sk!, 'key', TYPE, { length: 32 });
      if (!bytesEqual(ctx.provider.x25519PublicKey(sk!), state.recipients[state.members.indexOf(state.identifier)]!)) {
        throw invalidArgument('key', "the X25519 key this participant's entry of recipients names", TYPE);
      }
      const received = byMember(state.members, state.identifier, i.shares);
      const me = state.identifier;
      let total = evaluate(state.coefficients, me);
      for (const { pkg, points } of checked) {
        const opened = openBytes(ctx.provider, sk!, received.get(pkg.identifier)!, DKG_SEAL_INFO, messageContext(session, pkg.identifier, me));
        if (!opened) throw misbehaviour(TYPE, pkg.identifier, 'sealed share', "sent a share that does not open with this participant's key in this run (sealed to another participant, or replayed from another run)");
        const part = scalarOf(opened);
        wipe(opened);
        const full = state.mode === 'dkg' ? points : [ed25519.Point.ZERO, ...points];
        if (part === null || !baseTimes(part).equals(evaluateCommitments(full, me))) {
          throw misbehaviour(TYPE, pkg.identifier, 'share commitments', "sent a share that does not match its commitments");
        }
        total = Fn.add(total, part);
      }
      const own = ownCommitments(state).commitments.map((c) => ed25519.Point.fromBytes(c));
      const sums = sumCommitments(state.mode === 'dkg' ? [own, ...checked.map((c) => c.points)] : [[ed25519.Point.ZERO, ...own], ...checked.map((c) => [ed25519.Point.ZERO, ...c.points])], state.threshold);
      const merged = old ? sums.map((p, k) => p.add(ed25519.Point.fromBytes(old.commitments[k]!))) : sums;
      if (old) total = Fn.add(total, Fn.fromBytes(old.signingShare));
      if (total === 0n || merged[0]!.is0()) throw new StrongholdError('ProcedureFailed', `${TYPE}: the run produced a degenerate key`, { procedure: TYPE, reason: 'degenerate key' });
      const signingShare = Fn.toBytes(total);
      const commitments = merged.map((p) => p.toBytes());
      const ids = Array.from({ length: state.participants }, (_, k) => k + 1);
      const shareRecord = encodeShare({ identifier: me, threshold: state.threshold, participants: state.participants, signingShare, recipient: null, commitments,
        peers: old ? old.peers : state.recipients });
      wipe(signingShare);
      return {
        record: shareRecord,
        out: {
          identifier: me, threshold: state.threshold, participants: state.participants, groupPublicKey: commitments[0]!, commitments,
          verifyingShares: ids.map((j) => evaluateCommitments(merged, j).toBytes()),
        },
      };
    });
    f.store(ctx, 'output', i.output, record);
    ctx.revoke(i.state);
    ctx.garbageCollect(i.state.vaultPath);
    if (i.share && !replacesOld) {
      ctx.revoke(i.share);
      ctx.garbageCollect(i.share.vaultPath);
    }
    return out;
  },
  outputToJSON: (o) => ({ identifier: o.identifier, ...groupToJSON(o) }),
});

/** The sealed share of every other member, each once: a duplicate, a stranger or a missing one names the member. */
function byMember(members: readonly number[], me: number, shares: readonly { from: number; sealed: Uint8Array }[]): Map<number, Uint8Array> {
  const got = new Map<number, Uint8Array>();
  for (const s of shares) {
    if (s.from === me || !members.includes(s.from)) throw misbehaviour(TYPE, s.from, 'member', s.from === me ? 'is this participant, which sends itself nothing' : 'is not a member of this run');
    if (got.has(s.from)) throw misbehaviour(TYPE, s.from, 'duplicate', 'sent more than one share');
    got.set(s.from, s.sealed);
  }
  const missing = members.find((j) => j !== me && !got.has(j));
  if (missing !== undefined) throw misbehaviour(TYPE, missing, 'missing', 'sent no share');
  return got;
}

/** s · B in constant time (noble's multiply refuses 0, which a peer's share may be). */
const baseTimes = (s: bigint): Point => (s === 0n ? ed25519.Point.ZERO : ed25519.Point.BASE.multiply(s));

/** Coefficient-wise sums of commitment lists. */
function sumCommitments(lists: readonly (readonly Point[])[], t: number): Point[] {
  return Array.from({ length: t }, (_, k) => lists.reduce((acc, l) => acc.add(l[k]!), ed25519.Point.ZERO));
}
