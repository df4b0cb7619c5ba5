/**
 * What the dealer-free FROST procedures share: the Pedersen DKG with proofs of knowledge of the FROST paper (as the
 * Zcash Foundation `frost` crates and `@noble/curves` run it; FrostDkgRound1..3), its zero-secret form for share
 * refresh, the round-state record, the round-one packages, and the sealing of round messages to their receiver.
 *
 * Round-state record (kind `frost-dkg-state`, non-exportable; only FrostDkgRound2, FrostDkgRound3 and FrostDkgAbort
 * declare the kind, so no other procedure opens it; it is destroyed by round three or an abort):
 * | bytes            | content                                                                 |
 * |------------------|-------------------------------------------------------------------------|
 * | 0..4             | magic `46 52 44 01` ("FRD", version 1)                                  |
 * | 4, 5, 6          | identifier, threshold t, participants n                                 |
 * | 7                | mode: 0 key generation, 1 refresh (the constant coefficient is zero)    |
 * | 8                | step: 1 after round one, 2 after round two                              |
 * | 9                | m, the number of members (the participants of this run)                 |
 * | 10..10+m         | the members' identifiers, ascending                                     |
 * | then 32m         | each member's X25519 public key, in the same order                     |
 * | then 32t         | the secret polynomial's coefficients a0..a(t-1), scalars little-endian  |
 * | then 32          | the session: SHA-256 of the round-one transcript (zeros before round two) |
 *
 * The session binds every round-two message: it is sealed to its receiver with the session, sender and receiver
 * as associated data, so a message of another run, or one sealed to another participant, does not open.
 * @module
 */
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { parseHex } from '../assert.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { WriteRule } from '../engine/policy.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { hex, identifier, MAX_PARTICIPANTS, point } from './frost-records.js';

/** The round state: never exportable; the kind alone confines it to the DKG procedures (see the module doc). */
export const DKG_STATE_RULE: WriteRule = { kind: 'frost-dkg-state', exportable: false };

/** The scalar field of Ed25519 (mod L), with the operations the DKG and repair use. */
export interface ScalarField {
  create(n: bigint): bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  div(a: bigint, b: bigint): bigint;
  fromBytes(b: Uint8Array): bigint;
  toBytes(n: bigint): Uint8Array;
}
// Typed by our own interface: noble's inferred type would leak its import paths into the CommonJS declarations.
export const Fn: ScalarField = ed25519_FROST.utils.Fn;
type Point = InstanceType<typeof ed25519.Point>;

const MAGIC = [0x46, 0x52, 0x44, 0x01] as const;
const HEADER = 10;
const NO_SESSION = new Uint8Array(32);
const CONTEXT = new TextEncoder().encode('FROST-ED25519-SHA512-v1');
const DKG_DST = new TextEncoder().encode('FROST-ED25519-SHA512-v1dkg');
const TRANSCRIPT_LABEL = new TextEncoder().encode('stronghold-ts FROST DKG transcript v1');
/** The sealing label of round-two shares. */
export const DKG_SEAL_INFO = new TextEncoder().encode('stronghold-ts FROST DKG share v1');

export type DkgMode = 'dkg' | 'refresh';

/** The round state, decoded. `coefficients` are views into the opened record, valid inside `use` only. */
export interface DkgState {
  identifier: number;
  threshold: number;
  participants: number;
  mode: DkgMode;
  step: 1 | 2;
  members: number[];
  recipients: Uint8Array[];
  coefficients: Uint8Array[];
  session: Uint8Array | null;
}

/** A participant's round-one broadcast: public. In a refresh, `commitments` omit the (identity) constant term and `proofOfKnowledge` is empty. */
export interface DkgRound1Package {
  identifier: number;
  commitments: Uint8Array[];
  proofOfKnowledge: Uint8Array;
}

/** A round message sealed to one participant. */
export interface SealedMessage {
  from: number;
  to: number;
  sealed: Uint8Array;
}

/** A FrostMisbehaviour error naming the participant whose message failed `check`. */
export function misbehaviour(procedure: string, participant: number, check: string, why: string): StrongholdError<'FrostMisbehaviour'> {
  return new StrongholdError('FrostMisbehaviour', `${procedure}: participant ${participant} ${why}`, { procedure, participant, check });
}

