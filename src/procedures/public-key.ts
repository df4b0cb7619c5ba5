/**
 * PublicKey: the public key of a stored private key (Rust `PublicKey{ty, private_key}`).
 *
 * Reads: `privateKey` (Ed25519/secp256k1: the first 32 bytes of at least 32; X25519: exactly 32).
 * Stores: nothing. Returns: Ed25519 32 bytes (RFC 8032), X25519 32 bytes (RFC 7748), secp256k1 the
 * 33-byte compressed SEC1 point.
 * @module
 */
import { toHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { ED25519_KEY, SECP256K1_KEY, X25519_KEY } from './policy.js';

const TYPE = 'PublicKey';

export interface PublicKeyInput {
  keyType: f.KeyType;
  privateKey: Location;
}

function build(i: { keyType: unknown; privateKey: unknown }): PublicKeyInput {
  return { keyType: f.oneOf(i.keyType, f.KEY_TYPES, 'keyType', TYPE), privateKey: f.location(i.privateKey, 'privateKey', TYPE) };
}

/** The public key of the `keyType` private key at `privateKey`. */
export const publicKey = f.procedure<{ keyType: f.KeyType; privateKey: f.LocationLike }, PublicKeyInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { 'privateKey(ed25519)': ED25519_KEY, 'privateKey(x25519)': X25519_KEY, 'privateKey(secp256k1)': SECP256K1_KEY }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['keyType', 'privateKey'], TYPE);
    return build({ keyType: f.required(json, 'keyType', TYPE), privateKey: json.privateKey });
  },
  locations: (i) => ({ inputs: [i.privateKey], outputs: [], vaults: [] }),
  run(ctx, i) {
    const p = ctx.provider;
    return ctx.use(`privateKey(${i.keyType})`, i.privateKey, (secret) => {
      const key = f.privateKey(p, i.keyType, secret, 'privateKey', TYPE);
      if (i.keyType === 'ed25519') return p.ed25519PublicKey(key);
      if (i.keyType === 'x25519') return p.x25519PublicKey(key);
      return p.secp256k1PublicKey(key, true);
    });
  },
  outputToJSON: (pk) => toHex(pk),
});
