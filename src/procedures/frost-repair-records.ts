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
 * The session (the associated data of every message) binds the group key, t, n, r and the helper set.
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { invalidArgument } from '../errors.js';
import * as f from './fields.js';
import { Fn, memberList } from './frost-dkg-records.js';

export const REPAIR_DELTA_INFO = new TextEncoder().encode('stronghold-ts FROST repair delta v1');
export const REPAIR_SIGMA_INFO = new TextEncoder().encode('stronghold-ts FROST repair sigma v1');
const SESSION_LABEL = new TextEncoder().encode('stronghold-ts FROST repair session v1');

/** The repair's parameters, as each step checks them. */
export interface RepairRun {
  threshold: number;
  participants: number;
  groupPublicKey: Uint8Array;
  target: number;
  helpers: number[];
}

/** Checks `helpers` and `for` against t and n: t..n-1 distinct helpers, the target not among them. */
export function repairRun(helpersValue: unknown, forValue: unknown, threshold: number, participants: number, groupPublicKey: Uint8Array, procedure: string): RepairRun {
  const target = f.int(forValue, 'for', procedure, 1, participants);
  const helpers = memberList(helpersValue, 'helpers', procedure, threshold, participants);
  if (helpers.includes(target)) throw invalidArgument('helpers', `participants other than the one repaired (${target})`, procedure);
  return { threshold, participants, groupPublicKey, target, helpers };
}

export function repairSession(provider: CryptoProvider, run: RepairRun): Uint8Array {
  const data = new Uint8Array(SESSION_LABEL.length + 32 + 4 + run.helpers.length);
  data.set(SESSION_LABEL, 0);
  data.set(run.groupPublicKey, SESSION_LABEL.length);
  data.set([run.threshold, run.participants, run.target, run.helpers.length], SESSION_LABEL.length + 32);
  data.set(run.helpers, SESSION_LABEL.length + 36);
  return provider.sha2('sha256', data);
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
