/**
 * ConcatKdf: the NIST SP 800-56A §5.8.1 single-step KDF, JWA flavour (RFC 7518 §4.6.2)
 * (Rust `ConcatKdf{hash, algorithm_id, shared_secret, key_len, apu, apv, pub_info, priv_info, output}`).
 *
 * Round i (32-bit big-endian counter from 1) hashes
 * `i || Z || len32(alg) || alg || len32(apu) || apu || len32(apv) || apv || pubInfo || privInfo`;
 * `pubInfo` and `privInfo` are appended raw (the caller encodes keydatalen, e.g. `00000080`).
 * Reads: `sharedSecret` (Z). Stores: `keyLen` bytes (1..4096, our bound) at `output`. Returns: nothing.
 * Default policy: non-exportable (derived key material; never exportable when Z is not).
 * @module
 */
import { HASH_LENGTH, type HashName } from '../crypto/provider.js';
import type { Location } from '../engine/location.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { SYMMETRIC, type PolicyRequest } from './policy.js';

const TYPE = 'ConcatKdf';
const MAX_KEY_LEN = 4096;

export interface ConcatKdfInput {
  hashType: HashName;
  algorithmId: string;
  sharedSecret: Location;
  keyLen: number;
  apu: Uint8Array;
  apv: Uint8Array;
  pubInfo: Uint8Array;
  privInfo: Uint8Array;
  output: Location;
  policy?: PolicyRequest | undefined;
}

type Raw = { [K in keyof ConcatKdfInput]?: unknown };

function build(i: Raw): ConcatKdfInput {
  return {
    hashType: f.oneOf(i.hashType, f.HASH_TYPES, 'hashType', TYPE),
    algorithmId: f.string(i.algorithmId, 'algorithmId', TYPE),
    sharedSecret: f.location(i.sharedSecret, 'sharedSecret', TYPE),
    keyLen: f.int(i.keyLen, 'keyLen', TYPE, 1, MAX_KEY_LEN),
    apu: f.optBytes(i.apu, 'apu', TYPE),
    apv: f.optBytes(i.apv, 'apv', TYPE),
    pubInfo: f.optBytes(i.pubInfo, 'pubInfo', TYPE),
    privInfo: f.optBytes(i.privInfo, 'privInfo', TYPE),
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

function lengthPrefixed(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(data, 4);
  return out;
}

/** The hash input of round `counter` (wiped by the caller: it holds Z). */
function roundInput(counter: number, z: Uint8Array, i: ConcatKdfInput): Uint8Array {
  const parts = [new Uint8Array(4), z, lengthPrefixed(new TextEncoder().encode(i.algorithmId)), lengthPrefixed(i.apu), lengthPrefixed(i.apv), i.pubInfo, i.privInfo];
  new DataView(parts[0]!.buffer).setUint32(0, counter);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

/** Stores the `keyLen`-byte Concat KDF output of the shared secret at `output`. */
export const concatKdf = f.procedure<{
  hashType: HashName; algorithmId: string; sharedSecret: f.LocationLike; keyLen: number; output: f.LocationLike;
  apu?: Uint8Array; apv?: Uint8Array; pubInfo?: Uint8Array; privInfo?: Uint8Array; policy?: PolicyRequest;
}, ConcatKdfInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { sharedSecret: SYMMETRIC }, writes: { output: { kind: 'derived', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['hashType', 'algorithmId', 'sharedSecret', 'keyLen', 'apu', 'apv', 'pubInfo', 'privInfo', 'output', 'policy'], TYPE);
    return build({
      hashType: f.required(json, 'hashType', TYPE), algorithmId: f.required(json, 'algorithmId', TYPE), sharedSecret: json.sharedSecret,
      keyLen: f.required(json, 'keyLen', TYPE), apu: f.optHex(json, 'apu', TYPE), apv: f.optHex(json, 'apv', TYPE),
      pubInfo: f.optHex(json, 'pubInfo', TYPE), privInfo: f.optHex(json, 'privInfo', TYPE), output: json.output, policy: json.policy,
    });
  },
  locations: (i) => ({ inputs: [i.sharedSecret], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const hashLen = HASH_LENGTH[i.hashType];
    const key = new Uint8Array(Math.ceil(i.keyLen / hashLen) * hashLen);
    try {
      ctx.use('sharedSecret', i.sharedSecret, (z) => {
        for (let round = 1; (round - 1) * hashLen < i.keyLen; round++) {
          const input = roundInput(round, z, i);
          const digest = ctx.provider.sha2(i.hashType, input);
          key.set(digest, (round - 1) * hashLen);
          wipe(input, digest);
        }
      });
      ctx.write('output', i.output, key.subarray(0, i.keyLen), i.policy);
    } finally {
      wipe(key);
    }
  },
  outputToJSON: f.nullJSON,
});
