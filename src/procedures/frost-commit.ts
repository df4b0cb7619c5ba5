/**
 * FrostCommit: FROST round one (RFC 9591 §5.1) for the share at `share`.
 *
 * Reads: `share` (a share record). Stores: the hiding and binding nonces at `nonces`, which must be a fresh
 * location (the nonce handle); the record is non-exportable and only FrostSign may open it, once. Returns the
 * commitment `{identifier, hiding, binding}` (public) and the handle.
 *
 * Each nonce is H3(32 random bytes || share), as RFC 9591 §4.1 `nonce_generate`: the share's entropy guards
 * against a weak random source. The nonces never leave the vault.
 * @module
 */
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import type { Location } from '../engine/location.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { commitmentToJSON, decodeShare, encodeNonces, frostRng, idOf, locationJSON, type FrostCommitment } from './frost-records.js';

const TYPE = 'FrostCommit';

export interface FrostCommitInput {
  share: Location;
  nonces: Location;
}

export interface FrostCommitOutput {
  commitment: FrostCommitment;
  /** The nonce handle: the location FrostSign takes as `nonces`. */
  nonces: Location;
}

function build(i: { share: unknown; nonces: unknown }): FrostCommitInput {
  const share = f.location(i.share, 'share', TYPE);
  const nonces = f.location(i.nonces, 'nonces', TYPE);
  if (share.vaultKey === nonces.vaultKey && share.recordKey === nonces.recordKey) throw invalidArgument('nonces', 'a location other than the share', TYPE);
  return { share, nonces };
}

/** Round one for the share at `share`: stores fresh nonces at the handle `nonces`, returns the commitment. */
export const frostCommit = f.procedure<{ share: f.LocationLike; nonces: f.LocationLike }, FrostCommitInput, FrostCommitOutput>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { share: ['frost-share'] }, writes: { nonces: { kind: 'frost-nonce', exportable: false, allowed: ['FrostSign'] } } },
  parse(json) {
    f.onlyFields(json, ['share', 'nonces'], TYPE);
    return build({ share: f.required(json, 'share', TYPE), nonces: f.required(json, 'nonces', TYPE) });
  },
  locations: (i) => ({ inputs: [i.share], outputs: [i.nonces], vaults: [] }),
  run(ctx, i) {
    // A handle names one nonce pair for its whole life: never replace a pending pair.
    if (ctx.recordExists(i.nonces)) throw invalidArgument('nonces', 'a fresh location (a record exists there)', TYPE);
    return ctx.use('share', i.share, (secret) => {
      const share = decodeShare(secret, 'share', TYPE);
      let gen: ReturnType<typeof ed25519_FROST.commit>;
      try {
        gen = ed25519_FROST.commit({ identifier: idOf(share.identifier), signingShare: share.signingShare }, frostRng(ctx.provider));
      } catch (e) {
        throw new StrongholdError('ProcedureFailed', `${TYPE}: nonce generation failed`, { procedure: TYPE, reason: 'commit failed' }, { cause: e });
      }
      const record = encodeNonces(ctx.provider, share, i.nonces, gen.nonces.hiding, gen.nonces.binding);
      try {
        ctx.write('nonces', i.nonces, record);
      } finally {
        wipe(record, gen.nonces.hiding, gen.nonces.binding);
      }
      const c = gen.commitments;
      return { commitment: { identifier: share.identifier, hiding: Uint8Array.from(c.hiding), binding: Uint8Array.from(c.binding) }, nonces: i.nonces };
    });
  },
  outputToJSON: (o) => ({ ...commitmentToJSON(o.commitment), nonces: locationJSON(o.nonces) }),
});
