/**
 * A model of the catalogue for key separation, built from the rules the engine enforces (each procedure's
 * `rules`: the kinds every read accepts, what it releases, what every write becomes), and an exhaustive search
 * of what an attacker can come to hold, in the spirit of Tookan (Bortolozzo et al., CCS 2010).
 *
 * An abstract record is (kind, protected, content). Content is `known` (bytes the attacker chose or can compute),
 * `fresh` (randomness drawn in the vault), `planted` (a secret of the user's) or `dealt` (a planted FROST share,
 * sealed only to the honest participants named in it). The attacker starts with the planted records of every
 * kind (all protected) and can write any known bytes of kind unknown. A step of procedure P picks, for one read of
 * P, a record whose kind that read accepts (unprotected if P releases it), and writes each of P's outputs:
 * - the kind of the write rule (or the source's, for `source`);
 * - protected when the input is protected or the rule is not exportable; else either (a caller may tighten);
 * - content: the input's (taint), `fresh` for procedures that draw randomness, `known` from known input; a
 *   FROST share imported with a key the attacker does not hold is `dealt` (it was sealed to that key).
 * Reading one input at a time is enough: protection and taint are both an OR over the inputs, so any output a
 * combination gives with planted content and no protection, a single input gives too.
 *
 * What the attacker learns: the bytes of every unprotected record (sync and key wrap may export it), of every
 * released field, and what `EXPOSES` lists. Every other result is a one-way function of its inputs (a public key,
 * a signature, a MAC, a SLIP-10 chain code of a non-empty path, a ciphertext): that is the model's assumption,
 * written down per procedure in `RETURNS` and checked against the catalogue, so a new procedure must be classified
 * before the model runs.
 * @module
 */
import { fieldName, RECORD_KINDS, type AccessRules, type RecordKind } from '../../src/engine/policy.js';
import { PROCEDURES } from '../../src/procedures/registry.js';

export type Content = 'known' | 'fresh' | 'planted' | 'dealt';
export interface AbstractRecord {
  kind: RecordKind;
  protected: boolean;
  content: Content;
}

/** How each procedure's result relates to what it read. */
export const RETURNS: Readonly<Record<string, 'nothing' | 'one-way' | 'exposes'>> = {
  WriteVault: 'nothing', RevokeData: 'nothing', GarbageCollect: 'nothing', CopyRecord: 'nothing', Slip10Generate: 'nothing',
  Slip10Derive: 'one-way', BIP39Generate: 'one-way', BIP39Recover: 'nothing', GenerateKey: 'nothing', PublicKey: 'one-way',
  GetEvmAddress: 'one-way', Ed25519Sign: 'one-way', Secp256k1EcdsaSign: 'one-way', X25519DiffieHellman: 'nothing',
  Hmac: 'one-way', Hkdf: 'nothing', Pbkdf2Hmac: 'nothing', ConcatKdf: 'nothing', AeadEncrypt: 'one-way', AeadDecrypt: 'one-way',
  AesKeyWrapEncrypt: 'exposes', AesKeyWrapDecrypt: 'nothing', ConcatSecret: 'nothing', FrostKeygen: 'one-way',
  FrostCommit: 'one-way', FrostSign: 'one-way', FrostShareExport: 'exposes', FrostShareImport: 'one-way',
  // Round one returns commitments; round two seals values of the polynomial to the keys its round one was given,
  // round three returns public values; a repair seals its pieces and sums to the keys the share records name.
  // Step two is one-way only because it sums signed pieces alone (ASSUMES).
  FrostDkgRound1: 'one-way', FrostDkgRound2: 'exposes', FrostDkgRound3: 'one-way', FrostDkgAbort: 'nothing',
  FrostRepairStep1: 'exposes', FrostRepairStep2: 'one-way', FrostRepairStep3: 'one-way',
};

/**
 * What a classification in `RETURNS` rests on that record flow cannot see, per procedure; model.test.ts checks each
 * against the runtime, and frost-attacker.test.ts searches for what breaks when one does not hold:
 * - `signed pieces`: the procedure sums only pieces that its sender's share signed (else a relay that forges the
 *   other helpers' pieces subtracts them from the sum and is left with one helper's pieces: its share);
 * - `confined key`: the X25519 key it opens messages with must be confined to FROST_KEY_PROCEDURES, which leave out
 *   X25519DiffieHellman (else DiffieHellman with a real message's ephemeral key, Hkdf and AeadDecrypt open it).
 */
export const ASSUMES: Readonly<Record<string, readonly ('signed pieces' | 'confined key')[]>> = {
  FrostShareImport: ['confined key'], FrostDkgRound3: ['confined key'], FrostRepairStep2: ['signed pieces', 'confined key'], FrostRepairStep3: ['confined key'],
};

/**
 * Procedures that store randomness drawn in the vault. BIP39Generate returns its mnemonic, so its seed is
 * known to the caller, as is what FrostKeygen deals to recipients the caller names (`exposes` on export).
 */
