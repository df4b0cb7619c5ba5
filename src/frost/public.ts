/**
 * The public side of FROST(Ed25519, SHA-512) (RFC 9591 §5.3, §5.4): what a coordinator, who holds no secret, needs.
 * A key set's public package (`FrostGroup`) in its JSON form, signature-share verification, aggregation, and
 * verification of the final signature, which is a plain RFC 8032 Ed25519 signature under the group public key.
 * @module
 */
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { assertBytes, assertInt, parseHex } from '../assert.js';
import { invalidArgument } from '../errors.js';
import { groupToJSON } from '../procedures/frost-keygen.js';
import { hex, idOf, MAX_PARTICIPANTS, toNoble, type FrostCommitment, type FrostGroup } from '../procedures/frost-records.js';

export type { FrostCommitment, FrostGroup } from '../procedures/frost-records.js';
export { groupToJSON };

/** One participant's round-two answer. */
export interface SignatureShare {
  identifier: number;
  signatureShare: Uint8Array;
}

/** Reads the JSON form of a key set's public package (what FrostKeygen returns), strictly. */
export function parseGroup(json: unknown): FrostGroup {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidArgument('group', 'an object {threshold, participants, groupPublicKey, commitments, verifyingShares}');
  const j = json as Record<string, unknown>;
  for (const k of Object.keys(j)) if (!['threshold', 'participants', 'groupPublicKey', 'commitments', 'verifyingShares'].includes(k)) throw invalidArgument(`group.${k}`, 'no such field');
  const participants = assertInt(j.participants, { field: 'group.participants', min: 2, max: MAX_PARTICIPANTS });
  const threshold = assertInt(j.threshold, { field: 'group.threshold', min: 2, max: participants });
  const points = (v: unknown, field: string, n: number): Uint8Array[] => {
    if (!Array.isArray(v) || v.length !== n) throw invalidArgument(field, `an array of ${n} hex points`);
    return v.map((p: unknown, i) => parseHex(p, { field: `${field}[${i}]`, length: 32 }));
  };
  const group: FrostGroup = {
    threshold, participants,
    groupPublicKey: parseHex(j.groupPublicKey, { field: 'group.groupPublicKey', length: 32 }),
    commitments: points(j.commitments, 'group.commitments', threshold),
    verifyingShares: points(j.verifyingShares, 'group.verifyingShares', participants),
  };
  if (hex(group.commitments[0]!) !== hex(group.groupPublicKey)) throw invalidArgument('group.commitments', 'a list whose first point is the group public key');
  return group;
}

function noblePublic(g: FrostGroup): Parameters<typeof ed25519_FROST.verifyShare>[0] {
  const verifyingShares: Record<string, Uint8Array> = {};
  g.verifyingShares.forEach((v, i) => (verifyingShares[idOf(i + 1)] = v));
  return { signers: { min: g.threshold, max: g.participants }, commitments: g.commitments, verifyingShares };
}

/**
 * RFC 9591 §5.4: whether participant `identifier`'s signature share is valid for this signing package.
 * False for anything malformed (an unknown identifier, a share that is not a canonical scalar, a bad point).
 */
export function verifySignatureShare(group: FrostGroup, commitments: readonly FrostCommitment[], message: Uint8Array, share: SignatureShare): boolean {
  if (share.identifier < 1 || share.identifier > group.participants) return false;
  try {
    return ed25519_FROST.verifyShare(noblePublic(group), toNoble(commitments), message, idOf(share.identifier), share.signatureShare);
  } catch {
    return false;
  }
}

/**
 * RFC 9591 §5.3: the group signature `R || z` from one share per committed signer. Every share is verified first,
 * so a bad one is named rather than yielding an invalid signature.
 * @throws StrongholdError `InvalidArgument`: `field` `shares` (the set does not match the commitments) or
 *   `shares[<identifier>]` (that participant's share does not verify; `expected` names it)
 */
export function aggregate(group: FrostGroup, commitments: readonly FrostCommitment[], message: Uint8Array, shares: readonly SignatureShare[]): Uint8Array {
  assertBytes(message, { field: 'message' });
  const ids = commitments.map((c) => c.identifier);
  const got = new Map(shares.map((s) => [s.identifier, s]));
  if (new Set(ids).size !== ids.length || got.size !== shares.length || ids.length !== shares.length || ids.some((id) => !got.has(id))) {
    throw invalidArgument('shares', 'exactly one signature share per committed signer');
  }
  if (ids.length < group.threshold || ids.length > group.participants) throw invalidArgument('shares', `between ${group.threshold} and ${group.participants} signers, got ${ids.length}`);
  const bad = shares.filter((s) => !verifySignatureShare(group, commitments, message, s)).map((s) => s.identifier);
  if (bad.length > 0) throw invalidArgument(`shares[${bad[0]}]`, `a signature share that verifies (participants that misbehaved: ${bad.join(', ')})`);
  const byId: Record<string, Uint8Array> = {};
  for (const s of shares) byId[idOf(s.identifier)] = s.signatureShare;
  return ed25519_FROST.aggregate(noblePublic(group), toNoble(commitments), message, byId);
}

/** Plain RFC 8032 Ed25519 verification of `signature` over `message` under the group public key. */
export function verifySignature(groupPublicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, groupPublicKey, { zip215: false });
  } catch {
    return false;
  }
}
