/**
 * A protocol attacker for FROST key generation and repair (docs/threshold.md), beside the record attacker of
 * attacker.ts: a real 2-of-3 key generation runs in the vault between honest participants 1 and 2 and the
 * attacker's participant 3 (one short of the threshold: it holds its X25519 key in plain and its share), then a
 * repair of participant 3 by helpers 1 and 2. The attacker is given every message of the runs (round-one
 * packages, sealed round-two shares, signed repair pieces, the sums sealed to it) and moves that feed them, and
 * messages it seals itself (forged pieces and shares, whose scalars it knows), into every procedure that takes
 * bytes: X25519DiffieHellman on their ephemeral keys, Hkdf with their salts and labels, AeadDecrypt with their
 * nonces, tags and associated data, FrostShareImport, FrostDkgRound3, FrostRepairStep1..3.
 *
 * It must never learn a scalar of the honest participants: their polynomials' coefficients, every f_i(j) they
 * sent each other, their signing shares and their weighted terms λ_i(r)·s_i, the repair pieces they sealed to
 * each other, or the group secret. Every 32-byte window of every result (little- and big-endian, mod L, so a
 * window w is a match exactly when w·B is the secret's public point) is checked, as is each window less a scalar
 * the attacker knows; and every result sealed to the attacker's key is opened with it, and its scalar, less a
 * forged one, is checked alone and summed with every scalar opened before (two forged pieces give a term λ_i(r)·s_i).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import type { Client } from '../../src/client/client.js';
import type { Stronghold } from '../../src/client/stronghold.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { Location } from '../../src/engine/location.js';
import { DKG_SEAL_INFO, decodeState, evaluate, Fn, messageContext, sessionOf, type DkgState } from '../../src/procedures/frost-dkg-records.js';
import { decodeShare, openBytes, sealBytes } from '../../src/procedures/frost-records.js';
import { encodePiece, lagrangeAt, REPAIR_DELTA_INFO, REPAIR_SIGMA_INFO, repairSession, signPiece } from '../../src/procedures/frost-repair-records.js';
import { parseChain } from '../../src/procedures/json.js';
import { FROST_KEY_PROCEDURES } from '../../src/procedures/policy.js';
import { peekIn } from '../engine-access.js';

const p = nativeProvider;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const rng = (n = 32): Uint8Array<ArrayBuffer> => Uint8Array.from(randomBytes(n)) as Uint8Array<ArrayBuffer>;
const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

const VAULT = 'frost';
const loc = (record: string): { vault: string; record: string } => ({ vault: VAULT, record });
const keyLoc = (j: number): { vault: string; record: string } => loc(`x${j}`);
const shareLoc = (j: number): { vault: string; record: string } => loc(`share${j}`);
const scratch = (r: string): { vault: string; record: string } => ({ vault: 's', record: r });
const IDS = [1, 2, 3];
const HONEST = [1, 2];
const ATTACKER = 3;
/** The attacker's X25519 secret key: its participant's key in the run. */
const ATTACKER_SK = unhex('5'.repeat(64));
/** The scalars the attacker puts in the pieces and shares it forges. */
const FORGED = [1n, 7n];
/** Every helper set of two and the participant it repairs. */
const REPAIRS: readonly (readonly [readonly number[], number])[] = [[[1, 2], 3], [[1, 3], 2], [[2, 3], 1]];
type MessageClass = 'share' | 'delta' | 'sigma';
const INFO: Record<MessageClass, Uint8Array> = { share: DKG_SEAL_INFO, delta: REPAIR_DELTA_INFO, sigma: REPAIR_SIGMA_INFO };

/** A round message as the runs pass them around: its sealed bytes `epk || nonce || ciphertext || tag` (a piece signed after). */
export interface Message {
  cls: MessageClass;
  from: number;
  to: number;
  sealed: Uint8Array;
  /** The repair it belongs to (helpers, target), for a piece or sum. */
  repair?: readonly [readonly number[], number];
  /** The key generation it belongs to, for a round-two share. */
  run?: number;
}

