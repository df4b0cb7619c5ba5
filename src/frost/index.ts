/**
 * @packageDocumentation
 *
 * Threshold Ed25519 signatures across Strongholds: FROST(Ed25519, SHA-512), RFC 9591, with a trusted dealer.
 * Each participant's share and one-time nonces live in its own vault (procedures FrostKeygen, FrostCommit,
 * FrostSign, FrostShareExport, FrostShareImport); this module holds what runs around them: the dealer's
 * distribution, the coordinator's session, the public helpers, and the durability rule for nonces.
 * docs/threshold.md describes the protocol, the trust in the dealer and the nonce-safety rule.
 *
 * @example Three Strongholds, two of which sign (p2p: a `RemoteClient`'s `json` is a `ProcedureExecutor`)
 * ```ts
 * import { dealShares, localExecutor, participant, signWithParticipants } from 'stronghold-ts/frost'
 * const { group, shares } = await dealShares(dealerClient, 2, [
 *   { name: 'alice', exec: await remote(me, aliceAddr).then((r) => r.client('wallet').json) }, ...
 * ])
 * const signers = shares.slice(0, 2).map((s, i) => participant(execs[i], { name: s.name, share: s.share }))
 * const { signature } = await signWithParticipants(group, signers, message) // plain Ed25519 under group.groupPublicKey
 * ```
 */
export { signWithParticipants, type SigningResult } from './coordinator.js';
export { dealShares, DEFAULT_KEY, DEFAULT_SHARE_VAULT, type DealResult, type DealtShare, type ShareReceiver } from './dealer.js';
export {
  assertDistinct, DEFAULT_NONCE_VAULT, localExecutor, participant,
  type Committed, type FrostParticipant, type JsonLocation, type ParticipantInit, type ProcedureExecutor,
} from './participant.js';
export { DurableFrostRunner, openFrostStronghold } from './persist.js';
export {
  aggregate, groupToJSON, parseGroup, verifySignature, verifySignatureShare,
  type FrostCommitment, type FrostGroup, type SignatureShare,
} from './public.js';
