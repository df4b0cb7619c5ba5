/**
 * Slip10Derive: SLIP-10 derivation from a seed or from an extended key
 * (Rust `Slip10Derive{curve, chain, input, output}`; math in `slip10.ts`).
 *
 * Reads: `input.seed` (a seed record, any length: the master key comes from HMAC-SHA512) or `input.key` (a
 * SLIP-10 extended key of the same curve, exactly 64 bytes `sk || cc`, as this procedure stores). Stores: the
 * 64-byte child `sk || cc` at `output`, a SLIP-10 key of the curve. Returns: the 32-byte chain code. The chain
 * has at least one index; Ed25519 allows hardened indices only, secp256k1 both. Default policy: non-exportable.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { toHex } from '../assert.js';
import { secretBytes, wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { SEED, type PolicyRequest } from './policy.js';
import { derivePath, masterKey, type Slip10Curve } from './slip10.js';

const TYPE = 'Slip10Derive';
const CURVES: readonly Slip10Curve[] = ['ed25519', 'secp256k1'];

export type Slip10DeriveSource = { seed: Location } | { key: Location };

export interface Slip10DeriveInput {
  curve: Slip10Curve;
  chain: number[];
  input: Slip10DeriveSource;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function source(value: unknown): Slip10DeriveSource {
  const v = value as { seed?: unknown; key?: unknown } | null;
  if (typeof v === 'object' && v !== null && Object.keys(v).length === 1) {
    if (v.seed !== undefined) return { seed: f.location(v.seed, 'input.seed', TYPE) };
    if (v.key !== undefined) return { key: f.location(v.key, 'input.key', TYPE) };
  }
  throw invalidArgument('input', '{"seed": location} or {"key": location}', TYPE);
}

function build(i: { curve: unknown; chain: unknown; input: unknown; output: unknown; policy?: unknown }): Slip10DeriveInput {
  const curve = f.oneOf(i.curve, CURVES, 'curve', TYPE);
  const chain = f.chain(i.chain, 'chain', TYPE);
  // An empty path would store the parent itself under a new location, and return its chain code.
  if (chain.length === 0) throw invalidArgument('chain', 'at least one index (an empty path derives nothing)', TYPE);
  if (curve === 'ed25519') {
    const k = chain.findIndex((n) => !f.isHardened(n));
    if (k >= 0) throw invalidArgument(`chain[${k}]`, 'a hardened index: Ed25519 derivation is hardened only', TYPE);
  }
  return {
    curve, chain, input: source(i.input), output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

const sourceOf = (s: Slip10DeriveSource): Location => ('seed' in s ? s.seed : s.key);

/**
 * Derives `chain` (uint32 indices or `"44'"` strings) from a seed or key; stores `sk || cc` at `output`
 * and returns the chain code.
 */
export const slip10Derive = f.procedure<{
  curve: Slip10Curve; chain: readonly (number | string)[]; input: { seed: f.LocationLike } | { key: f.LocationLike };
  output: f.LocationLike; policy?: PolicyRequest;
}, Slip10DeriveInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { 'input.seed': SEED, 'input.key(ed25519)': ['slip10-ed25519', 'unknown'], 'input.key(secp256k1)': ['slip10-secp256k1', 'unknown'] },
    writes: { 'output(ed25519)': { kind: 'slip10-ed25519', exportable: false }, 'output(secp256k1)': { kind: 'slip10-secp256k1', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['curve', 'chain', 'input', 'output', 'policy'], TYPE);
    return build({ curve: f.required(json, 'curve', TYPE), chain: f.required(json, 'chain', TYPE), input: json.input, output: json.output, policy: json.policy });
  },
  locations: (i) => ({ inputs: [sourceOf(i.input)], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const from = sourceOf(i.input);
    const access = 'seed' in i.input ? 'input.seed' : `input.key(${i.curve})`;
    const child = ctx.use(access, from, (secret) => {
      let parent: Uint8Array;
      if ('seed' in i.input) parent = masterKey(ctx.provider, i.curve, secret);
      else {
        f.secretLength(secret, 'input.key', TYPE, { length: 64 });
        if (i.curve === 'secp256k1' && !ctx.provider.secp256k1IsValidSecretKey(secret.subarray(0, 32))) {
          throw invalidArgument('input.key', 'an extended key whose first 32 bytes are a valid secp256k1 scalar', TYPE);
        }
        parent = secretBytes(64);
        parent.set(secret);
      }
      try {
        return derivePath(ctx.provider, i.curve, parent, i.chain);
      } finally {
        wipe(parent);
      }
    });
    try {
      ctx.write(`output(${i.curve})`, i.output, child, i.policy);
      return child.slice(32);
    } finally {
      wipe(child);
    }
  },
  outputToJSON: (chainCode) => toHex(chainCode),
});
