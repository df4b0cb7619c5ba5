/**
 * Dealer-free key sets across Strongholds: key generation, refresh and repair, driven by a coordinator that relays
 * public and sealed messages and holds no secret (docs/threshold.md). Every member is a `ProcedureExecutor` (a
 * local client or a `RemoteClient`), and every answer is parsed strictly: it may come from a peer.
 *
 * Key generation (FrostDkgRound1..3 in each member's vault): round one draws each member's polynomial into its
 * round state and returns its commitments and proof of knowledge; round two checks everyone's proofs and seals
 * each member its share; round three opens and checks the shares and stores the signing share. The group key is
 * the sum of the members' first commitments, known after round one, so shares go where `frost sign` looks
 * (`frost-shares/<group key hex>`) unless a member says otherwise.
 *
 * The round state names the run (`run`, a record of the `frost-dkg` vault). A coordinator that crashes before round
 * three can run `generateKey` again with the same `run` (round one and two answer again from the states: nothing is
 * drawn twice), or `abortKeyGeneration`, which destroys the round state on every member. On any failure the
 * coordinator aborts everywhere and throws: `FrostMisbehaviour` naming the member whose message failed a check, or
 * `RemoteError` naming the member that failed or answered malformed.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { parseHex } from '../assert.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { round1Packages, round1ToJSON, type DkgRound1Package } from '../procedures/frost-dkg-records.js';
import { bytesEqual, hex, MAX_PARTICIPANTS, type FrostGroup } from '../procedures/frost-records.js';
import { DEFAULT_KEY, DEFAULT_SHARE_VAULT, sealingKey, type DealResult, type DealtShare } from './dealer.js';
import { assertDistinct, type JsonLocation, type ProcedureExecutor } from './participant.js';
import { parseGroup } from './public.js';

/** The vault of round states, unless `DkgOptions.stateVault` says otherwise. */
export const DEFAULT_DKG_VAULT = 'frost-dkg';

/** A member of a key generation or refresh. */
export interface KeyMember {
  /** How errors name this member: a peer id, a multiaddr or a label. */
  readonly name: string;
  readonly exec: ProcedureExecutor;
  /** Its identifier in the key set: required for a refresh (a key generation numbers members in order). */
  readonly identifier?: number;
  /** Its X25519 key (created if missing); default `{vault: 'frost-keys', record: 'x25519'}`. */
  readonly key?: JsonLocation;
  /** Where its share is stored (refresh: where it is); default `{vault: 'frost-shares', record: <group public key hex>}`. */
  readonly share?: JsonLocation;
}

export interface DkgOptions {
  /** The run's name (its round-state record); default a fresh random one. Give it again to resume. */
  run?: string;
  stateVault?: string;
}

/** The key set, where each share went, and the run's name. */
export interface KeyGenResult extends DealResult {
  run: string;
}

interface Seated {
  m: KeyMember;
  id: number;
  pk: Uint8Array;
}

const stateOf = (o: DkgOptions, run: string): JsonLocation => ({ vault: o.stateVault ?? DEFAULT_DKG_VAULT, record: run });
const object = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {});

/**
 * Runs `step` on every member; a failure names the member (or the culprit it names) after `abort` (null: a repair,
 * which keeps no state) has destroyed the run everywhere.
 */
async function onEach<T>(seats: readonly Seated[], step: string, abort: (() => Promise<void>) | null, fn: (s: Seated) => Promise<T>): Promise<T[]> {
  const results = await Promise.allSettled(seats.map(fn));
  const i = results.findIndex((r) => r.status === 'rejected');
  if (i < 0) return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  await abort?.();
  const then = abort ? '; the run is aborted' : '';
  const e = (results[i] as PromiseRejectedResult).reason;
  if (isStrongholdError(e, 'FrostMisbehaviour')) {
    const culprit = seats.find((s) => s.id === e.details.participant);
    const who = culprit ? `${culprit.m.name} (participant ${culprit.id})` : `participant ${e.details.participant}`;
    throw new StrongholdError('FrostMisbehaviour', `${who} failed the ${e.details.check} check of ${seats[i]!.m.name} in ${step}${then}`, e.details, { cause: e });
  }
  if (isStrongholdError(e, 'RemoteError') && e.details.reason.startsWith(step)) throw e;
  const why = isStrongholdError(e) ? e.code : 'failed';
  const name = seats[i]!.m.name;
  throw new StrongholdError('RemoteError', `participant ${name} failed in ${step} (${why})${then}`, { peer: name, reason: `${step}: ${why}` }, { cause: e });
}

