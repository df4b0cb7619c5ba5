/**
 * What a record is and what it may do: its kind and its usage policy, persisted in the record's hint, and the
 * rules by which the engine's use gate decides (engine/gate.ts). Procedures declare these rules; the engine
 * enforces them where a secret is opened, so no layer above can skip them.
 *
 * Rust writes a random hint (1..23 random bytes, zero padded to 24) into each record's data transaction and
 * never reads it back, so the hint is a place for this that Rust-built software carries along unchanged. The
 * data transaction is sealed under the vault key, so neither kind nor policy can be altered without it.
 *
 * Hint layout (24 bytes):
 * | bytes  | content                                                                        |
 * |--------|--------------------------------------------------------------------------------|
 * | 0..4   | magic `73 68 70 02` ("shp", version 2; version 1 had no kind byte)               |
 * | 4      | flags: bit 0 = not exportable, bit 1 = restricted to the procedure mask          |
 * | 5..9   | u32 big-endian mask: bit i allows `POLICY_BITS[i]` (0 if unrestricted)           |
 * | 9      | kind: the index in `RECORD_KINDS` (version 2 only)                               |
 * | 10..24 | random bytes, so hints stay as varied as Rust's                                  |
 *
 * A hint without the magic is a legacy record (written by Rust): kind `unknown`, exportable and usable by any
 * procedure, which is what Rust allows. A version 1 hint keeps its policy and reads as kind `unknown`. A random
 * Rust hint starts with a magic with probability 2^-31; unknown flag bits or kind bytes fail closed (kind
 * `invalid`, not exportable, no procedure allowed).
 * @module
 */
import { StrongholdError } from '../errors.js';
import type { Location } from './location.js';
import { HINT_LENGTH } from './record.js';

/** Record kinds; the index is the persisted byte, so this list may only grow at the end. */
export const RECORD_KINDS = [
  'unknown', 'seed', 'slip10-ed25519', 'slip10-secp256k1', 'ed25519', 'secp256k1', 'x25519', 'symmetric', 'derived',
  'frost-share', 'frost-nonce', 'p2p-identity', 'frost-dkg-state',
] as const;

/** `invalid`: a hint this version cannot read; no rule accepts it. */
export type RecordKind = (typeof RECORD_KINDS)[number] | 'invalid';

/**
 * The persisted procedure mask: bit i allows the procedure named `POLICY_BITS[i]`. Part of the file format,
 * so it lives here and may only grow at the end; a procedure not listed here cannot be named in a policy.
 */
export const POLICY_BITS = [
  'WriteVault', 'RevokeData', 'GarbageCollect', 'CopyRecord', 'Slip10Generate', 'Slip10Derive', 'BIP39Generate',
  'BIP39Recover', 'GenerateKey', 'PublicKey', 'GetEvmAddress', 'Ed25519Sign', 'Secp256k1EcdsaSign',
  'X25519DiffieHellman', 'Hmac', 'Hkdf', 'Pbkdf2Hmac', 'ConcatKdf', 'AeadEncrypt', 'AeadDecrypt',
  'AesKeyWrapEncrypt', 'AesKeyWrapDecrypt', 'ConcatSecret', 'FrostKeygen', 'FrostCommit', 'FrostSign',
  'FrostShareExport', 'FrostShareImport', 'FrostDkgRound3', 'FrostRepairStep1', 'FrostRepairStep2', 'FrostRepairStep3',
] as const;

export type ProcedureName = (typeof POLICY_BITS)[number];

/**
 * A record's usage policy. `exportable: false` means the secret never leaves: no procedure returns it or a
 * reversible transform of it, and sync never sends it. `allowed` restricts which procedures may use it (null: any).
 */
export interface RecordPolicy {
  exportable: boolean;
  allowed: readonly string[] | null;
}

export interface RecordMeta {
  kind: RecordKind;
  policy: RecordPolicy;
}

/** What a caller may ask of a record a procedure writes: it can only tighten what the engine derives. */
export interface PolicyRequest {
  exportable?: boolean;
  allowed?: readonly string[];
}

/** What Rust records (and WriteVault data by default) get: exportable, any procedure. */
export const LEGACY_POLICY: RecordPolicy = Object.freeze({ exportable: true, allowed: null });
const CLOSED_POLICY: RecordPolicy = Object.freeze({ exportable: false, allowed: Object.freeze([]) });

/** Protected: not exportable, or limited to some procedures. Whatever is derived from it is not exportable. */
export function isProtected(p: RecordPolicy): boolean {
  return !p.exportable || p.allowed !== null;
}

const MAGIC_V1 = [0x73, 0x68, 0x70, 0x01] as const;
const MAGIC_V2 = [0x73, 0x68, 0x70, 0x02] as const;
const NOT_EXPORTABLE = 1;
const RESTRICTED = 2;
const KIND_AT = 9;

