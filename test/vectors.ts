/**
 * Loaders for the public test vectors in /work/shared/vectors, read in place (never copied into the repo).
 * One typed loader per file shape, as described in that folder's README.md. All byte strings there are
 * lowercase hex; `hex()` turns them into bytes and rejects anything else.
 * @module
 */
import { readFileSync } from 'node:fs';

/** The shared vectors folder, resolved from this file (test/ → repo → ../shared/vectors). */
export const VECTORS_DIR = new URL('../../shared/vectors/', import.meta.url);

/** Parses one JSON file under the vectors folder. */
export function readVectorFile<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, VECTORS_DIR), 'utf8')) as T;
}

/** Reads one text file under the vectors folder (the BIP-39 wordlists). */
export function readVectorText(path: string): string {
  return readFileSync(new URL(path, VECTORS_DIR), 'utf8');
}

/** Lowercase even-length hex (empty allowed) to bytes; anything else throws, so a typo cannot pass as zero bytes. */
export function hex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-f]*$/.test(s)) throw new Error(`not lowercase hex: ${JSON.stringify(s.slice(0, 16))}`);
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

/** Bytes to lowercase hex, for readable assertion diffs. */
export function toHex(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

// ---- Wycheproof (C2SP/wycheproof testvectors_v1) ----

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: WycheproofResult;
}

export interface WycheproofFile<Group, Test> {
  algorithm: string;
  schema: string;
  numberOfTests: number;
  notes: Record<string, unknown>;
  testGroups: (Group & { type: string; tests: (WycheproofTest & Test)[] })[];
}

export type WycheproofEd25519 = WycheproofFile<{ publicKey: { pk: string } }, { msg: string; sig: string }>;
export type WycheproofX25519 = WycheproofFile<{ curve: string }, { public: string; private: string; shared: string }>;
export type WycheproofAead = WycheproofFile<{ ivSize: number; keySize: number; tagSize: number },
  { key: string; iv: string; aad: string; msg: string; ct: string; tag: string }>;
export type WycheproofEcdsa = WycheproofFile<{ publicKey: { uncompressed: string; curve: string }; sha: string }, { msg: string; sig: string }>;
export type WycheproofKeyWrap = WycheproofFile<{ keySize: number }, { key: string; msg: string; ct: string }>;
export type WycheproofHkdf = WycheproofFile<{ keySize: number }, { ikm: string; salt: string; info: string; size: number; okm: string }>;
export type WycheproofMac = WycheproofFile<{ keySize: number; tagSize: number }, { key: string; msg: string; tag: string }>;
export type WycheproofPbkdf2 = WycheproofFile<object, { password: string; salt: string; iterationCount: number; dkLen: number; dk: string }>;

/** Every test of a Wycheproof file, with its group's parameters alongside. */
export function* wycheproofTests<G, T>(file: WycheproofFile<G, T>): Generator<{ group: G; test: WycheproofTest & T }> {
  for (const group of file.testGroups) for (const test of group.tests) yield { group, test };
}

const wy = <F>(name: string) => (): F => readVectorFile<F>(`wycheproof/${name}`);

export const wycheproof = {
  ed25519: wy<WycheproofEd25519>('ed25519_test.json'),
  x25519: wy<WycheproofX25519>('x25519_test.json'),
  xchacha20poly1305: wy<WycheproofAead>('xchacha20_poly1305_test.json'),
  aesGcm: wy<WycheproofAead>('aes_gcm_test.json'),
  ecdsaSecp256k1Sha256: wy<WycheproofEcdsa>('ecdsa_secp256k1_sha256_test.json'),
  ecdsaSecp256k1Sha256P1363: wy<WycheproofEcdsa>('ecdsa_secp256k1_sha256_p1363_test.json'),
  ecdsaSecp256k1Sha256Bitcoin: wy<WycheproofEcdsa>('ecdsa_secp256k1_sha256_bitcoin_test.json'),
  aesWrap: wy<WycheproofKeyWrap>('aes_wrap_test.json'),
  hkdfSha256: wy<WycheproofHkdf>('hkdf_sha256_test.json'),
  hmacSha256: wy<WycheproofMac>('hmac_sha256_test.json'),
  hmacSha512: wy<WycheproofMac>('hmac_sha512_test.json'),
  pbkdf2Sha256: wy<WycheproofPbkdf2>('pbkdf2_hmacsha256_test.json'),
  pbkdf2Sha512: wy<WycheproofPbkdf2>('pbkdf2_hmacsha512_test.json'),
};