function malformed(name: string, step: string): StrongholdError<'RemoteError'> {
  return new StrongholdError('RemoteError', `${name} answered ${step} with a malformed result`, { peer: name, reason: `${step}: malformed result` });
}

function checkMembers(members: readonly KeyMember[], min: number): void {
  if (members.length < min || members.length > MAX_PARTICIPANTS) throw invalidArgument('members', `${min}..${MAX_PARTICIPANTS} members, got ${members.length}`);
  assertDistinct(members, 'members');
}

async function seat(members: readonly KeyMember[], ids: readonly number[]): Promise<Seated[]> {
  const seats: Seated[] = [];
  for (const [k, m] of members.entries()) {
    const pk = await sealingKey({ name: m.name, exec: m.exec, ...(m.key ? { key: m.key } : {}) });
    const same = seats.findIndex((s) => bytesEqual(s.pk, pk));
    // One Stronghold reached twice would hold two shares: fewer independent members than the key set counts.
    if (same >= 0) throw invalidArgument(`members[${k}]`, `distinct Strongholds (${m.name} has the X25519 key of ${seats[same]!.m.name})`);
    seats.push({ m, id: ids[k]!, pk });
  }
  return seats;
}

/** The three rounds among `seats`; `refresh` runs them over zero-secret polynomials and renews the shares in place. */
async function rounds(seats: Seated[], threshold: number, participants: number, options: DkgOptions, refresh: FrostGroup | null): Promise<KeyGenResult> {
  const run = options.run ?? randomBytes(16).toString('hex');
  const state = stateOf(options, run);
  const abort = (): Promise<void> => abortAll(seats.map((s) => s.m), run, options);
  const members = seats.map((s) => s.id);
  const recipients = seats.map((s) => hex(s.pk));
  const r1 = await onEach(seats, 'round one', abort, async (s) => {
    const out = await s.m.exec.execute({ type: 'FrostDkgRound1', identifier: s.id, threshold, participants, members, recipients, refresh: refresh !== null, state });
    try {
      const [pkg] = round1Packages([out], 'result', 'FrostDkgRound1', true);
      if (pkg!.identifier !== s.id) throw new Error('identifier');
      return pkg!;
    } catch {
      throw malformed(s.m.name, 'round one');
    }
  });
  const groupKey = refresh ? refresh.groupPublicKey : sumOfFirst(r1);
  const shareOf = (s: Seated): JsonLocation => s.m.share ?? { vault: DEFAULT_SHARE_VAULT, record: hex(groupKey) };
  const others = (id: number): Record<string, unknown>[] => r1.filter((p) => p.identifier !== id).map(round1ToJSON);
  const r2 = await onEach(seats, 'round two', abort, async (s) => {
    const out = object(await s.m.exec.execute({ type: 'FrostDkgRound2', state, packages: others(s.id) }));
    const shares = Array.isArray(out.shares) ? out.shares.map(object) : [];
    const to = shares.map((m) => m.to);
    if (out.identifier !== s.id || shares.length !== seats.length - 1 || shares.some((m) => m.from !== s.id) || seats.some((o) => o.id !== s.id && !to.includes(o.id))) throw malformed(s.m.name, 'round two');
    return shares.map((m) => ({ from: s.id, to: m.to as number, sealed: m.sealed }));
  });
  const messages = r2.flat();
  const groups = await onEach(seats, 'round three', abort, async (s) => {
    const out = object(await s.m.exec.execute({
      type: 'FrostDkgRound3', state, key: s.m.key ?? DEFAULT_KEY, packages: others(s.id), output: shareOf(s),
      shares: messages.filter((m) => m.to === s.id).map(({ from, sealed }) => ({ from, sealed })),
      ...(refresh ? { share: shareOf(s) } : {}),
    }));
    try {
      const { identifier: _, ...pkg } = out;
      const g = parseGroup(pkg);
      if (out.identifier !== s.id || !bytesEqual(g.groupPublicKey, groupKey)) throw new Error('group');
      return g;
    } catch {
      throw malformed(s.m.name, 'round three');
    }
  });
  const group = groups[0]!;
  const differs = seats.find((_, k) => JSON.stringify(groups[k]) !== JSON.stringify(group));
  if (differs) throw new StrongholdError('RemoteError', `${differs.m.name} reports another key set than ${seats[0]!.m.name}`, { peer: differs.m.name, reason: 'round three: another key set' });
  const shares: DealtShare[] = seats.map((s) => ({ name: s.m.name, identifier: s.id, share: shareOf(s) }));
  return { group, shares, run };
}