export interface FrostWorld {
  /** Every secret scalar of the honest participants, by what it is. */
  secrets: Map<bigint, string>;
  /** Scalars the attacker knows: its own coefficients, share and received shares, and what it forges. */
  known: bigint[];
  /** The participants' X25519 public keys. */
  recipients: Uint8Array[];
  /** The group's commitments (a share record's), for the repair steps. */
  commitments: Uint8Array[];
  packages: Record<string, unknown>[];
  /** The sessions of the two key generations (the second left after round two), from public values alone. */
  dkgSessions: Uint8Array[];
  /** The messages the attacker has seen: the planted runs', then every one a result gives back. */
  messages: Message[];
  /** The attacker's share (to sign the pieces it forges: the wrong share for any other sender). */
  attackerShare: Uint8Array;
  /** Whether the honest participants' keys are confined to the FROST procedures (when the vault requires it). */
  confined: boolean;
}

function repairSessionOf(w: FrostWorld, helpers: readonly number[], target: number): Uint8Array {
  return repairSession(p, { threshold: 2, participants: 3, commitments: w.commitments, target, helpers: [...helpers] });
}

/** The context a message of `cls` from `from` to `to` is bound to, rebuilt from public values. */
function contextOf(w: FrostWorld, m: Pick<Message, 'cls' | 'from' | 'to' | 'repair' | 'run'>): Uint8Array {
  const session = m.cls === 'share' ? w.dkgSessions[m.run ?? 0]! : repairSessionOf(w, m.repair![0], m.repair![1]);
  return messageContext(session, m.from, m.to);
}

/** Whether the vault lets a FROST procedure open messages with a key that any procedure may use. */
async function acceptsPlainKeys(client: Client): Promise<boolean> {
  await client.executeChain(parseChain([{ type: 'GenerateKey', keyType: 'x25519', output: loc('probe') }]));
  try {
    await client.executeChain(parseChain([{ type: 'FrostShareImport', sealed: '00'.repeat(300), key: loc('probe'), output: loc('probed') }]));
    return true;
  } catch (e) {
    return (e as { code?: string; details?: { field?: string } }).code !== 'PolicyViolation';
  } finally {
    client.deleteSecret(Location.generic(VAULT, 'probe'));
  }
}

/**
 * The runs, planted through the procedures as the participants would run them. Honest participants use the
 * weakest key policy the vault accepts from them (a key any procedure may use, unless the FROST procedures
 * require a confined one): the promise must hold for every use the vault allows.
 */
export async function plantFrost(sh: Stronghold, client: Client): Promise<FrostWorld> {
  const confined = !(await acceptsPlainKeys(client));
  const policy = confined ? { allowed: FROST_KEY_PROCEDURES } : undefined;
  const peek = (l: { vault: string; record: string }): Uint8Array => peekIn(sh, client.id, Location.generic(l.vault, l.record), (s) => Uint8Array.from(s));
  await client.executeChain(parseChain([
    ...HONEST.map((j) => ({ type: 'GenerateKey', keyType: 'x25519', output: keyLoc(j), ...(policy ? { policy } : {}) })),
    { type: 'WriteVault', data: hex(ATTACKER_SK), location: keyLoc(ATTACKER), ...(policy ? { policy } : {}) },
  ]));
  const recipients = IDS.map((j) => p.x25519PublicKey(peek(keyLoc(j))));
  const first = await runDkg(client, peek, recipients, 'frost-run', true);
  const pending = await runDkg(client, peek, recipients, 'frost-pending', false);
  const messages: Message[] = [...first.messages, ...pending.messages.map((m) => ({ ...m, run: 1 }))];
  const shares = IDS.map((i) => decodeShare(peek(shareLoc(i)), 'share', 'test'));
  const world: FrostWorld = {
    secrets: new Map(), known: [], recipients, commitments: shares[0]!.commitments, packages: pending.packages,
    dkgSessions: [first.session, pending.session], messages, attackerShare: shares[ATTACKER - 1]!.signingShare, confined,
  };
  // The repair of the attacker's participant by the honest ones, up to the sums sealed to it.
  const [helpers, target] = REPAIRS[0]!;
  const step1 = await client.executeChain(parseChain(helpers.map((h) => ({ type: 'FrostRepairStep1', share: shareLoc(h), helpers, for: target })))) as { deltas: { from: number; to: number; sealed: Uint8Array }[] }[];
  const deltas = step1.flatMap((o) => o.deltas.map((m) => ({ cls: 'delta' as const, ...m, repair: REPAIRS[0] })));
  const commitments = world.commitments.map(hex);
  const sigmas = await client.executeChain(parseChain(helpers.map((h) => ({
    type: 'FrostRepairStep2', key: keyLoc(h), identifier: h, participants: 3, commitments, helpers, for: target,
    deltas: deltas.filter((m) => m.to === h).map((m) => ({ from: m.from, sealed: hex(m.sealed) })),
  })))) as { from: number; to: number; sealed: Uint8Array }[];
  messages.push(...deltas, ...sigmas.map((m) => ({ cls: 'sigma' as const, ...m, repair: REPAIRS[0] })));

  const secret = (v: bigint, what: string): void => void world.secrets.set(Fn.create(v), what);
  for (const [run, { coefficients }] of [first, pending].entries()) {
    for (const i of HONEST) {
      coefficients[i - 1]!.forEach((a, k) => secret(a, `coefficient a_${k} of honest participant ${i}'s polynomial (key generation ${run + 1})`));
      for (const j of HONEST) secret(evaluateAt(coefficients[i - 1]!, j), `the round-two share f_${i}(${j}) between honest participants (key generation ${run + 1})`);
    }
    secret(coefficients.reduce((s, c) => Fn.add(s, c[0]!), 0n), `the group secret (key generation ${run + 1})`);
    world.known.push(...coefficients[ATTACKER - 1]!, ...IDS.map((i) => evaluateAt(coefficients[i - 1]!, ATTACKER)));
  }
  for (const i of HONEST) {
    secret(Fn.fromBytes(shares[i - 1]!.signingShare), `honest participant ${i}'s signing share`);
    for (const [set, r] of REPAIRS) if (set.includes(i)) secret(Fn.mul(lagrangeAt(set, i, r), Fn.fromBytes(shares[i - 1]!.signingShare)), `honest participant ${i}'s repair term λ_${i}(${r})·s_${i}`);
  }
  for (const m of deltas) {
    if (!HONEST.includes(m.to)) continue;
    const opened = openBytes(p, peek(keyLoc(m.to)), m.sealed.subarray(0, m.sealed.length - 64), REPAIR_DELTA_INFO, contextOf(world, m))!;
    secret(Fn.fromBytes(opened.subarray(0, 32)), `the repair piece δ_${m.from}${m.to} that honest helper ${m.from} sealed to helper ${m.to}`);
  }
  world.known.push(Fn.fromBytes(world.attackerShare), ...FORGED);
  return world;
}