// ---- Files converted from RFCs and drafts ----

export interface Rfc8032 {
  vectors: { name: string; secretKey: string; publicKey: string; message: string; messageLength: number; signature: string }[];
}

export interface Rfc7748 {
  functionVectors: { scalar: string; uCoordinate: string; outputUCoordinate: string; scalarDecimal_clamped: string; uCoordinateDecimal_masked: string }[];
  iteration: { initialKAndU: string; vectors: { iterations: number; result: string; slow?: boolean }[] };
  diffieHellman: { alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string; sharedSecret: string };
}

export interface Rfc5869 {
  hash: string;
  vectors: { tcId: number; comment: string; ikm: string; salt: string; info: string; length: number; prk: string; okm: string }[];
}

export interface Rfc4231 {
  vectors: {
    tcId: number; comment: string; key: string; data: string;
    hmacSha224: string; hmacSha256: string; hmacSha384: string; hmacSha512: string; truncatedToBits?: number;
  }[];
}

export interface Pbkdf2File {
  prf: string;
  vectors: { tcId: number; password: string; passwordUtf8: string; salt: string; saltUtf8: string; iterations: number; dkLen: number; dk: string; slow?: boolean }[];
}

export interface ScryptFile {
  vectors: { tcId: number; password: string; passwordUtf8: string; salt: string; saltUtf8: string; N: number; r: number; p: number; dkLen: number; dk: string; slow?: boolean }[];
}

export interface XChaChaDraft {
  hchacha20: { key: string; nonce: string; subkey: string };
  aead: { plaintext: string; aad: string; key: string; nonce: string; fixedCommonPart32: string; poly1305Key: string; ciphertext: string; tag: string };
  xchacha20: { counter: number; plaintext: string; key: string; nonce: string; keystream: string; ciphertext: string }[];
}

export interface GcmSpec {
  vectors: { tcId: number; key: string; iv: string; aad: string; plaintext: string; ciphertext: string; tag: string; nonStandardIvLength?: boolean }[];
}

export interface Rfc3394 {
  vectors: { section: string; kekBits: number; keyDataBits: number; kek: string; keyData: string; ciphertext: string; aes256Kek: boolean }[];
}

export interface ConcatKdfFile {
  vectors: {
    name: string; hash: string; z: string; otherInfo: string; derivedKey: string;
    keyDataLenBits?: number; algorithmId?: string; partyUInfo?: string; partyVInfo?: string; suppPubInfo?: string; suppPrivInfo?: string;
    round1HashInput?: string; derivedKeyBase64url?: string; ecdh?: Record<string, unknown>;
    strongholdConcatKdf?: { hash: string; algorithm_id: string; shared_secret: string; key_len: number; apu: string; apv: string; pub_info: string; priv_info: string };
  }[];
}

export type Slip10Curve = 'secp256k1' | 'nist256p1' | 'ed25519' | 'curve25519';

export interface Slip10File {
  hmacKeys: Record<Slip10Curve, string>;
  curves: Record<Slip10Curve, {
    name: string; seed: string;
    chains: { path: string; indices: number[]; fingerprint: string; chainCode: string; privateKey: string; publicKey: string }[];
  }[]>;
}

/** trezor/python-mnemonic: `{ language: [entropy, mnemonic, seed, xprv][] }`, passphrase "TREZOR" throughout. */
export type Bip39Trezor = Record<string, [entropy: string, mnemonic: string, seed: string, xprv: string][]>;

export type Bip39Japanese = { entropy: string; mnemonic: string; passphrase: string; seed: string; bip32_xprv: string }[];