/** Encodes kind and policy into a 24-byte hint; `padding` supplies the 14 random tail bytes. */
export function encodeHint(kind: Exclude<RecordKind, 'invalid'>, policy: RecordPolicy, padding: Uint8Array): Uint8Array {
  const hint = new Uint8Array(HINT_LENGTH);
  hint.set(MAGIC_V2, 0);
  let mask = 0;
  for (const name of policy.allowed ?? []) {
    const bit = POLICY_BITS.indexOf(name as ProcedureName);
    if (bit < 0) throw new RangeError(`unknown procedure in policy: ${name}`);
    mask |= 1 << bit;
  }
  hint[4] = (policy.exportable ? 0 : NOT_EXPORTABLE) | (policy.allowed !== null ? RESTRICTED : 0);
  new DataView(hint.buffer).setUint32(5, mask >>> 0);
  hint[KIND_AT] = RECORD_KINDS.indexOf(kind);
  hint.set(padding.subarray(0, HINT_LENGTH - KIND_AT - 1), KIND_AT + 1);
  return hint;
}

/** Reads kind and policy from a hint (see the module doc for legacy and unreadable hints). */
export function decodeHint(hint: Uint8Array): RecordMeta {
  const has = (magic: readonly number[]): boolean => hint.length === HINT_LENGTH && magic.every((b, i) => hint[i] === b);
  const v2 = has(MAGIC_V2);
  if (!v2 && !has(MAGIC_V1)) return { kind: 'unknown', policy: LEGACY_POLICY };
  const flags = hint[4]!;
  const kind = v2 ? RECORD_KINDS[hint[KIND_AT]!] : 'unknown';
  if ((flags & ~(NOT_EXPORTABLE | RESTRICTED)) !== 0 || kind === undefined) return { kind: 'invalid', policy: CLOSED_POLICY };
  const mask = new DataView(hint.buffer, hint.byteOffset, hint.length).getUint32(5);
  const allowed = (flags & RESTRICTED) === 0 ? null : POLICY_BITS.filter((_, i) => (mask & (1 << i)) !== 0);
  return { kind, policy: { exportable: (flags & NOT_EXPORTABLE) === 0, allowed } };
}

/** Short text for messages and `details.policy`, e.g. `non-exportable, allowed: Ed25519Sign, PublicKey`. */
export function describePolicy(p: RecordPolicy): string {
  const allowed = p.allowed === null ? '' : `, allowed: ${p.allowed.length ? p.allowed.join(', ') : 'none'}`;
  return `${p.exportable ? 'exportable' : 'non-exportable'}${allowed}`;
}

export function policyViolation(procedure: string, loc: Location, why: string, details: Record<string, unknown> = {}): StrongholdError<'PolicyViolation'> {
  return new StrongholdError('PolicyViolation', `${procedure}: ${why} (record '${loc.record}' in vault '${loc.vault}')`, {
    procedure, vault: loc.vault, record: loc.record, ...details,
  } as never);
}

/** How a procedure reads one input field: the kinds it accepts. */
export type ReadRule = readonly RecordKind[];

/**
 * What one output of a procedure becomes. `kind: 'source'` copies the kind and procedure restriction of the one
 * record the step opened (CopyRecord). `exportable` is the procedure's default; a protected input overrides it.
 * `'on-request'` is not exportable unless the caller asks for it (a key drawn fresh in the vault, whose caller
 * may want it to travel); a protected input overrides that too. `allowed` fixes the procedures that may use the
 * output (FROST shares and nonces).
 */
export interface WriteRule {
  kind: Exclude<RecordKind, 'invalid'> | 'source';
  exportable: boolean | 'on-request';
  allowed?: readonly ProcedureName[];
}

/**
 * The declarations the engine enforces for one procedure (or one internal use, such as the p2p identity).
 * Field names may carry a variant in parentheses (`privateKey(ed25519)`): the field is the part before it.
 */
export interface AccessRules {
  /** The procedure name, as records' `allowed` lists name it; null for internal uses that no policy names. */
  readonly procedure: string;
  readonly internal?: boolean;
  readonly reads: Readonly<Record<string, ReadRule>>;
  /** Read fields whose bytes the procedure returns in a form its caller can undo (AesKeyWrapEncrypt.wrapKey). */
  readonly releases?: readonly string[];
  /**
   * Read fields whose record must be confined to the listed procedures (its `allowed` list names no other): a key
   * that opens what was sealed to it must not also be usable by a general primitive that rebuilds the opening.
   */
  readonly confined?: Readonly<Record<string, readonly ProcedureName[]>>;
  readonly writes: Readonly<Record<string, WriteRule>>;
}

/** The field name of a declared access: `privateKey(ed25519)` → `privateKey`. */
export function fieldName(access: string): string {
  const i = access.indexOf('(');
  return i < 0 ? access : access.slice(0, i);
}
