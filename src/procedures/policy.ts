/**
 * Record usage policies (beyond the Rust implementation) and their encoding in the record hint.
 *
 * Rust writes a random hint (1..23 random bytes, zero padded to 24) into each record's data transaction and
 * never reads it back, so the hint is a place to persist a policy that Rust-built software carries along
 * unchanged. The data transaction is sealed under the vault key, so the policy cannot be altered without it.
 *
 * Hint layout (24 bytes):
 * | bytes  | content                                                                  |
 * |--------|--------------------------------------------------------------------------|
 * | 0..4   | magic `73 68 70 01` ("shp", version 1)                                   |
 * | 4      | flags: bit 0 = not exportable, bit 1 = restricted to the procedure mask  |
 * | 5..9   | u32 big-endian mask: bit i allows `POLICY_PROCEDURES[i]` (0 if unrestricted) |
 * | 9..24  | random bytes, so hints stay as varied as Rust's                          |
 *
 * A hint without the magic is a legacy record (written by Rust, or by `Client.writeSecret`): exportable and
 * usable by any procedure, which is what Rust allows. A random Rust hint starts with the magic with
 * probability 2^-32; unknown flag bits fail closed (not exportable, no procedure allowed).
 * @module
 */
import { StrongholdError } from '../errors.js';
import type { Location } from '../engine/location.js';
import { HINT_LENGTH } from '../engine/record.js';
import type { RecordPolicy } from './types.js';

/** Catalogue order; the index is the bit in the persisted mask, so this list may only grow at the end. */
export const POLICY_PROCEDURES = [
  'WriteVault', 'RevokeData', 'GarbageCollect', 'CopyRecord', 'Slip10Generate', 'Slip10Derive', 'BIP39Generate',
  'BIP39Recover', 'GenerateKey', 'PublicKey', 'GetEvmAddress', 'Ed25519Sign', 'Secp256k1EcdsaSign',
  'X25519DiffieHellman', 'Hmac', 'Hkdf', 'Pbkdf2Hmac', 'ConcatKdf', 'AeadEncrypt', 'AeadDecrypt',
  'AesKeyWrapEncrypt', 'AesKeyWrapDecrypt', 'ConcatSecret', 'FrostKeygen', 'FrostCommit', 'FrostSign',
  'FrostShareExport', 'FrostShareImport',
] as const;

export type ProcedureName = (typeof POLICY_PROCEDURES)[number];

const MAGIC = [0x73, 0x68, 0x70, 0x01] as const;
const NOT_EXPORTABLE = 1;
const RESTRICTED = 2;

/** What Rust records (and WriteVault data by default) get: exportable, any procedure. */
export const LEGACY_POLICY: RecordPolicy = Object.freeze({ exportable: true, allowed: null });

/** A caller's request on a procedure that writes a record; it may only tighten the derived policy. */
export interface PolicyRequest {
  exportable?: boolean;
  allowed?: readonly string[];
}

/** Encodes `policy` into a 24-byte hint; `padding` supplies the 15 random tail bytes. */
export function encodePolicy(policy: RecordPolicy, padding: Uint8Array): Uint8Array {
  const hint = new Uint8Array(HINT_LENGTH);
  hint.set(MAGIC, 0);
  let mask = 0;
  if (policy.allowed !== null) {
    for (const name of policy.allowed) {
      const bit = POLICY_PROCEDURES.indexOf(name as ProcedureName);
      if (bit < 0) throw new RangeError(`unknown procedure in policy: ${name}`);
      mask |= 1 << bit;
    }
  }
  hint[4] = (policy.exportable ? 0 : NOT_EXPORTABLE) | (policy.allowed !== null ? RESTRICTED : 0);
  new DataView(hint.buffer).setUint32(5, mask >>> 0);
  hint.set(padding.subarray(0, HINT_LENGTH - 9), 9);
  return hint;
}

/** Reads the policy from a hint; a hint without the magic is a legacy (Rust) record. */
export function decodePolicy(hint: Uint8Array): RecordPolicy {
  if (hint.length !== HINT_LENGTH || MAGIC.some((b, i) => hint[i] !== b)) return LEGACY_POLICY;
  const flags = hint[4]!;
  if ((flags & ~(NOT_EXPORTABLE | RESTRICTED)) !== 0) return { exportable: false, allowed: [] };
  const mask = new DataView(hint.buffer, hint.byteOffset, hint.length).getUint32(5);
  const allowed = (flags & RESTRICTED) === 0 ? null : POLICY_PROCEDURES.filter((_, i) => (mask & (1 << i)) !== 0);
  return { exportable: (flags & NOT_EXPORTABLE) === 0, allowed };
}

/** Short text for messages and `details.policy`, e.g. `non-exportable, allowed: Ed25519Sign, PublicKey`. */
export function describePolicy(p: RecordPolicy): string {
  const allowed = p.allowed === null ? '' : `, allowed: ${p.allowed.length ? p.allowed.join(', ') : 'none'}`;
  return `${p.exportable ? 'exportable' : 'non-exportable'}${allowed}`;
}

export function policyViolation(procedure: string, loc: Location, policy: string, why: string): StrongholdError<'PolicyViolation'> {
  return new StrongholdError('PolicyViolation', `${procedure}: ${why} (record '${loc.record}' in vault '${loc.vault}': ${policy})`, {
    procedure, vault: loc.vault, record: loc.record, policy,
  });
}

/** Throws PolicyViolation unless the record's policy lets `procedure` use it. */
export function checkUse(procedure: string, loc: Location, p: RecordPolicy): void {
  if (p.allowed !== null && !p.allowed.includes(procedure)) {
    throw policyViolation(procedure, loc, describePolicy(p), `the record may not be used by ${procedure}`);
  }
}

export interface DeriveRule {
  /** The procedure's own default for what it writes (false for generated or derived keys and seeds). */
  exportable: boolean;
  /** Inputs whose secret flows into the output: a non-exportable input makes the output non-exportable. */
  inputs: readonly { loc: Location; policy: RecordPolicy }[];
  /** CopyRecord: the copy keeps the source's procedure restriction. */
  inheritAllowed?: boolean;
  request?: PolicyRequest | undefined;
}

/**
 * The policy of a record a procedure is about to write. A request may tighten it; asking for an exportable
 * output of a non-exportable source, or for procedures the source forbids, is a PolicyViolation.
 */
export function derivePolicy(procedure: string, output: Location, rule: DeriveRule): RecordPolicy {
  const closed = rule.inputs.find((i) => !i.policy.exportable);
  const exportable = rule.exportable && closed === undefined;
  const source = rule.inheritAllowed ? rule.inputs[0] : undefined;
  let allowed = source?.policy.allowed ?? null;
  const req = rule.request;
  if (req?.exportable === true && !exportable) {
    const [loc, p] = closed ? [closed.loc, describePolicy(closed.policy)] : [output, `non-exportable: ${procedure} output`];
    throw policyViolation(procedure, loc, p, 'an exportable output was requested from a secret that is not exportable');
  }
  if (req?.allowed !== undefined) {
    if (allowed !== null && req.allowed.some((name) => !allowed!.includes(name))) {
      throw policyViolation(procedure, source!.loc, describePolicy(source!.policy), 'the requested procedures exceed those the source allows');
    }
    allowed = POLICY_PROCEDURES.filter((name) => req.allowed!.includes(name));
  }
  return { exportable: exportable && req?.exportable !== false, allowed };
}
