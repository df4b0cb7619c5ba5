/**
 * Ed25519Sign: an RFC 8032 (pure Ed25519) signature with a stored key (Rust `Ed25519Sign{msg, private_key}`).
 *
 * Reads: `privateKey` (the first 32 bytes, the seed, of a record of at least 32, so 64-byte SLIP-10 records
 * work). Stores: nothing. Returns: the 64-byte signature R || S.
 * @module
 */
import { toHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import type { Procedure, ProcedureCall } from './types.js';

const TYPE = 'Ed25519Sign';

export interface Ed25519SignInput {
  privateKey: Location;
  msg: Uint8Array;
}

function build(i: { privateKey: unknown; msg: unknown }): Ed25519SignInput {
  return { privateKey: f.location(i.privateKey, 'privateKey', TYPE), msg: f.bytes(i.msg, 'msg', TYPE) };
}

export const Ed25519Sign: Procedure<Ed25519SignInput, Uint8Array> = {
  type: TYPE,
  parse(json) {
    f.onlyFields(json, ['privateKey', 'msg'], TYPE);
    return build({ privateKey: json.privateKey, msg: f.hex(json, 'msg', TYPE) });
  },
  locations: (i) => ({ inputs: [i.privateKey], outputs: [], vaults: [] }),
  run(ctx, i) {
    return ctx.use(TYPE, i.privateKey, (secret) => ctx.provider.ed25519Sign(f.privateKey(ctx.provider, 'ed25519', secret, 'privateKey', TYPE), i.msg));
  },
  outputToJSON: (sig) => toHex(sig),
};

/** Signs `msg` with the Ed25519 key at `privateKey`. */
export function ed25519Sign(input: { privateKey: f.LocationLike; msg: Uint8Array }): ProcedureCall<Ed25519SignInput, Uint8Array> {
  return f.call(Ed25519Sign, build(input));
}
