/**
 * AeadEncrypt: AES-256-GCM or XChaCha20-Poly1305 with a stored key
 * (Rust `AeadEncrypt{cipher, associated_data, plaintext, nonce, key}`).
 *
 * Reads: `key` (exactly 32 bytes). Stores: nothing. Returns: `tag(16) || ciphertext`, Rust's layout.
 * The caller supplies the nonce: 12 bytes for `aes256gcm`, 24 for `xchacha20poly1305`; never reuse one
 * with the same key.
 * @module
 */
import { toHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { SYMMETRIC } from './policy.js';

const TYPE = 'AeadEncrypt';

export type AeadCipherName = 'aes256gcm' | 'xchacha20poly1305';
export const AEAD_CIPHERS: readonly AeadCipherName[] = ['aes256gcm', 'xchacha20poly1305'];
export const AEAD_NONCE_LENGTH: Record<AeadCipherName, number> = { aes256gcm: 12, xchacha20poly1305: 24 };

export interface AeadEncryptInput {
  cipher: AeadCipherName;
  key: Location;
  nonce: Uint8Array;
  plaintext: Uint8Array;
  associatedData: Uint8Array;
}

function build(i: { cipher: unknown; key: unknown; nonce: unknown; plaintext: unknown; associatedData?: unknown }): AeadEncryptInput {
  const cipher = f.oneOf(i.cipher, AEAD_CIPHERS, 'cipher', TYPE);
  return {
    cipher,
    key: f.location(i.key, 'key', TYPE),
    nonce: f.bytes(i.nonce, 'nonce', TYPE, { length: AEAD_NONCE_LENGTH[cipher] }),
    plaintext: f.bytes(i.plaintext, 'plaintext', TYPE),
    associatedData: f.optBytes(i.associatedData, 'associatedData', TYPE),
  };
}

/** Encrypts `plaintext` under the key at `key`; returns tag || ciphertext. */
export const aeadEncrypt = f.procedure<{
  cipher: AeadCipherName; key: f.LocationLike; nonce: Uint8Array; plaintext: Uint8Array; associatedData?: Uint8Array;
}, AeadEncryptInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { key: SYMMETRIC }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['cipher', 'key', 'nonce', 'plaintext', 'associatedData'], TYPE);
    return build({
      cipher: f.required(json, 'cipher', TYPE), key: json.key, nonce: f.hex(json, 'nonce', TYPE),
      plaintext: f.hex(json, 'plaintext', TYPE), associatedData: f.optHex(json, 'associatedData', TYPE),
    });
  },
  locations: (i) => ({ inputs: [i.key], outputs: [], vaults: [] }),
  run(ctx, i) {
    const { tag, ciphertext } = ctx.use('key', i.key, (key) =>
      ctx.provider.aeadEncrypt(i.cipher, f.secretLength(key, 'key', TYPE, { length: 32 }), i.nonce, i.plaintext, i.associatedData));
    const out = new Uint8Array(tag.length + ciphertext.length);
    out.set(tag, 0);
    out.set(ciphertext, tag.length);
    return out;
  },
  outputToJSON: (sealed) => toHex(sealed),
});