export function encodeState(s: DkgState): Uint8Array {
  const m = s.members.length;
  const out = new Uint8Array(HEADER + m + 32 * m + 32 * s.threshold + 32);
  out.set(MAGIC, 0);
  out[4] = s.identifier;
  out[5] = s.threshold;
  out[6] = s.participants;
  out[7] = s.mode === 'dkg' ? 0 : 1;
  out[8] = s.step;
  out[9] = m;
  out.set(s.members, HEADER);
  s.recipients.forEach((r, k) => out.set(r, HEADER + m + 32 * k));
  const coeffAt = HEADER + 33 * m;
  s.coefficients.forEach((c, k) => out.set(c, coeffAt + 32 * k));
  out.set(s.session ?? NO_SESSION, coeffAt + 32 * s.threshold);
  return out;
}

export function decodeState(secret: Uint8Array, field: string, procedure: string): DkgState {
  const bad = (): never => {
    throw invalidArgument(field, 'a FROST DKG round state (written by FrostDkgRound1)', procedure);
  };
  if (secret.length < HEADER || MAGIC.some((b, i) => secret[i] !== b)) bad();
  const [id, t, n, mode, step, m] = [secret[4]!, secret[5]!, secret[6]!, secret[7]!, secret[8]!, secret[9]!];
  if (t < 2 || n < t || m < t || m > n || mode > 1 || (step !== 1 && step !== 2)) bad();
  if (secret.length !== HEADER + 33 * m + 32 * t + 32) bad();
  const members = Array.from(secret.subarray(HEADER, HEADER + m));
  if (!members.includes(id)) bad();
  const coeffAt = HEADER + 33 * m;
  const session = secret.subarray(coeffAt + 32 * t);
  return {
    identifier: id, threshold: t, participants: n, mode: mode === 0 ? 'dkg' : 'refresh', step: step as 1 | 2, members,
    recipients: members.map((_, k) => Uint8Array.from(secret.subarray(HEADER + m + 32 * k, HEADER + m + 32 * (k + 1)))),
    coefficients: Array.from({ length: t }, (_, k) => secret.subarray(coeffAt + 32 * k, coeffAt + 32 * (k + 1))),
    session: step === 2 ? Uint8Array.from(session) : null,
  };
}

/** A uniform scalar: 64 random bytes of the provider, reduced modulo the group order (never zero). */
export function randomScalar(provider: CryptoProvider): bigint {
  for (;;) {
    const wide = provider.randomFill(new Uint8Array(64));
    const s = Fn.create(littleEndian(wide));
    wipe(wide);
    if (s !== 0n) return s;
  }
}

function littleEndian(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]!);
  return x;
}

/** A canonical scalar from 32 bytes, or null. */
export function scalarOf(b: Uint8Array): bigint | null {
  try {
    return Fn.fromBytes(b);
  } catch {
    return null;
  }
}

/** f(x) = Σ a_k x^k over the scalars of a state record (Horner). */
export function evaluate(coefficients: readonly Uint8Array[], x: number): bigint {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, BigInt(x)), Fn.fromBytes(coefficients[k]!));
  return acc;
}

/** The commitments of a polynomial, a_k · B; in a refresh the identity constant term is left out, as the ZF crates do. */
export function commitmentsOf(coefficients: readonly Uint8Array[], mode: DkgMode): Uint8Array[] {
  const from = mode === 'refresh' ? 1 : 0;
  return coefficients.slice(from).map((c) => ed25519.Point.BASE.multiply(Fn.fromBytes(c)).toBytes());
}

/** The DKG challenge H_dkg(identifier || φ || R) of the proof of knowledge (the ZF crates' and noble's). */
function challenge(provider: CryptoProvider, id: number, phi: Uint8Array, r: Uint8Array): bigint {
  const data = new Uint8Array(DKG_DST.length + 96);
  data.set(DKG_DST, 0);
  data.set(Fn.toBytes(BigInt(id)), DKG_DST.length);
  data.set(phi, DKG_DST.length + 32);
  data.set(r, DKG_DST.length + 64);
  return Fn.create(littleEndian(provider.sha2('sha512', data)));
}

/** The proof of knowledge of a0, `R || μ` with R = k·B and μ = k + a0·c (a Schnorr signature). */
export function proveKnowledge(provider: CryptoProvider, id: number, a0: Uint8Array, phi: Uint8Array): Uint8Array {
  const k = randomScalar(provider);
  const r = ed25519.Point.BASE.multiply(k).toBytes();
  const mu = Fn.add(k, Fn.mul(Fn.fromBytes(a0), challenge(provider, id, phi, r)));
  const out = new Uint8Array(64);
  out.set(r, 0);
  out.set(Fn.toBytes(mu), 32);
  return out;
}

