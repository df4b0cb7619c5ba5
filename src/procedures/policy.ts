/**
 * The kinds procedures declare, in groups, and the usage policy vocabulary of the catalogue. The kinds and the
 * hint encoding are the engine's (engine/policy.ts); this names the groups the declarations share, so the
 * kind × procedure table of SECURITY.md reads off one place.
 *
 * `unknown` is a record written by Rust, by `writeSecret` or by WriteVault: bytes the Stronghold knows nothing
 * about. Every flow the IOTA SDK and the Tauri plugin use reads such records, so every field that takes a key
 * or a seed takes `unknown` too, except the FROST fields (a share or nonce must come from the FROST procedures)
 * and fields that would give bytes back (releases need an exportable record whatever its kind).
 * @module
 */
import type { ProcedureName, RecordKind } from '../engine/policy.js';

export {
  decodeHint, describePolicy, isProtected, LEGACY_POLICY, POLICY_BITS, RECORD_KINDS,
  type PolicyRequest, type ProcedureName, type RecordKind, type RecordPolicy,
} from '../engine/policy.js';

/** A BIP-39 or SLIP-10 seed: SLIP-10 derivation in seed mode. */
export const SEED: readonly RecordKind[] = ['seed', 'unknown'];
/** Ed25519 signing keys: a generated key, or the first half of a SLIP-10 Ed25519 extended key. */
export const ED25519_KEY: readonly RecordKind[] = ['ed25519', 'slip10-ed25519', 'unknown'];
export const SECP256K1_KEY: readonly RecordKind[] = ['secp256k1', 'slip10-secp256k1', 'unknown'];
export const X25519_KEY: readonly RecordKind[] = ['x25519', 'unknown'];
/**
 * The procedures a FROST participant's X25519 key may be confined to (GenerateKey `policy: {"allowed": [these]}`),
 * as the procedures that open sealed shares and repair messages with it require: a key that X25519DiffieHellman
 * could also use would let any caller rebuild the sealing key (DiffieHellman, Hkdf) and AeadDecrypt a share.
 */
export const FROST_KEY_PROCEDURES: readonly ProcedureName[] = ['PublicKey', 'FrostShareImport', 'FrostDkgRound3', 'FrostRepairStep2', 'FrostRepairStep3'];
/** Keys of symmetric primitives (HMAC, HKDF, AEAD, key wrap, KDFs) and what derivations produce. */
export const SYMMETRIC: readonly RecordKind[] = ['symmetric', 'derived', 'unknown'];
/** Whatever a caller may copy or concatenate: every kind but the single-use and bound ones. */
export const MOVABLE: readonly RecordKind[] = [
  'unknown', 'seed', 'slip10-ed25519', 'slip10-secp256k1', 'ed25519', 'secp256k1', 'x25519', 'symmetric', 'derived',
];
/** Bytes a caller may concatenate: those whose every use takes derived material anyway. */
export const CONCATENABLE: readonly RecordKind[] = SYMMETRIC;
