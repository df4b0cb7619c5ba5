/**
 * BIP-39 (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) for English and Japanese, on the
 * provider's SHA-256 and PBKDF2, with the @scure/bip39 wordlists (public data, NFKD form).
 *
 * Secrets never become JS strings on the English path: the mnemonic is built, split and checked as UTF-8
 * bytes against the wordlist's bytes, and the seed is PBKDF2 over those bytes. The Japanese path decodes
 * to a string for NFKD normalisation (the words carry dakuten that the input may have composed), which
 * JavaScript cannot wipe: prefer English for long-lived secrets.
 *
 * Unlike Rust's BIP39Recover, recovery validates the word count, every word and the checksum, and errors say
 * which word (by position) is wrong, never the word. Words must be separated by single spaces (U+3000 or
 * U+0020 for Japanese), so every accepted mnemonic gives the same seed as the reference implementations.
 * @module
 */
import { wordlist as englishWords } from '@scure/bip39/wordlists/english.js';
import { wordlist as japaneseWords } from '@scure/bip39/wordlists/japanese.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';

export type Bip39Language = 'english' | 'japanese';
export const BIP39_LANGUAGES: readonly Bip39Language[] = ['english', 'japanese'];

const NAME: Record<Bip39Language, string> = { english: 'English', japanese: 'Japanese' };
const WORDS: Record<Bip39Language, readonly string[]> = { english: englishWords, japanese: japaneseWords };
/** Separator in a generated mnemonic: Japanese uses the ideographic space, as the reference vectors do. */
const SEPARATOR: Record<Bip39Language, Uint8Array> = { english: Uint8Array.of(0x20), japanese: Uint8Array.of(0xe3, 0x80, 0x80) };
const SPACE = 0x20;
const encoder = new TextEncoder();
const wordBytes = new Map<Bip39Language, Uint8Array[]>();
let japaneseIndex: Map<string, number> | undefined;

function bytesOf(language: Bip39Language): Uint8Array[] {
  let list = wordBytes.get(language);
  if (!list) wordBytes.set(language, (list = WORDS[language].map((w) => encoder.encode(w.normalize('NFKD')))));
  return list;
}

function concat(parts: Uint8Array[], separator: Uint8Array): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0) + separator.length * Math.max(0, parts.length - 1);
  const out = new Uint8Array(total);
  let at = 0;
  parts.forEach((p, i) => {
    if (i > 0) (out.set(separator, at), (at += separator.length));
    out.set(p, at);
    at += p.length;
  });
  return out;
}

/** 11-bit word indices of entropy || checksum (ENT/32 bits of SHA-256(entropy)). */
function toIndices(provider: CryptoProvider, entropy: Uint8Array): Uint16Array {
  const hash = provider.sha2('sha256', entropy);
  const bits = entropy.length * 8 + entropy.length / 4;
  const indices = new Uint16Array(bits / 11);
  const bit = (k: number): number => {
    const byte = k < entropy.length * 8 ? entropy[k >> 3]! : hash[(k - entropy.length * 8) >> 3]!;
    return (byte >> (7 - (k & 7))) & 1;
  };
  for (let w = 0; w < indices.length; w++) {
    let v = 0;
    for (let b = 0; b < 11; b++) v = (v << 1) | bit(w * 11 + b);
    indices[w] = v;
  }
  wipe(hash);
  return indices;
}

function fromEntropy(provider: CryptoProvider, entropy: Uint8Array, language: Bip39Language, separator: Uint8Array): Uint8Array {
  if (entropy.length < 16 || entropy.length > 32 || entropy.length % 4 !== 0) throw invalidArgument('entropy', '16, 20, 24, 28 or 32 bytes');
  const indices = toIndices(provider, entropy);
  const words = bytesOf(language);
  const parts: Uint8Array[] = [];
  for (const i of indices) parts.push(words[i]!);
  const mnemonic = concat(parts, separator);
  parts.length = 0;
  indices.fill(0);
  return mnemonic;
}

/** The mnemonic (UTF-8 bytes) for 16..32 bytes of entropy. Exported for vector tests; BIP39Generate uses it. */
export function bip39FromEntropy(provider: CryptoProvider, entropy: Uint8Array, language: Bip39Language): Uint8Array {
  return fromEntropy(provider, entropy, language, SEPARATOR[language]);
}

/** The same mnemonic normalised for PBKDF2 (the words are NFKD already; U+3000 becomes U+0020). */
export function bip39NormalizedFromEntropy(provider: CryptoProvider, entropy: Uint8Array, language: Bip39Language): Uint8Array {
  return fromEntropy(provider, entropy, language, Uint8Array.of(SPACE));
}

