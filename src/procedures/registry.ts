/**
 * Every procedure of the catalogue, by its JSON `"type"` name. Plain data: the JSON parser, the zone, the p2p
 * firewall, the docs and the key-separation model walk this list. Each procedure object is frozen with its rules,
 * so what the engine enforces is what was declared here.
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
import { PublicKey } from './public-key.js';
import { RevokeData } from './revoke-data.js';
import { Secp256k1EcdsaSign } from './secp256k1-ecdsa-sign.js';
import { Slip10Derive } from './slip10-derive.js';
import { Slip10Generate } from './slip10-generate.js';
import type { Procedure } from './types.js';
import { WriteVault } from './write-vault.js';
import { X25519DiffieHellman } from './x25519-diffie-hellman.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** All procedures, in catalogue order. */
export const PROCEDURES: readonly Procedure<any, any>[] = deepFreeze([
  WriteVault, RevokeData, GarbageCollect, CopyRecord, Slip10Generate, Slip10Derive, BIP39Generate, BIP39Recover,
  GenerateKey, PublicKey, GetEvmAddress, Ed25519Sign, Secp256k1EcdsaSign, X25519DiffieHellman, Hmac, Hkdf,
  Pbkdf2Hmac, ConcatKdf, AeadEncrypt, AeadDecrypt, AesKeyWrapEncrypt, AesKeyWrapDecrypt, ConcatSecret,
  FrostKeygen, FrostCommit, FrostSign, FrostShareExport, FrostShareImport,
]);

/** Procedure by JSON type name. */
export const PROCEDURE_BY_TYPE: ReadonlyMap<string, Procedure<any, any>> = new Map(PROCEDURES.map((p) => [p.type, p]));

/** True for a procedure of this catalogue (the very object, not a look-alike). */
export function isRegistered(p: unknown): p is Procedure {
  return typeof p === 'object' && p !== null && PROCEDURE_BY_TYPE.get((p as Procedure).type) === p;
}
