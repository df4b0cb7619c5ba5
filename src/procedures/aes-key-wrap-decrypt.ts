/**
 * AesKeyWrapDecrypt: RFC 3394 AES-256 key unwrap into a record
 * (Rust `AesKeyWrapDecrypt{cipher, decryption_key, wrapped_key, output}`).
 *
 * Reads: `decryptionKey` (the KEK, exactly 32 bytes). Stores: the unwrapped key (`wrappedKey` length − 8)
 * at `output`. Returns: nothing. A failing integrity check is InvalidArgument on `wrappedKey`.
 * Default policy: non-exportable (unwrapping is how keys are imported; never exportable when the KEK is not).
 * Unlike Rust, a failed chain removes this output too.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import * as f from './fields.js';
import { SYMMETRIC, type PolicyRequest } from './policy.js';

const TYPE = 'AesKeyWrapDecrypt';

export interface AesKeyWrapDecryptInput {
  cipher: 'aes256';
  decryptionKey: Location;
  wrappedKey: Uint8Array;
  output: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { cipher?: unknown; decryptionKey: unknown; wrappedKey: unknown; output: unknown; policy?: unknown }): AesKeyWrapDecryptInput {
  const wrappedKey = f.bytes(i.wrappedKey, 'wrappedKey', TYPE, { min: 24 });
  if (wrappedKey.length % 8 !== 0) throw invalidArgument('wrappedKey', `a multiple of 8 bytes, got ${wrappedKey.length}`, TYPE);
  return {
    cipher: i.cipher === undefined ? 'aes256' : f.oneOf(i.cipher, ['aes256'] as const, 'cipher', TYPE),
    decryptionKey: f.location(i.decryptionKey, 'decryptionKey', TYPE),
    wrappedKey,
    output: f.location(i.output, 'output', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Unwraps `wrappedKey` with the KEK at `decryptionKey` and stores the key at `output`. */
export const aesKeyWrapDecrypt = f.procedure<{
  decryptionKey: f.LocationLike; wrappedKey: Uint8Array; output: f.LocationLike; cipher?: 'aes256'; policy?: PolicyRequest;
}, AesKeyWrapDecryptInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { decryptionKey: SYMMETRIC }, writes: { output: { kind: 'symmetric', exportable: false } } },
  parse(json) {
    f.onlyFields(json, ['cipher', 'decryptionKey', 'wrappedKey', 'output', 'policy'], TYPE);
    return build({
      cipher: f.required(json, 'cipher', TYPE), decryptionKey: json.decryptionKey, wrappedKey: f.hex(json, 'wrappedKey', TYPE),
      output: json.output, policy: json.policy,
    });
  },
  locations: (i) => ({ inputs: [i.decryptionKey], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    const key = ctx.use('decryptionKey', i.decryptionKey, (kek) => ctx.provider.aesKeyUnwrap(f.secretLength(kek, 'decryptionKey', TYPE, { length: 32 }), i.wrappedKey));
    if (key === null) throw invalidArgument('wrappedKey', 'a key wrapped under decryptionKey (the integrity check failed)', TYPE);
    f.store(ctx, 'output', i.output, key, i.policy);
  },
  outputToJSON: f.nullJSON,
});
