/**
 * The procedures: one typed builder per catalogue entry, the JSON form, and the policy types.
 * Run calls with `client.execute(call)` / `client.executeChain([...])`.
 *
 * @example
 * import { slip10Derive, ed25519Sign } from 'stronghold-ts/procedures';
 * const [chainCode, signature] = await client.executeChain([
 *   slip10Derive({ curve: 'ed25519', chain: ["44'", "4218'", "0'", "0'", "0'"], input: { seed }, output: key }),
 *   ed25519Sign({ privateKey: key, msg }),
 * ]);
 * @module
 */
export { aeadDecrypt, type AeadDecryptInput } from './aead-decrypt.js';
export { aeadEncrypt, type AeadCipherName, type AeadEncryptInput } from './aead-encrypt.js';
export { aesKeyWrapDecrypt, type AesKeyWrapDecryptInput } from './aes-key-wrap-decrypt.js';
export { aesKeyWrapEncrypt, type AesKeyWrapEncryptInput } from './aes-key-wrap-encrypt.js';
export { bip39Generate, type Bip39GenerateInput } from './bip39-generate.js';
export { bip39Recover, type Bip39RecoverInput } from './bip39-recover.js';
export type { Bip39Language } from './bip39.js';
export { concatKdf, type ConcatKdfInput } from './concat-kdf.js';
export { concatSecret, type ConcatSecretInput } from './concat-secret.js';
export { copyRecord, type CopyRecordInput } from './copy-record.js';
export { ed25519Sign, type Ed25519SignInput } from './ed25519-sign.js';
export type { KeyType, LocationLike } from './fields.js';
export { frostCommit, type FrostCommitInput, type FrostCommitOutput } from './frost-commit.js';
export { frostDkgAbort, type FrostDkgAbortInput } from './frost-dkg-abort.js';
export type { DkgRound1Package, SealedMessage } from './frost-dkg-records.js';
export { frostDkgRound1, type FrostDkgRound1Input } from './frost-dkg-round1.js';
export { frostDkgRound2, type FrostDkgRound2Input, type FrostDkgRound2Output } from './frost-dkg-round2.js';
export { frostDkgRound3, type FrostDkgRound3Input, type FrostDkgRound3Output } from './frost-dkg-round3.js';
export { frostKeygen, type FrostKeygenInput } from './frost-keygen.js';
export type { FrostCommitment, FrostGroup } from './frost-records.js';
export { frostRepairStep1, type FrostRepairStep1Input, type FrostRepairStep1Output } from './frost-repair-step1.js';
export { frostRepairStep2, type FrostRepairStep2Input } from './frost-repair-step2.js';
export { frostRepairStep3, type FrostRepairStep3Input } from './frost-repair-step3.js';
export { frostShareExport, type FrostShareExportInput } from './frost-share-export.js';
export { frostShareImport, type FrostShareImportInput, type FrostShareInfo } from './frost-share-import.js';
export { frostSign, type FrostSignInput, type FrostSignOutput } from './frost-sign.js';
export { garbageCollect, type GarbageCollectInput } from './garbage-collect.js';
export { generateKey, type GenerateKeyInput } from './generate-key.js';
export { getEvmAddress, type GetEvmAddressInput } from './get-evm-address.js';
export { hkdf, type HkdfInput } from './hkdf.js';
export { hmac, type HmacInput } from './hmac.js';
export { MAX_CHAIN_LENGTH, parseChain, parseProcedure, procedureToJSON, resultToJSON } from './json.js';
export { pbkdf2Hmac, type Pbkdf2HmacInput } from './pbkdf2-hmac.js';
export { decodeHint, describePolicy, LEGACY_POLICY, POLICY_BITS, RECORD_KINDS, type PolicyRequest, type ProcedureName, type RecordKind } from './policy.js';
export { publicKey, type PublicKeyInput } from './public-key.js';
export { PROCEDURE_BY_TYPE, PROCEDURES } from './registry.js';
export { revokeData, type RevokeDataInput } from './revoke-data.js';
export { secp256k1EcdsaSign, type Secp256k1EcdsaFlavor, type Secp256k1EcdsaSignInput } from './secp256k1-ecdsa-sign.js';
export { slip10Derive, type Slip10DeriveInput, type Slip10DeriveSource } from './slip10-derive.js';
export { slip10Generate, type Slip10GenerateInput } from './slip10-generate.js';
export type { Slip10Curve } from './slip10.js';
export type { Procedure, ProcedureCall, ProcedureContext, ProcedureLocations, RecordPolicy } from './types.js';
export { writeVault, type WriteVaultInput } from './write-vault.js';
export { x25519DiffieHellman, type X25519DiffieHellmanInput } from './x25519-diffie-hellman.js';
