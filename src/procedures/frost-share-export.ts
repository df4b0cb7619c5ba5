/**
 * FrostShareExport: the share record at `share`, sealed to the participant it was dealt to.
 *
 * Reads: `share`. Stores: nothing. Returns the sealed share (ephemeral X25519, HKDF-SHA256, XChaCha20-Poly1305;
 * docs/threshold.md), readable only with the X25519 secret key whose public key FrostKeygen bound into the
 * record (`recipients`). This is the one way a share leaves a vault: a share dealt without a recipient is
 * never exportable, and no input can redirect it to another key.
 * @module
 */
import type { Location } from '../engine/location.js';
import { wipe } from '../memory/guarded.js';
import { policyViolation } from '../engine/policy.js';
import * as f from './fields.js';
import { decodeShare, encodeShare, hex, sealTo } from './frost-records.js';

const TYPE = 'FrostShareExport';

export interface FrostShareExportInput {
  share: Location;
}

function build(i: { share: unknown }): FrostShareExportInput {
  return { share: f.location(i.share, 'share', TYPE) };
}

/** Seals the share at `share` to its participant's X25519 key. */
export const frostShareExport = f.procedure<{ share: f.LocationLike }, FrostShareExportInput, Uint8Array>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { share: ['frost-share'] }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['share'], TYPE);
    return build({ share: f.required(json, 'share', TYPE) });
  },
  locations: (i) => ({ inputs: [i.share], outputs: [], vaults: [] }),
  run(ctx, i) {
    return ctx.use('share', i.share, (secret) => {
      const share = decodeShare(secret, 'share', TYPE);
      if (!share.recipient) throw policyViolation(TYPE, i.share, 'the share was dealt without a recipient, so it never leaves this vault', { field: 'share' });
      // Re-encoded rather than sealed in place, so that only the fields this version defines travel.
      const record = encodeShare(share);
      try {
        return sealTo(ctx.provider, share.recipient, record, TYPE);
      } finally {
        wipe(record);
      }
    });
  },
  outputToJSON: (sealed) => hex(sealed),
});