/** Σ of the members' first commitments: the group key, public after round one. */
function sumOfFirst(r1: readonly DkgRound1Package[]): Uint8Array {
  return r1.reduce((acc, p) => acc.add(ed25519.Point.fromBytes(p.commitments[0]!)), ed25519.Point.ZERO).toBytes();
}

/**
 * Generates a `threshold`-of-`members.length` key set among `members` (member i gets identifier i+1) without a
 * dealer: the group secret never exists anywhere.
 * @throws StrongholdError `InvalidArgument`, `FrostMisbehaviour` naming the culprit, `RemoteError` naming the member
 * @example const { group, shares } = await generateKey(2, [alice, bob, carol])
 */
export async function generateKey(threshold: number, members: readonly KeyMember[], options: DkgOptions = {}): Promise<KeyGenResult> {
  checkMembers(members, 2);
  if (!Number.isSafeInteger(threshold) || threshold < 2 || threshold > members.length) throw invalidArgument('threshold', `an integer 2..${members.length}`);
  const seats = await seat(members, members.map((_, k) => k + 1));
  return rounds(seats, threshold, members.length, options, null);
}

/**
 * New shares of `group`'s key for `members` (at least the threshold, each with its `identifier`), replacing their
 * shares in place: the group key stays, the old shares are gone, and a member left out keeps a share that no
 * longer signs with the new ones.
 * @throws StrongholdError `InvalidArgument`, `FrostMisbehaviour` naming the culprit, `RemoteError` naming the member
 */
export async function refreshShares(group: FrostGroup, members: readonly KeyMember[], options: DkgOptions = {}): Promise<KeyGenResult> {
  checkMembers(members, group.threshold);
  const ids = members.map((m, k) => {
    if (!Number.isSafeInteger(m.identifier) || m.identifier! < 1 || m.identifier! > group.participants) throw invalidArgument(`members[${k}].identifier`, `an identifier 1..${group.participants}`);
    return m.identifier!;
  });
  if (new Set(ids).size !== ids.length) throw invalidArgument('members', 'distinct identifiers');
  const seats = await seat(members, ids);
  return rounds(seats.sort((a, b) => a.id - b.id), group.threshold, group.participants, options, group);
}

/** Destroys the round state of run `run` on every member (best effort: a member that cannot be reached keeps its state until it is aborted there). */
export async function abortKeyGeneration(members: readonly KeyMember[], run: string, options: DkgOptions = {}): Promise<{ aborted: string[]; failed: string[] }> {
  const state = stateOf(options, run);
  const results = await Promise.allSettled(members.map((m) => m.exec.execute({ type: 'FrostDkgAbort', state })));
  const gone = (r: PromiseSettledResult<unknown>): boolean => r.status === 'fulfilled' || ['RecordNotFound', 'RecordRevoked', 'VaultNotFound'].some((c) => isStrongholdError(r.reason, c as 'RecordNotFound'));
  return { aborted: members.filter((_, k) => gone(results[k]!)).map((m) => m.name), failed: members.filter((_, k) => !gone(results[k]!)).map((m) => m.name) };
}

