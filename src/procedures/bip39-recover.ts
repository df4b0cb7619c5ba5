/**
 * BIP39Recover: the seed of an existing mnemonic (Rust `BIP39Recover{passphrase, mnemonic, output}`).
 *
 * Reads: nothing. Stores: the 64-byte BIP-39 seed at `output`. Returns: nothing.
 * Unlike Rust, the mnemonic is validated (word count, wordlist, checksum; see `bip39.ts`). `language` is
 * optional: without it, an all-ASCII mnemonic is English and anything else Japanese. The mnemonic may be
 * a string or UTF-8 bytes; English bytes never become a JS string. Default policy: non-exportable.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { BIP39_LANGUAGES, BIP39_SEED_ITERATIONS, bip39Seed, detectLanguage, normalizeMnemonic, passphraseBytes, type Bip39Language } from './bip39.js';
import * as f from './fields.js';
import { type PolicyRequest } from './policy.js';

const TYPE = 'BIP39Recover';

export interface Bip39RecoverInput {
  mnemonic: string | Uint8Array;
  passphrase: string | Uint8Array;
  language: Bip39Language;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function text(value: unknown, field: string): string | Uint8Array {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw invalidArgument(field, 'a string or UTF-8 bytes', TYPE);
}

function build(i: { mnemonic: unknown; passphrase?: unknown; language?: unknown; output: unknown; policy?: unknown }): Bip39RecoverInput {
  const mnemonic = text(i.mnemonic, 'mnemonic');
  return {
    mnemonic,
    passphrase: text(i.passphrase ?? '', 'passphrase'),
    language: i.language === undefined ? detectLanguage(mnemonic) : f.oneOf(i.language, BIP39_LANGUAGES, 'language', TYPE),
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Validates `mnemonic` (string or UTF-8 bytes) and stores its BIP-39 seed at `output`. */
export const bip39Recover = f.procedure<{
  mnemonic: string | Uint8Array; output: f.LocationLike; passphrase?: string | Uint8Array; language?: Bip39Language; policy?: PolicyRequest;
}, Bip39RecoverInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: { output: { kind: 'seed', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['mnemonic', 'passphrase', 'language', 'output', 'policy'], TYPE);
    for (const k of ['mnemonic', 'passphrase'] as const) {
      if (json[k] !== undefined && typeof json[k] !== 'string') throw invalidArgument(k, 'a string', TYPE);
    }
    return build({ mnemonic: f.required(json, 'mnemonic', TYPE), passphrase: json.passphrase, language: json.language, output: json.output, policy: json.policy });
  },
  locations: (i) => ({ inputs: [], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const normalized = normalizeMnemonic(ctx.provider, i.mnemonic, i.language, TYPE);
    const passphrase = passphraseBytes(i.passphrase);
    let seed: Uint8Array | undefined;
    try {
      seed = bip39Seed(ctx.provider, normalized, passphrase);
      ctx.write('output', i.output, seed, i.policy);
    } finally {
      wipe(normalized, passphrase, seed);
    }
  },
  cost: () => ({ kdfIterations: BIP39_SEED_ITERATIONS }),
  outputToJSON: f.nullJSON,
});