const evaluateAt = (coefficients: readonly bigint[], x: number): bigint => evaluate(coefficients.map((c) => Fn.toBytes(c)), x);

/** A 2-of-3 key generation through round two (and round three, storing the shares, when `finish`): its messages and polynomials. */
async function runDkg(client: Client, peek: (l: { vault: string; record: string }) => Uint8Array, recipients: Uint8Array[], vault: string, finish: boolean): Promise<{
  messages: Message[]; packages: Record<string, unknown>[]; coefficients: bigint[][]; session: Uint8Array;
}> {
  const state = (i: number): { vault: string; record: string } => ({ vault, record: `s${i}` });
  const base = { threshold: 2, participants: 3, recipients: recipients.map(hex) };
  const r1 = await client.executeChain(parseChain(IDS.map((i) => ({ type: 'FrostDkgRound1', identifier: i, ...base, state: state(i) })))) as { identifier: number; commitments: Uint8Array[]; proofOfKnowledge: Uint8Array }[];
  const states: DkgState[] = IDS.map((i) => decodeState(peek(state(i)), 'state', 'test'));
  const coefficients = states.map((s) => s.coefficients.map((c) => Fn.fromBytes(c)));
  const packages = r1.map((o) => ({ identifier: o.identifier, commitments: o.commitments.map(hex), proofOfKnowledge: hex(o.proofOfKnowledge) }));
  const others = (i: number): Record<string, unknown>[] => packages.filter((o) => o.identifier !== i);
  const r2 = await client.executeChain(parseChain(IDS.map((i) => ({ type: 'FrostDkgRound2', state: state(i), packages: others(i) })))) as { shares: { from: number; to: number; sealed: Uint8Array }[] }[];
  const messages: Message[] = r2.flatMap((o) => o.shares.map((m) => ({ cls: 'share' as const, ...m })));
  const sharesFor = (i: number): { from: number; sealed: string }[] => messages.filter((m) => m.to === i).map((m) => ({ from: m.from, sealed: hex(m.sealed) }));
  if (finish) await client.executeChain(parseChain(IDS.map((i) => ({ type: 'FrostDkgRound3', state: state(i), key: keyLoc(i), packages: others(i), shares: sharesFor(i), output: shareLoc(i) }))));
  return { messages, packages, coefficients, session: sessionOf(p, states[0]!, r1.map((o) => ({ identifier: o.identifier, commitments: o.commitments }))) };
}

