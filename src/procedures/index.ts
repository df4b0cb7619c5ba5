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
export { aeadDecrypt, AeadDecrypt, type AeadDecryptInput } from './aead-decrypt.js';
export { aeadEncrypt, AeadEncrypt, type AeadCipherName, type AeadEncryptInput } from './aead-encrypt.js';
export { aesKeyWrapDecrypt, AesKeyWrapDecrypt, type AesKeyWrapDecryptInput } from './aes-key-wrap-decrypt.js';
export { aesKeyWrapEncrypt, AesKeyWrapEncrypt, type AesKeyWrapEncryptInput } from './aes-key-wrap-encrypt.js';
export { bip39Generate, BIP39Generate, type Bip39GenerateInput } from './bip39-generate.js';
export { bip39Recover, BIP39Recover, type Bip39RecoverInput } from './bip39-recover.js';
export type { Bip39Language } from './bip39.js';
export { concatKdf, ConcatKdf, type ConcatKdfInput } from './concat-kdf.js';
export { concatSecret, ConcatSecret, type ConcatSecretInput } from './concat-secret.js';
export { copyRecord, CopyRecord, type CopyRecordInput } from './copy-record.js';
export { ed25519Sign, Ed25519Sign, type Ed25519SignInput } from './ed25519-sign.js';
export type { KeyType, LocationLike } from './fields.js';
export { frostCommit, FrostCommit, type FrostCommitInput, type FrostCommitOutput } from './frost-commit.js';
export { frostKeygen, FrostKeygen, type FrostKeygenInput } from './frost-keygen.js';
export type { FrostCommitment, FrostGroup } from './frost-records.js';
export { frostShareExport, FrostShareExport, type FrostShareExportInput } from './frost-share-export.js';
export { frostShareImport, FrostShareImport, type FrostShareImportInput, type FrostShareInfo } from './frost-share-import.js';
export { frostSign, FrostSign, type FrostSignInput, type FrostSignOutput } from './frost-sign.js';
export { garbageCollect, GarbageCollect, type GarbageCollectInput } from './garbage-collect.js';
export { generateKey, GenerateKey, type GenerateKeyInput } from './generate-key.js';
export { getEvmAddress, GetEvmAddress, type GetEvmAddressInput } from './get-evm-address.js';
export { hkdf, Hkdf, type HkdfInput } from './hkdf.js';
export { hmac, Hmac, type HmacInput } from './hmac.js';
export { MAX_CHAIN_LENGTH, parseChain, parseProcedure, procedureToJSON, resultToJSON } from './json.js';
export { pbkdf2Hmac, Pbkdf2Hmac, type Pbkdf2HmacInput } from './pbkdf2-hmac.js';
export { decodeHint, describePolicy, LEGACY_POLICY, POLICY_BITS, RECORD_KINDS, type PolicyRequest, type ProcedureName, type RecordKind } from './policy.js';
export { publicKey, PublicKey, type PublicKeyInput } from './public-key.js';
export { PROCEDURE_BY_TYPE, PROCEDURES } from './registry.js';
export { revokeData, RevokeData, type RevokeDataInput } from './revoke-data.js';
export { secp256k1EcdsaSign, Secp256k1EcdsaSign, type Secp256k1EcdsaFlavor, type Secp256k1EcdsaSignInput } from './secp256k1-ecdsa-sign.js';
export { slip10Derive, Slip10Derive, type Slip10DeriveInput, type Slip10DeriveSource } from './slip10-derive.js';
export { slip10Generate, Slip10Generate, type Slip10GenerateInput } from './slip10-generate.js';
export type { Slip10Curve } from './slip10.js';
export type { Procedure, ProcedureCall, ProcedureContext, ProcedureLocations, RecordPolicy } from './types.js';
export { writeVault, WriteVault, type WriteVaultInput } from './write-vault.js';
export { x25519DiffieHellman, X25519DiffieHellman, type X25519DiffieHellmanInput } from './x25519-diffie-hellman.js';
