/**
 * BIP39Generate: a new 24-word mnemonic and its seed (Rust `BIP39Generate{passphrase, language, output}`).
 *
 * Reads: nothing. Stores: the 64-byte BIP-39 seed of 32 random bytes of entropy at `output`.
 * Returns: the mnemonic, the one secret a procedure returns by design, as UTF-8 bytes so that the caller
 * can wipe it (the JSON form returns a string). Japanese words are joined by U+3000 (the reference vectors'
 * form). Default policy: non-exportable.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { secretBytes, wipe } from '../memory/guarded.js';
import { BIP39_LANGUAGES, bip39FromEntropy, bip39NormalizedFromEntropy, BIP39_SEED_ITERATIONS, bip39Seed, passphraseBytes, type Bip39Language } from './bip39.js';
import * as f from './fields.js';
import { type PolicyRequest } from './policy.js';

const TYPE = 'BIP39Generate';

export interface Bip39GenerateInput {
  passphrase: string | Uint8Array;
  language: Bip39Language;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { passphrase?: unknown; language?: unknown; output: unknown; policy?: unknown }): Bip39GenerateInput {
  const p = i.passphrase ?? '';
  return {
    passphrase: typeof p === 'string' ? p : f.bytes(p, 'passphrase', TYPE),
    language: i.language === undefined ? 'english' : f.oneOf(i.language, BIP39_LANGUAGES, 'language', TYPE),
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Generates a mnemonic, stores its seed at `output`, returns the mnemonic as UTF-8 bytes (wipe them when done). */
export const bip39Generate = f.procedure<{
  output: f.LocationLike; passphrase?: string | Uint8Array; language?: Bip39Language; policy?: PolicyRequest;
}, Bip39GenerateInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: { output: { kind: 'seed', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['passphrase', 'language', 'output', 'policy'], TYPE);
    if (json.passphrase !== undefined && typeof json.passphrase !== 'string') throw invalidArgument('passphrase', 'a string', TYPE);
    return build({ passphrase: json.passphrase, language: json.language, output: json.output, policy: json.policy });
  },
  locations: (i) => ({ inputs: [], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const entropy = ctx.provider.randomFill(secretBytes(32));
    const passphrase = passphraseBytes(i.passphrase);
    const normalized = bip39NormalizedFromEntropy(ctx.provider, entropy, i.language);
    let seed: Uint8Array | undefined;
    try {
      seed = bip39Seed(ctx.provider, normalized, passphrase);
      ctx.write('output', i.output, seed, i.policy);
      return bip39FromEntropy(ctx.provider, entropy, i.language);
    } finally {
      wipe(entropy, passphrase, normalized, seed);
    }
  },
  cost: () => ({ kdfIterations: BIP39_SEED_ITERATIONS }),
  outputToJSON: (mnemonic) => new TextDecoder().decode(mnemonic),
});
