/**
 * The pure helpers of `@iota/sdk` that the SDK's Stronghold examples import: `utf8ToHex`, `hexToUtf8`, the
 * `Utils` functions that need no node (bech32 and hex address conversions, public key to address hashing,
 * mnemonic generation and validation, Ed25519 signature verification), and `initLogger`, which has nothing to
 * configure here. Addresses follow TIP-31 (bech32 of a type byte and the address bytes, hrp per network).
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { bech32 } from '@scure/base';
import { generateMnemonic, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { invalidArgument } from '../errors.js';
import { sdkError } from './iota-errors.js';
import { messageBytes, toHex, type Ed25519Signature, type HexEncodedString } from './iota-types.js';

/** TIP-18 address type bytes. */
const ED25519_ADDRESS = 0;
const ALIAS_ADDRESS = 8;
const NFT_ADDRESS = 16;
/** Address bytes after the type byte: a BLAKE2b-256 hash or a 32-byte id. */
const ADDRESS_BYTES = 32;
/** BIP-173's length limit, which the SDK's bech32 crate enforces. */
const BECH32_LIMIT = 90;

/** `0x` hex of the UTF-8 bytes of `utf8`. */
export const utf8ToHex = (utf8: string): HexEncodedString => toHex(new TextEncoder().encode(utf8));

/** The UTF-8 text of `0x` hex bytes. */
export const hexToUtf8 = (hex: HexEncodedString): string => new TextDecoder().decode(messageBytes(hex));

let loggerNoticeShown = false;

/**
 * The SDK's `initLogger` configures the Rust logger of its native addon. There is no addon here, so it does
 * nothing; it says so once (a process warning), so nobody waits for log files that never come.
 */
export function initLogger(_config?: unknown): void {
  if (loggerNoticeShown) return;
  loggerNoticeShown = true;
  process.emitWarning('initLogger does nothing in stronghold-ts/iota: there is no native logger to configure', { code: 'STRONGHOLD_TS_NO_LOGGER' });
}

function encodeAddress(type: number, hex: unknown, hrp: unknown, field: string): string {
  const bytes = sdkGuard(() => messageBytes(hex));
  if (bytes.length !== ADDRESS_BYTES) throw sdkError(invalidArgument(field, `${ADDRESS_BYTES} bytes of 0x hex, got ${bytes.length}`));
  if (typeof hrp !== 'string' || !/^[\x21-\x7e]{1,83}$/.test(hrp)) throw sdkError(invalidArgument('bech32Hrp', 'a bech32 human-readable part'));
  return bech32.encode(hrp.toLowerCase(), bech32.toWords(Uint8Array.of(type, ...bytes)), BECH32_LIMIT);
}

function decodeAddress(address: unknown): { type: number; bytes: Uint8Array } | null {
  if (typeof address !== 'string') return null;
  try {
    const bytes = bech32.fromWords(bech32.decode(address as `${string}1${string}`, BECH32_LIMIT).words);
    const type = bytes[0];
    if (bytes.length !== 1 + ADDRESS_BYTES || (type !== ED25519_ADDRESS && type !== ALIAS_ADDRESS && type !== NFT_ADDRESS)) return null;
    return { type, bytes: bytes.subarray(1) };
  } catch {
    return null;
  }
}

function sdkGuard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw sdkError(e);
  }
}

/** The SDK's `Utils`, for the functions that need no node. Static methods, as in the SDK. */
export class Utils {
  /** A new 24-word English BIP-39 mnemonic (256 bits of entropy, as the SDK). */
  static generateMnemonic(): string {
    return generateMnemonic(wordlist, 256);
  }

  /**
   * Checks a mnemonic against the English word list and its checksum.
   * @throws StrongholdError `InvalidArgument` (field `mnemonic`; the message names no word)
   */
  static verifyMnemonic(mnemonic: string): void {
    if (typeof mnemonic !== 'string' || !validateMnemonic(mnemonic.trim(), wordlist)) {
      throw sdkError(invalidArgument('mnemonic', 'a BIP-39 English mnemonic with a valid checksum'));
    }
  }

  /** The bech32 Ed25519 address of a `0x` hex public key: BLAKE2b-256 of the key (TIP-31). */
  static hexPublicKeyToBech32Address(hex: HexEncodedString, bech32Hrp: string): string {
    const publicKey = sdkGuard(() => messageBytes(hex));
    if (publicKey.length !== 32) throw sdkError(invalidArgument('hex', `a 32-byte Ed25519 public key, got ${publicKey.length} bytes`));
    return encodeAddress(ED25519_ADDRESS, toHex(blake2b(publicKey, { dkLen: 32 })), bech32Hrp, 'hex');
  }

  /** The bech32 address of a `0x` hex Ed25519 address hash. */
  static hexToBech32(hex: HexEncodedString, bech32Hrp: string): string {
    return encodeAddress(ED25519_ADDRESS, hex, bech32Hrp, 'hex');
  }

  /** The bech32 address of an alias id. */
  static aliasIdToBech32(aliasId: HexEncodedString, bech32Hrp: string): string {
    return encodeAddress(ALIAS_ADDRESS, aliasId, bech32Hrp, 'aliasId');
  }

  /** The bech32 address of an NFT id. */
  static nftIdToBech32(nftId: HexEncodedString, bech32Hrp: string): string {
    return encodeAddress(NFT_ADDRESS, nftId, bech32Hrp, 'nftId');
  }

  /**
   * The `0x` hex of a bech32 address without its type byte (the Ed25519 hash, alias id or NFT id).
   * @throws StrongholdError `InvalidArgument` (not an Ed25519, alias or NFT address)
   */
  static bech32ToHex(bech32Address: string): HexEncodedString {
    const decoded = decodeAddress(bech32Address);
    if (!decoded) throw sdkError(invalidArgument('bech32', 'a bech32 Ed25519, alias or NFT address'));
    return toHex(decoded.bytes);
  }

  /** True for a bech32 Ed25519, alias or NFT address. */
  static isAddressValid(address: string): boolean {
    return decodeAddress(address) !== null;
  }

  /** Verifies an Ed25519 signature of `message` (`0x` hex) by its public key. */
  static verifyEd25519Signature(signature: Pick<Ed25519Signature, 'publicKey' | 'signature'>, message: HexEncodedString): boolean {
    return sdkGuard(() => ed25519.verify(messageBytes(signature.signature), messageBytes(message), messageBytes(signature.publicKey)));
  }
}