// A move names the messages it feeds by what they are; `resolve` turns each into bytes when the move runs, from
// the messages seen so far (a move may take a piece a result gave back in an earlier chain) or forged then.
type MessagePick = { pick: MessageClass; from: number; to: number; source: 'real' | 'forged' | 'any'; n: number; repair: number };
const isPick = (v: unknown): v is MessagePick => typeof v === 'object' && v !== null && 'pick' in v;

function forge(w: FrostWorld, k: MessagePick): Uint8Array {
  const repair = REPAIRS[k.repair % REPAIRS.length]!;
  const m = { cls: k.pick, from: k.from, to: k.to, repair, run: k.repair % 2 };
  const scalar = FORGED[k.n % FORGED.length]!;
  const plain = k.pick === 'share' ? Fn.toBytes(scalar) : encodePiece(scalar, w.recipients);
  const sealed = sealBytes(p, rng, w.recipients[k.to - 1]!, plain, 'attacker', INFO[k.pick], contextOf(w, m));
  if (k.pick !== 'delta') return sealed;
  // Signed with the attacker's share: a signature that only its own pieces' checks accept.
  const verifyingShare = ed25519.Point.BASE.multiply(Fn.fromBytes(w.attackerShare)).toBytes();
  return signPiece(p, w.attackerShare, verifyingShare, repairSessionOf(w, repair[0], repair[1]), k.from, k.to, sealed);
}

/** A repair piece the attacker seals to `to` in `from`'s name, in the planted repair (signed with its own share). */
export const forgedPiece = (w: FrostWorld, from: number, to: number): Uint8Array => forge(w, { pick: 'delta', from, to, source: 'forged', n: 0, repair: 0 });

function pickBytes(w: FrostWorld, k: MessagePick): Uint8Array {
  if (k.source === 'forged') return forge(w, k);
  // 'any': a message of the same class between any two participants (one of another length fails the parse).
  const same = w.messages.filter((m) => m.cls === k.pick);
  const real = same.filter((m) => m.from === k.from && m.to === k.to && (m.cls !== 'share' || (m.run ?? 0) === k.repair % 2));
  const pool = k.source === 'real' && real.length > 0 ? real : same;
  return pool[k.n % pool.length]!.sealed;
}

/** A move's steps with its picks turned into bytes: whole messages, or their parts (`part`) for the generic procedures. */
export function resolve(w: FrostWorld, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(w, v));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if ('part' in o) {
    const k = o.of as MessagePick;
    const sealed = pickBytes(w, k);
    const body = k.pick === 'delta' && k.source !== 'any' ? sealed.subarray(0, sealed.length - 64) : sealed;
    const rpk = w.recipients[k.to - 1]!;
    const info = INFO[k.pick];
    const parts: Record<string, () => Uint8Array> = {
      epk: () => body.subarray(0, 32), nonce: () => body.subarray(32, 56), tag: () => body.subarray(body.length - 16),
      ciphertext: () => body.subarray(56, body.length - 16), salt: () => concat(body.subarray(0, 32), rpk), info: () => info,
      aad: () => concat(info, rpk, contextOf(w, { ...k, cls: k.pick, repair: REPAIRS[k.repair % REPAIRS.length], run: k.repair % 2 })),
    };
    return hex(parts[o.part as string]!());
  }
  if (isPick(o)) return hex(pickBytes(w, o));
  return Object.fromEntries(Object.entries(o).map(([key, v]) => [key, resolve(w, v)]));
}

// The moves. A key is an honest participant's (or the attacker's own); a message is named by class, sender and receiver.
const id = fc.constantFrom(...IDS);
const pick = (cls: fc.Arbitrary<MessageClass>, from: fc.Arbitrary<number>, to: fc.Arbitrary<number>): fc.Arbitrary<MessagePick> =>
  fc.record({ pick: cls, from, to, source: fc.constantFrom('real', 'real', 'forged', 'any'), n: fc.nat(7), repair: fc.constantFrom(0, 0, 1, 2) });