async function abortAll(members: readonly KeyMember[], run: string, options: DkgOptions): Promise<void> {
  await abortKeyGeneration(members, run, options);
}

/** A helper of a repair: a member holding its share of `group`, and its identifier. */
export interface RepairHelper extends KeyMember {
  readonly identifier: number;
}

/**
 * Rebuilds the share of `target` (identifier `target.identifier`) from `helpers` (at least the threshold, each
 * with its share), and stores it at `target.share` (default `frost-shares/<group public key hex>`). No helper
 * learns the share; the repaired share is checked against the group's verifying share before it is stored.
 * @throws StrongholdError `InvalidArgument`, `FrostMisbehaviour` naming the culprit, `RemoteError` naming the member
 */
export async function repairShare(group: FrostGroup, helpers: readonly RepairHelper[], target: RepairHelper): Promise<DealtShare> {
  checkMembers(helpers, group.threshold);
  const ids = helpers.map((h) => h.identifier);
  if (new Set([...ids, target.identifier]).size !== ids.length + 1) throw invalidArgument('helpers', 'distinct identifiers, none of them the target\'s');
  const seats: Seated[] = helpers.map((m) => ({ m, id: m.identifier, pk: new Uint8Array(0) }));
  const shareOf = (m: KeyMember): JsonLocation => m.share ?? { vault: DEFAULT_SHARE_VAULT, record: hex(group.groupPublicKey) };
  const run = { helpers: ids, for: target.identifier };
  const step1 = await onEach(seats, 'repair step one', null, async (s) => {
    const out = object(await s.m.exec.execute({ type: 'FrostRepairStep1', share: shareOf(s.m), ...run }));
    let g: FrostGroup;
    try {
      const { identifier: _, deltas: __, ...pkg } = out;
      g = parseGroup(pkg);
    } catch {
      throw malformed(s.m.name, 'repair step one');
    }
    if (out.identifier !== s.id || !bytesEqual(g.groupPublicKey, group.groupPublicKey)) throw malformed(s.m.name, 'repair step one');
    const deltas = Array.isArray(out.deltas) ? out.deltas.map(object) : [];
    return deltas.map((d) => ({ from: s.id, to: d.to, sealed: d.sealed }));
  });
  const pieces = step1.flat();
  const common = { participants: group.participants, commitments: group.commitments.map(hex), ...run };
  const sums = await onEach(seats, 'repair step two', null, async (s) => {
    const out = object(await s.m.exec.execute({
      type: 'FrostRepairStep2', key: s.m.key ?? DEFAULT_KEY, identifier: s.id, ...common,
      deltas: pieces.filter((d) => d.to === s.id).map(({ from, sealed }) => ({ from, sealed })),
    }));
    if (out.from !== s.id || out.to !== target.identifier || typeof out.sealed !== 'string') throw malformed(s.m.name, 'repair step two');
    return { from: s.id, sealed: out.sealed };
  });
  const [info] = await onEach([{ m: target, id: target.identifier, pk: new Uint8Array(0) }], 'repair step three', null, async (s) => object(await s.m.exec.execute({
    type: 'FrostRepairStep3', key: s.m.key ?? DEFAULT_KEY, participants: group.participants, commitments: group.commitments.map(hex), ...run, sigmas: sums, output: shareOf(s.m),
  })));
  const expected = hex(group.verifyingShares[target.identifier - 1]!);
  let got: string | null = null;
  try {
    got = hex(parseHex(info!.verifyingShare, { field: 'verifyingShare', length: 32 }));
  } catch {
    // malformed: reported below
  }
  if (got !== expected) throw malformed(target.name, 'repair step three');
  return { name: target.name, identifier: target.identifier, share: shareOf(target) };
}
