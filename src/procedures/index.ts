/**
 * The procedures: typed builders for TypeScript callers, and the JSON form (`parseProcedure`, `parseChain`,
 * `resultToJSON`) used by the command line, the zone and remote peers. See docs/procedures.md.
 * @module
 */
export { aeadDecrypt } from './aead-decrypt.js';
export { aeadEncrypt } from './aead-encrypt.js';
export { aesKeyWrapDecrypt } from './aes-key-wrap-decrypt.js';
export { aesKeyWrapEncrypt } from './aes-key-wrap-encrypt.js';
export { bip39Generate } from './bip39-generate.js';
export { bip39Recover } from './bip39-recover.js';
export { concatKdf } from './concat-kdf.js';
export { concatSecret } from './concat-secret.js';
export { copyRecord } from './copy-record.js';
export { ed25519Sign } from './ed25519-sign.js';
export { garbageCollect } from './garbage-collect.js';
export { generateKey } from './generate-key.js';
export { getEvmAddress } from './get-evm-address.js';
export { hkdf } from './hkdf.js';
export { hmac } from './hmac.js';
export { parseChain, parseProcedure, resultToJSON } from './json.js';
export { pbkdf2Hmac } from './pbkdf2-hmac.js';
export { publicKey } from './public-key.js';
export { PROCEDURES } from './registry.js';
export { revokeData } from './revoke-data.js';
export { secp256k1EcdsaSign } from './secp256k1-ecdsa-sign.js';
export { slip10Derive } from './slip10-derive.js';
export { slip10Generate } from './slip10-generate.js';
export type { Procedure, ProcedureCall, RecordPolicy } from './types.js';
export { writeVault } from './write-vault.js';
export { x25519DiffieHellman } from './x25519-diffie-hellman.js';
