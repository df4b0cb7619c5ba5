/**
 * AesKeyWrapEncrypt: RFC 3394 AES-256 key wrap of one stored key under another
 * (Rust `AesKeyWrapEncrypt{cipher, encryption_key, wrap_key}`).
 *
 * Reads: `encryptionKey` (the KEK, exactly 32 bytes) and `wrapKey` (the key being wrapped: a multiple of
 * 8 bytes, at least 16). Stores: nothing. Returns: the wrapped key (its length + 8).
 * Policy: this exports `wrapKey`, so it must be exportable (the engine refuses otherwise, before anything
 * is opened): that closes Rust's "write a known KEK, wrap any record under it" exfiltration.
 * Using a non-exportable KEK is fine.
 * @module
 */
import { toHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import * as f from './fields.js';
import { MOVABLE, SYMMETRIC } from './policy.js';

const TYPE = 'AesKeyWrapEncrypt';

export interface AesKeyWrapEncryptInput {
  cipher: 'aes256';
  encryptionKey: Location;
  wrapKey: Location;
}

function build(i: { cipher?: unknown; encryptionKey: unknown; wrapKey: unknown }): AesKeyWrapEncryptInput {
  return {
    cipher: i.cipher === undefined ? 'aes256' : f.oneOf(i.cipher, ['aes256'] as const, 'cipher', TYPE),
    encryptionKey: f.location(i.encryptionKey, 'encryptionKey', TYPE),
    wrapKey: f.location(i.wrapKey, 'wrapKey', TYPE),
  };
}

/** Wraps the (exportable) key at `wrapKey` under the KEK at `encryptionKey`. */
export const aesKeyWrapEncrypt = f.procedure<{
  encryptionKey: f.LocationLike; wrapKey: f.LocationLike; cipher?: 'aes256';
}, AesKeyWrapEncryptInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { encryptionKey: SYMMETRIC, wrapKey: MOVABLE }, releases: ['wrapKey'], writes: {} },
  parse(json) {
    f.onlyFields(json, ['cipher', 'encryptionKey', 'wrapKey'], TYPE);
    return build({ cipher: f.required(json, 'cipher', TYPE), encryptionKey: json.encryptionKey, wrapKey: json.wrapKey });
  },
  locations: (i) => ({ inputs: [i.encryptionKey, i.wrapKey], outputs: [], vaults: [] }),
  run(ctx, i) {
    return ctx.useMany([['encryptionKey', i.encryptionKey], ['wrapKey', i.wrapKey]], ([kek, key]) => {
      f.secretLength(kek!, 'encryptionKey', TYPE, { length: 32 });
      if (key!.length < 16 || key!.length % 8 !== 0) throw invalidArgument('wrapKey', `a record of 16 or more bytes, a multiple of 8, got ${key!.length}`, TYPE);
      return ctx.provider.aesKeyWrap(kek!, key!);
    });
  },
  outputToJSON: (wrapped) => toHex(wrapped),
});
