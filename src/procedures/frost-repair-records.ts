/**
 * What the three repair procedures share: the repairable threshold scheme of the ZF `frost` crates (a helper set H
 * of at least t participants rebuilds participant r's share s_r = Σ_{i∈H} λ_i(r)·s_i, each term split into random
 * pieces so that no helper, and no relay, sees a term).
 *
 * Step one (each helper i): the pieces δ_ij of λ_i(r)·s_i, one sealed to each helper j. Step two (each helper j):
 * σ_j = Σ_i δ_ij, sealed to r. Step three (r): s_r = Σ_j σ_j, checked against the group's commitments.
 *
 * Every message is sealed to a key the helper's share record names (the participants' X25519 keys of the key
 * generation, version 2 share records): nothing a caller passes can redirect a piece. A piece carries those keys on,
 * so that step two seals σ_j to r's key as the share holders named it, and step three stores them with the share.
 * The session (the associated data of every message) binds the key set's commitments, t, n, r and the helper set.
 *
 * Every piece is also signed by its sender's share (a Schnorr signature that its verifying share checks). Sealing
 * alone says nothing about the sender: anyone can seal to a helper's public key. Without the signature, a relay
 * holding r's key (r itself, coordinating its own repair) could send each helper the other helpers' pieces, of its
 * own choosing, and subtract them from the sums: what is left are one helper's real pieces, so its share.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { invalidArgument } from '../errors.js';
import * as f from './fields.js';
import { Fn, memberList, messageContext, peerPoint, randomScalar, scalarOf } from './frost-dkg-records.js';

export const REPAIR_DELTA_INFO = new TextEncoder().encode('stronghold-ts FROST repair delta v1');
export const REPAIR_SIGMA_INFO = new TextEncoder().encode('stronghold-ts FROST repair sigma v1');
const SESSION_LABEL = new TextEncoder().encode('stronghold-ts FROST repair session v2');
const PIECE_SIGNATURE_LABEL = new TextEncoder().encode('stronghold-ts FROST repair piece signature v1');
/** The length of a piece's signature, appended to the sealed piece. */
export const PIECE_SIGNATURE_BYTES = 64;

type Point = InstanceType<typeof ed25519.Point>;

/** The repair's parameters, as each step checks them. */
export interface RepairRun {
  threshold: number;
  participants: number;
  /** The key set's commitments (t points); the first is the group public key. */
  commitments: Uint8Array[];
  target: number;
  helpers: number[];
}

/** Checks `helpers` and `for` against t (the commitments' count) and n: t..n-1 distinct helpers, the target not among them. */
export function repairRun(helpersValue: unknown, forValue: unknown, participants: number, commitments: Uint8Array[], procedure: string): RepairRun {
  const threshold = commitments.length;
  const target = f.int(forValue, 'for', procedure, 1, participants);
  const helpers = memberList(helpersValue, 'helpers', procedure, threshold, participants);
  if (helpers.includes(target)) throw invalidArgument('helpers', `participants other than the one repaired (${target})`, procedure);
  return { threshold, participants, commitments, target, helpers };
}

/** The key set's commitments as points (a caller's list: each must be a valid point). */
export function commitmentPoints(commitments: readonly Uint8Array[], procedure: string): Point[] {
  return commitments.map((c, k) => peerPoint(c) ?? (() => {
    throw invalidArgument(`commitments[${k}]`, 'a valid point', procedure);
  })());
}

export function repairSession(provider: CryptoProvider, run: RepairRun): Uint8Array {
  const head = SESSION_LABEL.length + 4 + run.helpers.length;
  const data = new Uint8Array(head + 32 * run.commitments.length);
  data.set(SESSION_LABEL, 0);
  data.set([run.threshold, run.participants, run.target, run.helpers.length], SESSION_LABEL.length);
  data.set(run.helpers, SESSION_LABEL.length + 4);
  run.commitments.forEach((c, k) => data.set(c, head + 32 * k));
  return provider.sha2('sha256', data);
}

/** The challenge of a piece's signature: the signer's verifying share, R, and the piece with its session, sender and receiver. */
function pieceChallenge(provider: CryptoProvider, verifyingShare: Uint8Array, r: Uint8Array, session: Uint8Array, from: number, to: number, sealed: Uint8Array): bigint {
  const context = messageContext(session, from, to);
  const parts = [PIECE_SIGNATURE_LABEL, verifyingShare, r, context, sealed];
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  const digest = provider.sha2('sha512', data);
  let x = 0n;
  for (let i = digest.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(digest[i]!);
  return Fn.create(x);
}

/** `sealed || R || μ`: the sealed piece signed with the sender's signing share (R = k·B, μ = k + c·s). */
export function signPiece(provider: CryptoProvider, signingShare: Uint8Array, verifyingShare: Uint8Array, session: Uint8Array, from: number, to: number, sealed: Uint8Array): Uint8Array {
  const k = randomScalar(provider);
  const r = ed25519.Point.BASE.multiply(k).toBytes();
  const mu = Fn.add(k, Fn.mul(Fn.fromBytes(signingShare), pieceChallenge(provider, verifyingShare, r, session, from, to, sealed)));
  const out = new Uint8Array(sealed.length + PIECE_SIGNATURE_BYTES);
  out.set(sealed, 0);
  out.set(r, sealed.length);
  out.set(Fn.toBytes(mu), sealed.length + 32);
  return out;
}

/** The sealed piece of a signed one, if the share behind `verifyingShare` signed it (μ·B = R + c·Y); else null. */
export function signedPiece(provider: CryptoProvider, verifyingShare: Point, session: Uint8Array, from: number, to: number, signed: Uint8Array): Uint8Array | null {
  if (signed.length < PIECE_SIGNATURE_BYTES) return null;
  const sealed = signed.subarray(0, signed.length - PIECE_SIGNATURE_BYTES);
  const rBytes = signed.subarray(sealed.length, sealed.length + 32);
  const r = peerPoint(rBytes);
  const mu = scalarOf(signed.subarray(sealed.length + 32));
  if (!r || mu === null || verifyingShare.is0()) return null;
  const c = pieceChallenge(provider, verifyingShare.toBytes(), rBytes, session, from, to, sealed);
  const right = c === 0n ? r : r.add(verifyingShare.multiplyUnsafe(c));
  return ed25519.Point.BASE.multiplyUnsafe(mu).equals(right) ? sealed : null;
}

/** λ_i(x) over the helper set: the weight of helper i's share in the value of the polynomial at x. */
export function lagrangeAt(helpers: readonly number[], i: number, x: number): bigint {
  let num = 1n;
  let den = 1n;
  for (const j of helpers) {
    if (j === i) continue;
    num = Fn.mul(num, Fn.create(BigInt(x - j)));
    den = Fn.mul(den, Fn.create(BigInt(i - j)));
  }
  return Fn.div(num, den);
}

/** A piece's or a sum's plaintext: the scalar, then the participants' X25519 keys. */
export function encodePiece(scalar: bigint, peers: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(32 + 32 * peers.length);
  out.set(Fn.toBytes(scalar), 0);
  peers.forEach((k, i) => out.set(k, 32 + 32 * i));
  return out;
}
