/**
 * AeadDecrypt: AES-256-GCM or XChaCha20-Poly1305 decryption with a stored key
 * (Rust `AeadDecrypt{cipher, associated_data, ciphertext, tag, nonce, key}`).
 *
 * Reads: `key` (exactly 32 bytes). Stores: nothing. Returns: the plaintext of a ciphertext the caller
 * supplied, which is allowed even for a non-exportable key: it reveals nothing stored. A tag that does not
 * verify is InvalidArgument on `tag`, and no plaintext is released.
 * @module
 */
import type { Location } from '../engine/location.js';
import { toHex } from '../assert.js';
import { invalidArgument } from '../errors.js';
import { AEAD_CIPHERS, AEAD_NONCE_LENGTH, type AeadCipherName } from './aead-encrypt.js';
import * as f from './fields.js';
import { SYMMETRIC } from './policy.js';

const TYPE = 'AeadDecrypt';

export interface AeadDecryptInput {
  cipher: AeadCipherName;
  key: Location;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
  associatedData: Uint8Array;
}

function build(i: { cipher: unknown; key: unknown; nonce: unknown; ciphertext: unknown; tag: unknown; associatedData?: unknown }): AeadDecryptInput {
  const cipher = f.oneOf(i.cipher, AEAD_CIPHERS, 'cipher', TYPE);
  return {
    cipher,
    key: f.location(i.key, 'key', TYPE),
    nonce: f.bytes(i.nonce, 'nonce', TYPE, { length: AEAD_NONCE_LENGTH[cipher] }),
    ciphertext: f.bytes(i.ciphertext, 'ciphertext', TYPE),
    tag: f.bytes(i.tag, 'tag', TYPE, { length: 16 }),
    associatedData: f.optBytes(i.associatedData, 'associatedData', TYPE),
  };
}

/** Decrypts and authenticates `ciphertext` (tag given apart) under the key at `key`. */
export const aeadDecrypt = f.procedure<{
  cipher: AeadCipherName; key: f.LocationLike; nonce: Uint8Array; ciphertext: Uint8Array; tag: Uint8Array; associatedData?: Uint8Array;
}, AeadDecryptInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { key: SYMMETRIC }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['cipher', 'key', 'nonce', 'ciphertext', 'tag', 'associatedData'], TYPE);
    return build({
      cipher: f.required(json, 'cipher', TYPE), key: json.key, nonce: f.hex(json, 'nonce', TYPE), ciphertext: f.hex(json, 'ciphertext', TYPE),
      tag: f.hex(json, 'tag', TYPE), associatedData: f.optHex(json, 'associatedData', TYPE),
    });
  },
  locations: (i) => ({ inputs: [i.key], outputs: [], vaults: [] }),
  run(ctx, i) {
    const plaintext = ctx.use('key', i.key, (key) =>
      ctx.provider.aeadDecrypt(i.cipher, f.secretLength(key, 'key', TYPE, { length: 32 }), i.nonce, i.ciphertext, i.tag, i.associatedData));
    if (plaintext === null) throw invalidArgument('tag', 'a tag that authenticates the ciphertext, nonce and associated data under the key', TYPE);
    return plaintext;
  },
  outputToJSON: (plaintext) => toHex(plaintext),
});