/** A point of a peer's message: canonical, on the curve, in the prime-order subgroup and not the identity; or null. */
export function peerPoint(b: Uint8Array): Point | null {
  try {
    const p = ed25519.Point.fromBytes(b);
    if (p.is0() || !p.isTorsionFree()) return null;
    return p;
  } catch {
    return null;
  }
}

/** Checks a proof of knowledge (R = μ·B − c·φ). */
export function knowledgeProven(provider: CryptoProvider, pkg: DkgRound1Package): boolean {
  const r = peerPoint(pkg.proofOfKnowledge.subarray(0, 32));
  const mu = scalarOf(pkg.proofOfKnowledge.subarray(32));
  if (!r || mu === null) return false;
  const phi = ed25519.Point.fromBytes(pkg.commitments[0]!);
  const c = challenge(provider, pkg.identifier, pkg.commitments[0]!, pkg.proofOfKnowledge.subarray(0, 32));
  return ed25519.Point.BASE.multiplyUnsafe(mu).subtract(c === 0n ? ed25519.Point.ZERO : phi.multiplyUnsafe(c)).equals(r);
}

/** Σ_k C_k · x^k: the public value a share for `x` must have (RFC 9591 Appendix C.2 `vss_verify`). */
export function evaluateCommitments(commitments: readonly Point[], x: number): Point {
  let acc = ed25519.Point.ZERO;
  for (let k = commitments.length - 1; k >= 0; k--) acc = acc.multiplyUnsafe(BigInt(x)).add(commitments[k]!);
  return acc;
}

/** A member list: t..n distinct identifiers 1..n, returned ascending. */
export function memberList(value: unknown, field: string, procedure: string, threshold: number, participants: number): number[] {
  if (!Array.isArray(value) || value.length < threshold || value.length > participants) {
    throw invalidArgument(field, `an array of ${threshold}..${participants} participant identifiers`, procedure);
  }
  const ids = value.map((v: unknown, k) => f.int(v, `${field}[${k}]`, procedure, 1, participants));
  const dup = ids.find((id, k) => ids.indexOf(id) !== k);
  if (dup !== undefined) throw invalidArgument(field, `distinct identifiers (${dup} appears twice)`, procedure);
  return ids.sort((a, b) => a - b);
}

/** X25519 public keys, one per entry (hex in the JSON form). */
export function keyList(value: unknown, field: string, procedure: string, count: number, fromJson: boolean): Uint8Array[] {
  if (!Array.isArray(value) || value.length !== count) throw invalidArgument(field, `an array of ${count} X25519 public keys`, procedure);
  return value.map((r: unknown, k) => (fromJson ? parseHex(r, { field: `${field}[${k}]`, procedure, length: 32 }) : point(r, `${field}[${k}]`, procedure)));
}

/** Round-one packages as sent (shape only; the round procedures check their content against the state). */
export function round1Packages(value: unknown, field: string, procedure: string, fromJson: boolean): DkgRound1Package[] {
  if (!Array.isArray(value) || value.length === 0 || value.length >= MAX_PARTICIPANTS) {
    throw invalidArgument(field, `an array of round-one packages {"identifier", "commitments", "proofOfKnowledge"}`, procedure);
  }
  return value.map((v: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(at, 'an object {"identifier", "commitments", "proofOfKnowledge"}', procedure);
    const o = v as f.Json;
    if (fromJson) f.onlyFields(o, ['identifier', 'commitments', 'proofOfKnowledge'], procedure);
    const c = o.commitments;
    if (!Array.isArray(c) || c.length === 0 || c.length > MAX_PARTICIPANTS) throw invalidArgument(`${at}.commitments`, `an array of 1..${MAX_PARTICIPANTS} points`, procedure);
    const bytesOf = (x: unknown, name: string, length: number): Uint8Array =>
      fromJson ? parseHex(x, { field: name, procedure, length }) : f.bytes(x, name, procedure, { length });
    const pok = o.proofOfKnowledge ?? (fromJson ? '' : new Uint8Array(0));
    const pokLength = (fromJson ? (pok as string).length / 2 : (pok as Uint8Array).length) === 0 ? 0 : 64;
    return {
      identifier: identifier(o.identifier, `${at}.identifier`, procedure),
      commitments: c.map((x: unknown, k) => bytesOf(x, `${at}.commitments[${k}]`, 32)),
      proofOfKnowledge: bytesOf(pok, `${at}.proofOfKnowledge`, pokLength),
    };
  });
}

export const round1ToJSON = (p: DkgRound1Package): Record<string, unknown> => ({
  identifier: p.identifier, commitments: p.commitments.map(hex), proofOfKnowledge: hex(p.proofOfKnowledge),
});

