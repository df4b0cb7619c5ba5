/**
 * The coordinator of one FROST signing session (RFC 9591 §5): any process, holding no secret.
 *
 * 1. Round one: asks each of the chosen participants (t <= count <= n) for a commitment; each participant
 *    stores fresh nonces under a new handle in its own vault.
 * 2. Round two: sends every participant the signing package (message + the sorted commitment list) with its
 *    own handle; each computes its signature share, destroying its nonces first, and persists that before
 *    answering (persist.ts).
 * 3. Verifies every share against the participant's verifying share, aggregates, and verifies the result as a
 *    plain Ed25519 signature under the group public key.
 *
 * Failures are typed and name the participant: `InvalidArgument` for a bad session (too few or too many
 * participants, one given twice, two answering with the same identifier), `RemoteError` with `details.peer`
 * for a participant that failed, disconnected, answered malformed, or sent a share that does not verify. A
 * session that fails after round one revokes, best effort, the handles that will not be signed with; a nonce
 * is never used twice either way, since only FrostSign opens one, and it destroys it.
 * @module
 */
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import type { FrostCommitment, FrostGroup } from '../procedures/frost-records.js';
import { MAX_MESSAGE_BYTES } from '../procedures/frost-sign.js';
import { assertDistinct, type Committed, type FrostParticipant } from './participant.js';
import { aggregate, verifySignature, verifySignatureShare, type SignatureShare } from './public.js';

/** What a successful session gives. */
export interface SigningResult {
  /** The 64-byte Ed25519 signature R || z. */
  signature: Uint8Array;
  /** The identifiers that signed, ascending. */
  signers: number[];
  commitments: FrostCommitment[];
  shares: SignatureShare[];
}

function failed(p: FrostParticipant, round: string, e: unknown): StrongholdError<'RemoteError'> {
  const why = isStrongholdError(e) ? `${e.code}${e.code === 'RemoteError' ? `: ${(e as StrongholdError<'RemoteError'>).details.reason}` : ''}` : 'failed';
  return new StrongholdError('RemoteError', `participant ${p.name} failed in ${round} (${why})`, { peer: p.name, reason: `${round}: ${why}` }, { cause: e });
}

/** The first rejection among settled results, as a RemoteError naming its participant. */
function firstFailure<T>(results: PromiseSettledResult<T>[], participants: readonly FrostParticipant[], round: string): StrongholdError | null {
  const i = results.findIndex((r) => r.status === 'rejected');
  return i < 0 ? null : failed(participants[i]!, round, (results[i] as PromiseRejectedResult).reason);
}

/**
 * Runs one signing session of `message` with `participants` (t <= count <= n) of the key set `group`.
 * @throws StrongholdError `InvalidArgument` (`participants`, `message`), `RemoteError` naming the participant
 * @example const { signature } = await signWithParticipants(group, [alice, bob], message)
 */
export async function signWithParticipants(group: FrostGroup, participants: readonly FrostParticipant[], message: Uint8Array): Promise<SigningResult> {
  if (!(message instanceof Uint8Array) || message.length > MAX_MESSAGE_BYTES) throw invalidArgument('message', `bytes, at most ${MAX_MESSAGE_BYTES}`);
  if (participants.length < group.threshold || participants.length > group.participants) {
    throw invalidArgument('participants', `between ${group.threshold} and ${group.participants} participants, got ${participants.length}`);
  }
  assertDistinct(participants);

  const round1 = await Promise.allSettled(participants.map((p) => p.commit()));
  const handles = round1.map((r) => (r.status === 'fulfilled' ? r.value : null));
  const abort = async (): Promise<void> => {
    await Promise.allSettled(handles.map((h, i) => (h ? participants[i]!.discard(h.nonces) : null)));
  };
  const err1 = firstFailure(round1, participants, 'round one');
  if (err1) {
    await abort();
    throw err1;
  }
  const committed = handles as Committed[];
  const owner = new Map<number, number>();
  for (const [i, c] of committed.entries()) {
    const id = c.commitment.identifier;
    const other = owner.get(id);
    if (other !== undefined || id > group.participants) {
      await abort();
      throw other !== undefined
        ? invalidArgument(`participants[${i}]`, `participants with distinct shares (${participants[other]!.name} and ${participants[i]!.name} both hold share ${id})`)
        : failed(participants[i]!, 'round one', invalidArgument('identifier', `1..${group.participants}`));
    }
    owner.set(id, i);
  }
  const commitments = committed.map((c) => c.commitment).sort((a, b) => a.identifier - b.identifier);

  const round2 = await Promise.allSettled(participants.map((p, i) => p.sign(committed[i]!.nonces, message, commitments)));
  const err2 = firstFailure(round2, participants, 'round two');
  if (err2) throw err2;
  const shares = round2.map((r) => (r as PromiseFulfilledResult<SignatureShare>).value);
  const bad = shares.map((s, i) => ({ s, i })).filter(({ s, i }) => s.identifier !== committed[i]!.commitment.identifier || !verifySignatureShare(group, commitments, message, s));
  if (bad.length > 0) {
    const names = bad.map(({ i }) => `${participants[i]!.name} (share ${committed[i]!.commitment.identifier})`);
    const first = participants[bad[0]!.i]!;
    throw new StrongholdError('RemoteError', `invalid signature share from ${names.join(', ')}`, { peer: first.name, reason: `round two: invalid signature share from ${names.join(', ')}` });
  }
  const signature = aggregate(group, commitments, message, shares);
  // aggregate verified every share, so this holds unless the group package itself is wrong.
  if (!verifySignature(group.groupPublicKey, message, signature)) throw invalidArgument('group', 'the public package of the key set the participants hold');
  return { signature, signers: commitments.map((c) => c.identifier), commitments, shares: [...shares].sort((a, b) => a.identifier - b.identifier) };
}