export interface NobleEcdsa {
  valid: { d: string; m: string; signature: string; description?: string }[];
  invalid: {
    sign: { description: string; exception: string; d: string; m: string }[];
    verify: { description: string; exception?: string; strict?: boolean; Q: string; m: string; signature: string }[];
  };
  extraEntropy: { d: string; m: string; signature: string; extraEntropy0: string; extraEntropy1: string; extraEntropyRand: string; extraEntropyN: string; extraEntropyMax: string }[];
}

export type NobleRfc6979Nonces = { message: string; d: string; k0: string; k1: string; k15: string }[];

export interface EthereumVectors {
  keyToAddress: { source: string; privateKey: string; address: string; checksumAddress?: string }[];
  eip55: { group: string; checksumAddress: string }[];
  keccak256: { source: string; inputUtf8: string; input: string; digest: string }[];
}

export interface AgeScryptVectors {
  vectors: {
    name: string; file: string; expect: string; payloadSha256: string | null; fileKey: string | null;
    passphrases: string[]; identities: string[]; armored: boolean; compressed: string | null; comment: string | null; ageFileBase64: string;
  }[];
}

export const vectors = {
  rfc8032: () => readVectorFile<Rfc8032>('rfc8032_ed25519/rfc8032_sec7.1_ed25519.json'),
  rfc7748: () => readVectorFile<Rfc7748>('rfc7748_x25519/rfc7748_x25519.json'),
  rfc5869: () => readVectorFile<Rfc5869>('rfc5869_hkdf/rfc5869_appA_hkdf_sha256.json'),
  rfc4231: () => readVectorFile<Rfc4231>('rfc4231_hmac/rfc4231_sec4_hmac_sha2.json'),
  pbkdf2Sha1Rfc6070: () => readVectorFile<Pbkdf2File>('pbkdf2/rfc6070_pbkdf2_hmac_sha1.json'),
  pbkdf2Sha256Rfc7914: () => readVectorFile<Pbkdf2File>('pbkdf2/rfc7914_sec11_pbkdf2_hmac_sha256.json'),
  pbkdf2Sha256Cpython: () => readVectorFile<Pbkdf2File>('pbkdf2/rfc6070_inputs_pbkdf2_hmac_sha256_cpython.json'),
  pbkdf2Sha512Cpython: () => readVectorFile<Pbkdf2File>('pbkdf2/rfc6070_inputs_pbkdf2_hmac_sha512_cpython.json'),
  scrypt: () => readVectorFile<ScryptFile>('scrypt/rfc7914_sec12_scrypt.json'),
  xchachaDraft03: () => readVectorFile<XChaChaDraft>('xchacha20poly1305/draft-irtf-cfrg-xchacha-03_vectors.json'),
  gcmSpec: () => readVectorFile<GcmSpec>('aes_gcm/gcm_spec_aes256_test_cases_13-18.json'),
  rfc3394: () => readVectorFile<Rfc3394>('aes_kw/rfc3394_sec4_aes_key_wrap.json'),
  concatKdf: () => readVectorFile<ConcatKdfFile>('concat_kdf/concat_kdf_sp800-56a_single_step.json'),
  slip10: () => readVectorFile<Slip10File>('slip10/slip-0010_test_vectors.json'),
  bip39Trezor: () => readVectorFile<Bip39Trezor>('bip39/trezor_python-mnemonic_vectors.json'),
  bip39Japanese: () => readVectorFile<Bip39Japanese>('bip39/bip32JP_test_JP_BIP39.json'),
  /** One word per line, 2048 words; japanese.txt is in NFKD form. */
  bip39Wordlist: (language: 'english' | 'japanese') => readVectorText(`bip39/wordlists/${language}.txt`).split('\n').filter((w) => w.length > 0),
  nobleEcdsa: () => readVectorFile<NobleEcdsa>('secp256k1/noble-secp256k1_ecdsa.json'),
  nobleRfc6979Nonces: () => readVectorFile<NobleRfc6979Nonces>('secp256k1/noble-secp256k1_rfc6979_nonces.json'),
  ethereum: () => readVectorFile<EthereumVectors>('ethereum/ethereum_address_vectors.json'),
  ageScrypt: () => readVectorFile<AgeScryptVectors>('cctv_age/age_scrypt_vectors.json'),
};
