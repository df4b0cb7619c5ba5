/**
 * The IOTA SDK's Node-binding types for the Stronghold secret manager (`bindings/nodejs/lib/types/`), and the
 * BIP-44 chains and record names its Rust adapter uses (`sdk/src/client/stronghold/secret.rs`).
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import type { Slip10Curve } from '../procedures/slip10.js';
import { SDK_DERIVE_OUTPUT_RECORD_PATH, SDK_SEED_RECORD_PATH, SDK_VAULT_PATH } from './iota-store.js';

/** `0x`-prefixed lowercase hex, as the SDK's `HexEncodedString`. */
export type HexEncodedString = string;

/**
 * The SDK's Stronghold options. `snapshotPath` is optional in the SDK's type but required by its Rust side (the
 * constructor throws without it), and so here. `timeout` (seconds) is the Rust `StrongholdDto` field the TS type omits.
 */
export interface StrongholdOptions {
  password?: string;
  snapshotPath?: string;
  timeout?: number;
}

/** The SDK's name for what `new SecretManager({ stronghold: ... })` takes. */
export interface StrongholdSecretManager {
  stronghold: StrongholdOptions;
}

/** The SDK's other secret managers: accepted by the types so SDK code compiles; the constructor refuses them. */
export interface LedgerNanoSecretManager {
  ledgerNano: boolean;
}
export interface MnemonicSecretManager {
  mnemonic: string;
}
export interface SeedSecretManager {
  hexSeed: string;
}
export interface PrivateKeySecretManager {
  privateKey: HexEncodedString;
}
export type PlaceholderSecretManager = 'placeholder';
export type SecretManagerType = LedgerNanoSecretManager | MnemonicSecretManager | SeedSecretManager | StrongholdSecretManager | PrivateKeySecretManager | PlaceholderSecretManager;

/** This library's additions: snapshot options. */
export interface SecretManagerSnapshotOptions {
  /** scrypt work factor of files this manager creates or re-keys; default 19, as Stronghold. */
  workFactor?: number;
  maxWorkFactor?: number;
  provider?: CryptoProvider;
}

/** A BIP-44 path; defaults are IOTA's coin type 4218 and zeros. */
export interface Bip44 {
  coinType?: number;
  account?: number;
  change?: number;
  addressIndex?: number;
}

/** SLIP-44 coin types, as the SDK's enum. */
export enum CoinType {
  IOTA = 4218,
  Shimmer = 4219,
  Ether = 60,
}

/** `IGenerateAddressesOptions`; defaults as the SDK's `GetAddressesOptions`: coin 4219, account 0, range 0..20, hrp `rms`. */
export interface IGenerateAddressesOptions {
  coinType?: number;
  accountIndex?: number;
  /** End-exclusive. */
  range?: { start: number; end: number };
  bech32Hrp?: string;
  options?: { internal?: boolean; ledgerNanoPrompt?: boolean };
}

/** The SDK's `Ed25519Signature` (signature type 0): `0x` hex public key and signature. */
export class Ed25519Signature {
  readonly type = 0 as const;
  publicKey: HexEncodedString;
  signature: HexEncodedString;

  constructor(publicKey: HexEncodedString, signature: HexEncodedString) {
    this.publicKey = publicKey;
    this.signature = signature;
  }

  getType(): 0 {
    return this.type;
  }
}

/** The SDK's `Secp256k1EcdsaSignature`: compressed 33-byte public key, 65-byte recoverable signature r || s || v. */
export interface Secp256k1EcdsaSignature {
  publicKey: HexEncodedString;
  signature: HexEncodedString;
}

/** The SDK's `SignatureUnlock` (unlock type 0), the only `Unlock` a secret manager makes. */
export class SignatureUnlock {
  readonly type = 0 as const;
  signature: Ed25519Signature;

  constructor(signature: Ed25519Signature) {
    this.signature = signature;
  }

  getType(): 0 {
    return this.type;
  }
}

/** What `signatureUnlock` resolves to (the SDK's abstract `Unlock`). */
export type Unlock = SignatureUnlock;

/** SLIP-44 coin types and the SDK's default address range (`constants.rs`). */
export const IOTA_COIN_TYPE = CoinType.IOTA;
export const SHIMMER_COIN_TYPE = CoinType.Shimmer;
export const ADDRESS_GAP_RANGE = 20;
export const HARDENED = 0x8000_0000;
const U32 = 0xffff_ffff;

export const toHex = (b: Uint8Array): HexEncodedString => `0x${Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex')}`;
export const seedLocation = (): Location => Location.generic(SDK_VAULT_PATH, SDK_SEED_RECORD_PATH);

export function u32(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > U32) throw invalidArgument(field, 'an integer 0..2^32-1');
  return value;
}

/** The SDK's `HexEncodedString` (or, as an addition, bytes). */
export function messageBytes(message: unknown): Uint8Array {
  if (message instanceof Uint8Array) return message;
  if (typeof message === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(message)) return Uint8Array.from(Buffer.from(message.slice(2), 'hex'));
  throw invalidArgument('message', 'a 0x-prefixed hex string of even length, or bytes');
}

/** BIP-44 segments: the first three hardened; change and index hardened for Ed25519, not for secp256k1 (the SDK's chains). */
export function chainOf(curve: Slip10Curve, coin: number, account: number, change: number, index: number): number[] {
  const soft = curve === 'secp256k1';
  return [44, coin, account, change, index].map((n, i) => (soft && i >= 3 ? n : (n | HARDENED) >>> 0));
}

export function bip44Chain(curve: Slip10Curve, chain: Bip44 | undefined): number[] {
  if (chain !== undefined && (typeof chain !== 'object' || chain === null)) throw invalidArgument('chain', 'a Bip44 object');
  const c = chain ?? {};
  return chainOf(curve, u32(c.coinType ?? IOTA_COIN_TYPE, 'chain.coinType'), u32(c.account ?? 0, 'chain.account'), u32(c.change ?? 0, 'chain.change'), u32(c.addressIndex ?? 0, 'chain.addressIndex'));
}

/** The SDK's temporary record for a derived key: `iota-wallet-derived` followed by the chain's big-endian segments. */
export function derivedLocation(chain: number[]): Location {
  const prefix = new TextEncoder().encode(SDK_DERIVE_OUTPUT_RECORD_PATH);
  const path = new Uint8Array(prefix.length + 4 * chain.length);
  path.set(prefix, 0);
  const view = new DataView(path.buffer);
  chain.forEach((seg, i) => view.setUint32(prefix.length + 4 * i, seg));
  return Location.generic(SDK_VAULT_PATH, path);
}