export const FRESH = new Set(['Slip10Generate', 'GenerateKey', 'FrostKeygen', 'FrostCommit', 'FrostDkgRound1']);
/**
 * Procedures whose output, from a secret input, is sealed only to honest participants named in it (`dealt`): an
 * imported share, a round state that round one reads again (it leaves it as it is), a round state after round two (its keys are those of its round one), a share of a key generation
 * or refresh (it names the run's keys) and a repaired share (it names the keys its helpers' shares name).
 */
const DEALS = new Set(['FrostShareImport', 'FrostDkgRound1', 'FrostDkgRound2', 'FrostDkgRound3', 'FrostRepairStep3']);
/** Records whose planted content only honest participants can read: a dealt share, a round state sealed to its run's keys. */
const DEALT_KINDS: readonly RecordKind[] = ['frost-share', 'frost-dkg-state'];
const CALLER_KNOWS = new Set(['BIP39Generate']);

const key = (r: AbstractRecord): string => `${r.kind}/${r.protected ? 'protected' : 'open'}/${r.content}`;

export interface ModelResult {
  /** Distinct abstract records the attacker can come to hold. */
  states: number;
  /** Rounds until nothing new appears (the longest chain of steps the search needed). */
  depth: number;
  /** Every (procedure, read) the search applied, with the records it applied to. */
  transitions: number;
  /** The first way a planted secret becomes known, or null. */
  breach: string | null;
}

/** What the attacker learns from reading `r` at `access` of a procedure with `rules`. */
function learns(rules: AccessRules, access: string, r: AbstractRecord): boolean {
  if (rules.releases?.includes(access)) return true;
  // FrostShareExport seals the share to the recipient named in it: the attacker for shares it dealt or
  // imported, an honest participant for the user's.
  return RETURNS[rules.procedure] === 'exposes' && !rules.releases && r.content !== 'dealt';
}

const secretOf = (c: Content): boolean => c === 'planted' || c === 'dealt';

/** The fixpoint: every abstract record reachable from the planted ones, and whether a planted secret comes out. */
export function explore(rules: readonly AccessRules[] = PROCEDURES.map((p) => p.rules)): ModelResult {
  for (const r of rules) if (!(r.procedure in RETURNS)) throw new Error(`the model does not classify ${r.procedure}'s result`);
  const held = new Map<string, AbstractRecord>();
  const add = (r: AbstractRecord): boolean => {
    if (held.has(key(r))) return false;
    held.set(key(r), r);
    return true;
  };
  for (const kind of RECORD_KINDS) add({ kind, protected: true, content: DEALT_KINDS.includes(kind) ? 'dealt' : 'planted' });
  add({ kind: 'unknown', protected: false, content: 'known' });
  add({ kind: 'unknown', protected: true, content: 'known' });
  let depth = 0;
  let transitions = 0;
  for (;;) {
    const before = [...held.values()];
    for (const r of before) if (!r.protected && secretOf(r.content)) return { states: held.size, depth, transitions, breach: `a ${r.kind} record holding a planted secret is exportable` };
    let grew = false;
    for (const rule of rules) {
      for (const [access, kinds] of Object.entries(rule.reads)) {
        for (const r of before) {
          if (!kinds.includes(r.kind)) continue;
          if (rule.releases?.includes(access) && r.protected) continue;
          transitions++;
          if (learns(rule, access, r) && secretOf(r.content)) {
            return { states: held.size, depth, transitions, breach: `${rule.procedure} gives back the ${fieldName(access)} it read: a ${r.kind} record holding a planted secret` };
          }
          for (const out of outputs(rule, r)) grew = add(out) || grew;
        }
      }
      if (Object.keys(rule.reads).length === 0) for (const out of outputs(rule, null)) grew = add(out) || grew;
    }
    if (!grew) return { states: held.size, depth, transitions, breach: null };
    depth++;
  }
}

/** The records one step of `rule` can write from input `r` (null: a procedure that reads nothing). */
function outputs(rule: AccessRules, r: AbstractRecord | null): AbstractRecord[] {
  const out: AbstractRecord[] = [];
  for (const w of Object.values(rule.writes)) {
    if (w.kind === 'source') {
      if (r) out.push({ ...r });
      continue;
    }
    // A share imported with a key the attacker does not hold was sealed to that key: it is the user's, and a
    // later export seals it to that key again (DEALS).
    const content: Content = r && secretOf(r.content) ? (DEALS.has(rule.procedure) ? 'dealt' : 'planted')
      : FRESH.has(rule.procedure) ? 'fresh'
        : CALLER_KNOWS.has(rule.procedure) ? 'known'
          : r?.content === 'fresh' ? 'fresh' : 'known';
    const mustProtect = (r?.protected ?? false) || !w.exportable || w.allowed !== undefined;
    out.push({ kind: w.kind, protected: true, content });
    if (!mustProtect) out.push({ kind: w.kind, protected: false, content });
  }
  return out;
}