/** Sealed messages addressed to one participant, `{from, sealed}` (hex in the JSON form). */
export function sealedList(value: unknown, field: string, procedure: string, fromJson: boolean, length: number): { from: number; sealed: Uint8Array }[] {
  if (!Array.isArray(value) || value.length === 0 || value.length >= MAX_PARTICIPANTS) throw invalidArgument(field, 'an array of sealed messages {"from", "sealed"}', procedure);
  return value.map((v: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(at, 'an object {"from", "sealed"}', procedure);
    const o = v as f.Json;
    if (fromJson) f.onlyFields(o, ['from', 'to', 'sealed'], procedure);
    const sealed = fromJson ? parseHex(o.sealed, { field: `${at}.sealed`, procedure, length }) : f.bytes(o.sealed, `${at}.sealed`, procedure, { length });
    return { from: identifier(o.from, `${at}.from`, procedure), sealed };
  });
}

export const sealedToJSON = (m: SealedMessage): Record<string, unknown> => ({ from: m.from, to: m.to, sealed: hex(m.sealed) });

/**
 * Checks the round-one packages of every other member against the state: each member once, none missing, the
 * commitments of the right count, valid points, and (key generation) a valid proof of knowledge. Returns them
 * ascending by identifier, with their commitments decoded.
 */
export function checkRound1(provider: CryptoProvider, state: DkgState, packages: readonly DkgRound1Package[], procedure: string): { pkg: DkgRound1Package; points: Point[] }[] {
  const seen = new Set<number>();
  for (const p of packages) {
    if (p.identifier === state.identifier) throw misbehaviour(procedure, p.identifier, 'duplicate', 'appears among the others\' packages, but it is this participant');
    if (!state.members.includes(p.identifier)) throw misbehaviour(procedure, p.identifier, 'member', `is not a member of this run (members: ${state.members.join(', ')})`);
    if (seen.has(p.identifier)) throw misbehaviour(procedure, p.identifier, 'duplicate', 'sent more than one package');
    seen.add(p.identifier);
  }
  const missing = state.members.find((id) => id !== state.identifier && !seen.has(id));
  if (missing !== undefined) throw misbehaviour(procedure, missing, 'missing', 'sent no package');
  const count = state.mode === 'dkg' ? state.threshold : state.threshold - 1;
  return [...packages].sort((a, b) => a.identifier - b.identifier).map((pkg) => {
    if (pkg.commitments.length !== count) throw misbehaviour(procedure, pkg.identifier, 'commitments', `sent ${pkg.commitments.length} commitments, not ${count}`);
    const points = pkg.commitments.map((c) => peerPoint(c));
    if (points.some((p) => p === null)) throw misbehaviour(procedure, pkg.identifier, 'commitments', 'sent a commitment that is not a valid point');
    if (state.mode === 'dkg' && !(pkg.proofOfKnowledge.length === 64 && knowledgeProven(provider, pkg))) {
      throw misbehaviour(procedure, pkg.identifier, 'proof of knowledge', 'sent a proof of knowledge that does not verify');
    }
    if (state.mode === 'refresh' && pkg.proofOfKnowledge.length !== 0) throw misbehaviour(procedure, pkg.identifier, 'proof of knowledge', 'sent a proof of knowledge in a refresh');
    return { pkg, points: points as Point[] };
  });
}

/**
 * The session: SHA-256 over the run's parameters, the members' keys and every member's commitments (own included).
 * The proofs of knowledge are left out: they are checked once, and the commitments are what the shares answer to.
 */
export function sessionOf(provider: CryptoProvider, state: DkgState, all: readonly { identifier: number; commitments: Uint8Array[] }[]): Uint8Array {
  const parts: Uint8Array[] = [TRANSCRIPT_LABEL, CONTEXT, Uint8Array.of(state.threshold, state.participants, state.mode === 'dkg' ? 0 : 1, state.members.length), Uint8Array.from(state.members), ...state.recipients];
  for (const p of [...all].sort((a, b) => a.identifier - b.identifier)) parts.push(Uint8Array.of(p.identifier, p.commitments.length), ...p.commitments);
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return provider.sha2('sha256', data);
}

/** The associated data of a round message: the session, sender and receiver. */
export function messageContext(session: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(34);
  out.set(session, 0);
  out[32] = from;
  out[33] = to;
  return out;
}

/** This participant's own commitments, recomputed from its state. */
export const ownCommitments = (state: DkgState): { identifier: number; commitments: Uint8Array[] } =>
  ({ identifier: state.identifier, commitments: commitmentsOf(state.coefficients, state.mode) });
