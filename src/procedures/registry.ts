/**
 * Every procedure of the catalogue, by its JSON `"type"` name. Plain data: the JSON parser, the p2p
 * firewall and the docs walk this list.
 * @module
 */
import { AeadDecrypt } from './aead-decrypt.js';
import { AeadEncrypt } from './aead-encrypt.js';
import { AesKeyWrapDecrypt } from './aes-key-wrap-decrypt.js';
import { AesKeyWrapEncrypt } from './aes-key-wrap-encrypt.js';
import { BIP39Generate } from './bip39-generate.js';
import { BIP39Recover } from './bip39-recover.js';
import { ConcatKdf } from './concat-kdf.js';
import { ConcatSecret } from './concat-secret.js';
import { CopyRecord } from './copy-record.js';
import { Ed25519Sign } from './ed25519-sign.js';
import { FrostCommit } from './frost-commit.js';
import { FrostKeygen } from './frost-keygen.js';
import { FrostShareExport } from './frost-share-export.js';
import { FrostShareImport } from './frost-share-import.js';
import { FrostSign } from './frost-sign.js';
import { GarbageCollect } from './garbage-collect.js';
import { GenerateKey } from './generate-key.js';
import { GetEvmAddress } from './get-evm-address.js';
import { Hkdf } from './hkdf.js';
import { Hmac } from './hmac.js';
import { Pbkdf2Hmac } from './pbkdf2-hmac.js';
import { POLICY_PROCEDURES } from './policy.js';
import { PublicKey } from './public-key.js';
import { RevokeData } from './revoke-data.js';
import { Secp256k1EcdsaSign } from './secp256k1-ecdsa-sign.js';
import { Slip10Derive } from './slip10-derive.js';
import { Slip10Generate } from './slip10-generate.js';
import type { Procedure } from './types.js';
import { WriteVault } from './write-vault.js';
import { X25519DiffieHellman } from './x25519-diffie-hellman.js';

/** All procedures, in catalogue order (the same order as the policy bitmask). */
export const PROCEDURES: readonly Procedure<any, any>[] = Object.freeze([
  WriteVault, RevokeData, GarbageCollect, CopyRecord, Slip10Generate, Slip10Derive, BIP39Generate, BIP39Recover,
  GenerateKey, PublicKey, GetEvmAddress, Ed25519Sign, Secp256k1EcdsaSign, X25519DiffieHellman, Hmac, Hkdf,
  Pbkdf2Hmac, ConcatKdf, AeadEncrypt, AeadDecrypt, AesKeyWrapEncrypt, AesKeyWrapDecrypt, ConcatSecret,
  FrostKeygen, FrostCommit, FrostSign, FrostShareExport, FrostShareImport,
]);

/** Procedure by JSON type name. */
export const PROCEDURE_BY_TYPE: ReadonlyMap<string, Procedure<any, any>> = new Map(PROCEDURES.map((p) => [p.type, p]));

if (PROCEDURES.some((p, i) => p.type !== POLICY_PROCEDURES[i])) throw new Error('registry and policy bitmask order differ');