const anyPick = pick(fc.constantFrom('share', 'delta', 'sigma'), id, id);
const part = (name: string, of: MessagePick): Record<string, unknown> => ({ part: name, of });
/** Mostly a valid repair (the planted one most), sometimes helpers and a target that do not fit. */
const repairArgs: fc.Arbitrary<{ helpers: number[]; target: number }> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null).map(() => ({ helpers: [1, 2], target: 3 })) },
  { weight: 2, arbitrary: fc.constantFrom(...REPAIRS).map(([helpers, target]) => ({ helpers: [...helpers], target })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom([1, 2], [1, 3], [2, 3], [1, 2, 3]), id).map(([helpers, target]) => ({ helpers: [...helpers], target })) },
);

/** Feeds one sealed message through the primitives that open it: DiffieHellman, Hkdf, AeadDecrypt, its parts given or mixed with another message's. */
const openChain = fc.tuple(id, anyPick, fc.option(anyPick, { freq: 4, nil: undefined })).map(([j, m, other]) => [
  { type: 'X25519DiffieHellman', privateKey: keyLoc(j), publicKey: part('epk', m), sharedKey: scratch('dh') },
  { type: 'Hkdf', hashType: 'sha256', salt: part('salt', other ?? m), label: part('info', m), ikm: scratch('dh'), okm: scratch('k') },
  { type: 'AeadDecrypt', cipher: 'xchacha20poly1305', key: scratch('k'), nonce: part('nonce', m), tag: part('tag', m), ciphertext: part('ciphertext', m), associatedData: part('aad', other ?? m) },
]);

export function moves(w: FrostWorld): fc.Arbitrary<Record<string, unknown>[]> {
  const commitments = w.commitments.map(hex);
  const pkgs = (i: number): Record<string, unknown>[] => w.packages.filter((o) => o.identifier !== i);
  return fc.oneof(
    { weight: 4, arbitrary: openChain },
    { weight: 1, arbitrary: fc.tuple(id, anyPick).map(([j, m]) => [{ type: 'X25519DiffieHellman', privateKey: keyLoc(j), publicKey: part('epk', m), sharedKey: scratch('dh') }, { type: 'Hkdf', hashType: 'sha256', salt: part('salt', m), label: part('info', m), ikm: scratch('dh'), okm: scratch('k') }, { type: 'AesKeyWrapEncrypt', cipher: 'aes256', encryptionKey: scratch('k'), wrapKey: scratch('k') }]) },
    { weight: 1, arbitrary: fc.tuple(id, pick(fc.constantFrom('delta', 'sigma'), id, id)).map(([j, m]) => [{ type: 'FrostShareImport', sealed: { ...m }, key: keyLoc(j), output: scratch('imported') }, { type: 'FrostShareExport', share: scratch('imported') }]) },
    // Alone: a failing step after it would still lose the round state (its revoke is not rolled back).
    { weight: 2, arbitrary: fc.tuple(id, fc.constantFrom('real', 'real', 'forged', 'any'), fc.nat(7)).map(([j, source, n]) => [{
      type: 'FrostDkgRound3', state: { vault: 'frost-pending', record: `s${j}` }, key: keyLoc(j), packages: pkgs(j),
      shares: IDS.filter((i) => i !== j).map((from) => ({ from, sealed: { pick: 'share', from, to: j, source, n, repair: 1 } })), output: scratch('dkg'),
    }]) },
    { weight: 2, arbitrary: fc.tuple(id, repairArgs).map(([j, r]) => [{ type: 'FrostRepairStep1', share: shareLoc(j), helpers: r.helpers, for: r.target }]) },
    // One of the helpers' keys mostly, another's sometimes.
    { weight: 5, arbitrary: fc.tuple(fc.option(id, { freq: 4, nil: undefined }), repairArgs, fc.array(fc.constantFrom('real', 'real', 'forged', 'any'), { minLength: 3, maxLength: 3 }), fc.nat(7)).map(([other, r, sources, n]) => ({ j: other ?? r.helpers[n % r.helpers.length]!, r, sources, n })).map(({ j, r, sources, n }) => [{
      type: 'FrostRepairStep2', key: keyLoc(j), identifier: j, participants: 3, commitments, helpers: r.helpers, for: r.target,
      deltas: r.helpers.map((from, k) => ({ from, sealed: { pick: 'delta', from, to: j, source: sources[k]!, n, repair: Math.max(0, REPAIRS.findIndex(([h, t]) => t === r.target && h.every((x) => r.helpers.includes(x)))) } })),
    }]) },
    // The repaired participant's key mostly, another's sometimes.
    { weight: 2, arbitrary: fc.tuple(fc.option(id, { freq: 3, nil: undefined }), repairArgs, fc.constantFrom('real', 'forged', 'any'), fc.nat(7)).map(([other, r, source, n]) => [{
      type: 'FrostRepairStep3', key: keyLoc(other ?? r.target), participants: 3, commitments, helpers: r.helpers, for: r.target,
      sigmas: r.helpers.map((from) => ({ from, sealed: { pick: 'sigma', from, to: other ?? r.target, source, n, repair: Math.max(0, REPAIRS.findIndex(([, t]) => t === r.target)) } })), output: scratch('repaired'),
    }, { type: 'FrostShareExport', share: scratch('repaired') }]) },
  );
}

