/**
 * Ed25519Sign: an RFC 8032 (pure Ed25519) signature with a stored key (Rust `Ed25519Sign{msg, private_key}`).
 *
 * Reads: `privateKey` (the first 32 bytes, the seed, of a record of at least 32, so 64-byte SLIP-10 records
 * work). Stores: nothing. Returns: the 64-byte signature R || S.
 *
 * Speed: deriving the public key from the seed costs as much as the signature, so public keys are cached by
 * record version (record id plus the tag and nonce of its sealed blob, new on every write). The cache holds
 * only public keys, each derived here from the very secret it is used with, so it cannot pair a seed with a
 * foreign public key (which would leak the seed through two signatures of one message).
 * @module
 */
import { toHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { ED25519_KEY } from './policy.js';

const TYPE = 'Ed25519Sign';
/** Public keys kept; our choice: plenty for a signing server, about 100 bytes each. */
const PUBLIC_KEY_CACHE_SIZE = 4096;
const publicKeys = new Map<string, Uint8Array>();

function cachedPublicKey(version: string, derive: () => Uint8Array): Uint8Array {
  let pk = publicKeys.get(version);
  if (!pk) {
    pk = derive();
    if (publicKeys.size >= PUBLIC_KEY_CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value!);
    publicKeys.set(version, pk);
  }
  return pk;
}

export interface Ed25519SignInput {
  privateKey: Location;
  msg: Uint8Array;
}

function build(i: { privateKey: unknown; msg: unknown }): Ed25519SignInput {
  return { privateKey: f.location(i.privateKey, 'privateKey', TYPE), msg: f.bytes(i.msg, 'msg', TYPE) };
}

/** Signs `msg` with the Ed25519 key at `privateKey`. */
export const ed25519Sign = f.procedure<{ privateKey: f.LocationLike; msg: Uint8Array }, Ed25519SignInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { privateKey: ED25519_KEY }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['privateKey', 'msg'], TYPE);
    return build({ privateKey: json.privateKey, msg: f.hex(json, 'msg', TYPE) });
  },
  locations: (i) => ({ inputs: [i.privateKey], outputs: [], vaults: [] }),
  run(ctx, i) {
    const version = ctx.versionOf(i.privateKey);
    return ctx.use('privateKey', i.privateKey, (secret) => {
      const seed = f.privateKey(ctx.provider, 'ed25519', secret, 'privateKey', TYPE);
      return ctx.provider.ed25519Sign(seed, i.msg, cachedPublicKey(`${ctx.provider.name}:${version}`, () => ctx.provider.ed25519PublicKey(seed)));
    });
  },
  outputToJSON: (sig) => toHex(sig),
});