/** PBKDF2 iterations of a BIP-39 seed (the standard's fixed count): the `cost` of BIP39Generate and BIP39Recover. */
export const BIP39_SEED_ITERATIONS = 2048;

/** Seed = PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" || passphrase, 2048, 64); both already NFKD, words joined by U+0020. */
export function bip39Seed(provider: CryptoProvider, normalizedMnemonic: Uint8Array, passphrase: Uint8Array): Uint8Array {
  const salt = concat([encoder.encode('mnemonic'), passphrase], new Uint8Array(0));
  try {
    return provider.pbkdf2('sha512', normalizedMnemonic, salt, BIP39_SEED_ITERATIONS, 64);
  } finally {
    wipe(salt);
  }
}

/** A passphrase as NFKD UTF-8 bytes (a string is normalised; bytes are taken as already normalised). */
export function passphraseBytes(passphrase: string | Uint8Array): Uint8Array {
  return typeof passphrase === 'string' ? encoder.encode(passphrase.normalize('NFKD')) : Uint8Array.from(passphrase);
}

/** 'english' when every byte is ASCII, else 'japanese'. */
export function detectLanguage(mnemonic: string | Uint8Array): Bip39Language {
  if (typeof mnemonic === 'string') return /^[\x00-\x7f]*$/.test(mnemonic) ? 'english' : 'japanese';
  return mnemonic.every((b) => b < 0x80) ? 'english' : 'japanese';
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Binary search in the English list, which is sorted in byte order. */
function englishIndex(word: Uint8Array): number {
  const list = bytesOf('english');
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(word, list[mid]!);
    if (c === 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

function invalid(expected: string, procedure: string): Error {
  return invalidArgument('mnemonic', expected, procedure);
}

/** Splits normalised bytes on single spaces; rejects empty words (leading, trailing or double spaces). */
function splitWords(bytes: Uint8Array, procedure: string): Uint8Array[] {
  const words: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === SPACE) {
      if (i === start) throw invalid('words separated by single spaces, without leading or trailing spaces', procedure);
      words.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return words;
}

/** Checks word count, wordlist and checksum of normalised mnemonic bytes. */
function check(provider: CryptoProvider, normalized: Uint8Array, language: Bip39Language, procedure: string): void {
  const words = splitWords(normalized, procedure);
  if (![12, 15, 18, 21, 24].includes(words.length)) throw invalid(`12, 15, 18, 21 or 24 words, got ${words.length}`, procedure);
  const indices = new Uint16Array(words.length);
  const decoder = new TextDecoder();
  if (language === 'japanese') japaneseIndex ??= new Map(bytesOf('japanese').map((w, i) => [decoder.decode(w), i]));
  const entropy = new Uint8Array((words.length * 11 * 32) / 33 / 8);
  try {
    words.forEach((w, k) => {
      const i = language === 'english' ? englishIndex(w) : (japaneseIndex!.get(decoder.decode(w)) ?? -1);
      if (i < 0) throw invalid(`word ${k + 1} to be in the ${NAME[language]} wordlist`, procedure);
      indices[k] = i;
    });
    for (let b = 0; b < entropy.length * 8; b++) {
      const bit = (indices[Math.floor(b / 11)]! >> (10 - (b % 11))) & 1;
      entropy[b >> 3]! |= bit << (7 - (b & 7));
    }
    const expected = toIndices(provider, entropy);
    const ok = expected[expected.length - 1] === indices[indices.length - 1];
    expected.fill(0);
    if (!ok) throw invalid('words whose BIP-39 checksum matches (the checksum does not match)', procedure);
  } finally {
    indices.fill(0);
    wipe(entropy);
  }
}

/**
 * Validates a mnemonic and returns it normalised for PBKDF2 (the caller wipes it). English bytes never
 * become a string; a string, or Japanese input, is NFKD-normalised first.
 */
export function normalizeMnemonic(provider: CryptoProvider, mnemonic: string | Uint8Array, language: Bip39Language, procedure: string): Uint8Array {
  let normalized: Uint8Array;
  if (language === 'english' && mnemonic instanceof Uint8Array) normalized = Uint8Array.from(mnemonic);
  else {
    const text = typeof mnemonic === 'string' ? mnemonic : new TextDecoder().decode(mnemonic);
    normalized = encoder.encode(text.normalize('NFKD'));
  }
  try {
    check(provider, normalized, language, procedure);
    return normalized;
  } catch (e) {
    wipe(normalized);
    throw e;
  }
}