const fromLE = (b: Uint8Array): bigint => b.reduceRight((x, v) => (x << 8n) | BigInt(v), 0n);
const fromBE = (b: Uint8Array): bigint => b.reduce((x, v) => (x << 8n) | BigInt(v), 0n);

/** What the attacker holds so far: the scalars it opened (less what it forged), to combine with the next ones. */
export interface Learned {
  opened: bigint[];
}

/** The secret a scalar the attacker holds is, as a description (never the value), or null. */
function match(w: FrostWorld, v: bigint): string | null {
  return w.secrets.get(((v % ORDER) + ORDER) % ORDER) ?? null;
}

/**
 * The first honest secret a result gives away: in any 32-byte window (less a known scalar), or in a message sealed
 * to the attacker that it opens, alone or summed with one opened before. New messages join the attacker's pool.
 */
export function frostLeak(w: FrostWorld, learned: Learned, values: readonly Uint8Array[]): string | null {
  for (const v of values) {
    for (let i = 0; i + 32 <= v.length; i++) {
      const win = v.subarray(i, i + 32);
      for (const x of [fromLE(win), fromBE(win)]) {
        for (const k of [0n, ...w.known]) {
          const hit = match(w, x - k);
          if (hit) return `${hit}, in a ${v.length}-byte result at offset ${i}${k === 0n ? '' : ' (less a scalar the attacker knows)'}`;
        }
      }
    }
    for (const scalar of openForAttacker(w, v)) {
      for (const f of [0n, ...FORGED]) {
        const x = Fn.create(scalar - f);
        const alone = match(w, x);
        if (alone) return `${alone}, opened from a message sealed to the attacker${f ? ', less a scalar it forged' : ''}`;
        for (const y of learned.opened) {
          const both = match(w, x + y);
          if (both) return `${both}, as the sum of two scalars the attacker opened (less what it forged)`;
        }
      }
      for (const f of [0n, ...FORGED]) learned.opened.push(Fn.create(scalar - f));
    }
  }
  return null;
}

/** The scalars in `v` if it is a message sealed to the attacker's key (under any label and any run's context). */
function openForAttacker(w: FrostWorld, v: Uint8Array): bigint[] {
  if (v.length < 72 + 32 || !hasAttackerShape(v)) return [];
  const out: bigint[] = [];
  for (const body of [v, v.subarray(0, v.length - 64)]) {
    for (const cls of ['share', 'delta', 'sigma'] as const) {
      for (const [run, repair] of (cls === 'share' ? [REPAIRS[0], REPAIRS[0]] : REPAIRS).entries()) {
        for (const from of IDS) {
          const opened = openBytes(p, ATTACKER_SK, body, INFO[cls], contextOf(w, { cls, from, to: ATTACKER, repair, run }));
          if (opened) out.push(Fn.fromBytes(opened.subarray(0, 32)));
        }
      }
    }
  }
  return out;
}

/** Sealed lengths: a share (32), a piece or sum (32 + 3 keys), a signed piece. */
const hasAttackerShape = (v: Uint8Array): boolean => [72 + 32, 72 + 128, 72 + 128 + 64].includes(v.length);

/** Every sealed message a result carries (`{from, to, sealed}`), added to the attacker's pool. */
export function collect(w: FrostWorld, result: unknown, type: string): void {
  const cls: MessageClass | null = type === 'FrostRepairStep1' ? 'delta' : type === 'FrostRepairStep2' ? 'sigma' : null;
  if (!cls) return;
  const found: { from: number; to: number; sealed: Uint8Array }[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === 'object' && x !== null) {
      const o = x as Record<string, unknown>;
      if (typeof o.from === 'number' && typeof o.to === 'number' && o.sealed instanceof Uint8Array) found.push(o as never);
      else Object.values(o).forEach(walk);
    }
  };
  walk(result);
  w.messages.push(...found.map((m) => ({ cls, ...m })));
}
