/**
 * Hmac: HMAC-SHA2 (RFC 2104, vectors RFC 4231) with a stored key (Rust `Hmac{hash_type, msg, key}`).
 *
 * Reads: `key` (any length). Stores: nothing. Returns: the MAC, 32/48/64 bytes for sha256/384/512.
 * @module
 */
import { toHex } from '../assert.js';
import type { HashName } from '../crypto/provider.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { SYMMETRIC } from './policy.js';

const TYPE = 'Hmac';

export interface HmacInput {
  hashType: HashName;
  msg: Uint8Array;
  key: Location;
}

function build(i: { hashType: unknown; msg: unknown; key: unknown }): HmacInput {
  return { hashType: f.oneOf(i.hashType, f.HASH_TYPES, 'hashType', TYPE), msg: f.bytes(i.msg, 'msg', TYPE), key: f.location(i.key, 'key', TYPE) };
}

/** HMAC of `msg` under the key at `key`. */
export const hmac = f.procedure<{ hashType: HashName; msg: Uint8Array; key: f.LocationLike }, HmacInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { key: SYMMETRIC }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['hashType', 'msg', 'key'], TYPE);
    return build({ hashType: f.required(json, 'hashType', TYPE), msg: f.hex(json, 'msg', TYPE), key: json.key });
  },
  locations: (i) => ({ inputs: [i.key], outputs: [], vaults: [] }),
  run(ctx, i) {
    return ctx.use('key', i.key, (key) => ctx.provider.hmac(i.hashType, key, i.msg));
  },
  outputToJSON: (mac) => toHex(mac),
});
