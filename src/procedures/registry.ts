/**
 * Every procedure of the catalogue, by its JSON `"type"` name. Plain data: the JSON parser, the zone, the p2p
 * firewall, the docs and the key-separation model walk this list. Each procedure object is frozen with its rules,
 * so what the engine enforces is what was declared here.
 * @module
 */
import { aeadDecrypt } from './aead-decrypt.js';
import { aeadEncrypt } from './aead-encrypt.js';
import { aesKeyWrapDecrypt } from './aes-key-wrap-decrypt.js';
import { aesKeyWrapEncrypt } from './aes-key-wrap-encrypt.js';
import { bip39Generate } from './bip39-generate.js';
import { bip39Recover } from './bip39-recover.js';
import { concatKdf } from './concat-kdf.js';
import { concatSecret } from './concat-secret.js';
import { copyRecord } from './copy-record.js';
import { ed25519Sign } from './ed25519-sign.js';
import { frostCommit } from './frost-commit.js';
import { frostDkgAbort } from './frost-dkg-abort.js';
import { frostDkgRound1 } from './frost-dkg-round1.js';
import { frostDkgRound2 } from './frost-dkg-round2.js';
import { frostDkgRound3 } from './frost-dkg-round3.js';
import { frostKeygen } from './frost-keygen.js';
import { frostRepairStep1 } from './frost-repair-step1.js';
import { frostRepairStep2 } from './frost-repair-step2.js';
import { frostRepairStep3 } from './frost-repair-step3.js';
import { frostShareExport } from './frost-share-export.js';
import { frostShareImport } from './frost-share-import.js';
import { frostSign } from './frost-sign.js';
import { garbageCollect } from './garbage-collect.js';
import { generateKey } from './generate-key.js';
import { getEvmAddress } from './get-evm-address.js';
import { hkdf } from './hkdf.js';
import { hmac } from './hmac.js';
import { pbkdf2Hmac } from './pbkdf2-hmac.js';
import { publicKey } from './public-key.js';
import { revokeData } from './revoke-data.js';
import { secp256k1EcdsaSign } from './secp256k1-ecdsa-sign.js';
import { slip10Derive } from './slip10-derive.js';
import { slip10Generate } from './slip10-generate.js';
import { deepFreeze } from './fields.js';
import type { Procedure } from './types.js';
import { writeVault } from './write-vault.js';
import { x25519DiffieHellman } from './x25519-diffie-hellman.js';

/** All procedures, in catalogue order. */
export const PROCEDURES: readonly Procedure<any, any>[] = deepFreeze([
  writeVault, revokeData, garbageCollect, copyRecord, slip10Generate, slip10Derive, bip39Generate, bip39Recover,
  generateKey, publicKey, getEvmAddress, ed25519Sign, secp256k1EcdsaSign, x25519DiffieHellman, hmac, hkdf,
  pbkdf2Hmac, concatKdf, aeadEncrypt, aeadDecrypt, aesKeyWrapEncrypt, aesKeyWrapDecrypt, concatSecret,
  frostKeygen, frostCommit, frostSign, frostShareExport, frostShareImport, frostDkgRound1, frostDkgRound2, frostDkgRound3,
  frostDkgAbort, frostRepairStep1, frostRepairStep2, frostRepairStep3,
]);

/** Procedure by JSON type name. */
export const PROCEDURE_BY_TYPE: ReadonlyMap<string, Procedure<any, any>> = new Map(PROCEDURES.map((p) => [p.type, p]));

/** True for a procedure of this catalogue (the very object, not a look-alike). */
export function isRegistered(p: unknown): p is Procedure {
  return (typeof p === 'object' || typeof p === 'function') && p !== null && PROCEDURE_BY_TYPE.get((p as Procedure).type) === p;
}
