/**
 * FrostShareImport: stores a share sealed by FrostShareExport, opened with this participant's X25519 key.
 *
 * Reads: `key` (the 32-byte X25519 secret key whose public key the dealer bound to the share). Stores: the share
 * record at `output` (which must not exist), non-exportable, usable only by FrostCommit, FrostSign and FrostShareExport (sealed back to
 * this same key). Returns the public part: `{identifier, threshold, participants, groupPublicKey, verifyingShare}`.
 *
 * The share is checked against the dealer's VSS commitments it carries (RFC 9591 Appendix C.2 `vss_verify`), so
 * a share that does not lie on the dealt polynomial is refused before it is stored.
 * @module
 */
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { FROST_KEY_PROCEDURES, X25519_KEY } from './policy.js';
import { bytesEqual, decodeShare, hex, idOf, openSealed, publicOf, SEALED_MAX, SEALED_MIN, timesBase } from './frost-records.js';
import { SHARE_RULE } from './frost-keygen.js';

const TYPE = 'FrostShareImport';

export interface FrostShareImportInput {
  sealed: Uint8Array;
  key: Location;
  output: Location;
}

export interface FrostShareInfo {
  identifier: number;
  threshold: number;
  participants: number;
  groupPublicKey: Uint8Array;
  verifyingShare: Uint8Array;
}

function build(i: { sealed: unknown; key: unknown; output: unknown }): FrostShareImportInput {
  return {
    sealed: f.bytes(i.sealed, 'sealed', TYPE, { min: SEALED_MIN, max: SEALED_MAX }),
    key: f.location(i.key, 'key', TYPE),
    output: f.location(i.output, 'output', TYPE),
  };
}

/** Opens `sealed` with the X25519 key at `key` and stores the share at `output`. */
export const frostShareImport = f.procedure<{ sealed: Uint8Array; key: f.LocationLike; output: f.LocationLike }, FrostShareImportInput, FrostShareInfo>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { key: X25519_KEY }, confined: { key: FROST_KEY_PROCEDURES }, writes: { output: SHARE_RULE } },
  parse(json) {
    f.onlyFields(json, ['sealed', 'key', 'output'], TYPE);
    return build({ sealed: f.hex(json, 'sealed', TYPE), key: f.required(json, 'key', TYPE), output: f.required(json, 'output', TYPE) });
  },
  locations: (i) => ({ inputs: [i.key], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    // A share is never replaced: an import over one would silently lose it.
    if (ctx.recordExists(i.output)) throw invalidArgument('output', 'a fresh location (a record exists there)', TYPE);
    const record = ctx.use('key', i.key, (sk) => {
      f.secretLength(sk, 'key', TYPE, { length: 32 });
      const opened = openSealed(ctx.provider, sk, i.sealed);
      if (!opened) throw invalidArgument('sealed', 'a share sealed to this key (it does not authenticate)', TYPE);
      const rpk = ctx.provider.x25519PublicKey(sk);
      return { opened, rpk };
    });
    try {
      const share = decodeShare(record.opened, 'sealed', TYPE);
      if (!share.recipient || !bytesEqual(share.recipient, record.rpk)) throw invalidArgument('sealed', 'a share dealt to this key', TYPE);
      try {
        ed25519_FROST.validateSecret({ identifier: idOf(share.identifier), signingShare: share.signingShare }, publicOf(share));
      } catch {
        throw invalidArgument('sealed', "a share consistent with the dealer's commitments", TYPE);
      }
      const info = {
        identifier: share.identifier, threshold: share.threshold, participants: share.participants,
        groupPublicKey: share.commitments[0]!, verifyingShare: timesBase(share.signingShare),
      };
      ctx.write('output', i.output, record.opened);
      return info;
    } finally {
      wipe(record.opened);
    }
  },
  outputToJSON: (o) => ({
    identifier: o.identifier, threshold: o.threshold, participants: o.participants,
    groupPublicKey: hex(o.groupPublicKey), verifyingShare: hex(o.verifyingShare),
  }),
});
