/**
 * FrostSign: FROST round two (RFC 9591 §5.2): the signature share of `message` under the signing package
 * `commitments`, with the share at `share` and the nonces at the handle `nonces`.
 *
 * Reads: `share`, then `nonces`. Stores: nothing; it revokes the nonce record and garbage-collects its vault
 * BEFORE the share is computed, so a handle signs at most once. Returns `{identifier, signatureShare}`.
 *
 * The nonce-safety rule (docs/threshold.md): the package is first checked against the share record
 * (t <= count <= n, distinct identifiers, the signer present); from the moment the nonce record has been read it
 * is gone, whatever happens next (a commitment that does not match the handle, a failed computation). Neither
 * revocation nor collection is undone by a chain's rollback. The vault change is only in memory here: whoever
 * releases the share must first make it durable (src/frost/persist.ts saves the snapshot before returning).
 * @module
 */
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import type { Location } from '../engine/location.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { bytesEqual, commitmentList, decodeNonces, decodeShare, hex, idOf, publicOf, timesBase, toNoble, type FrostCommitment } from './frost-records.js';

const TYPE = 'FrostSign';

/** Largest message: FROST signs the message itself (no prehash), and it may come from a peer. Our choice. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface FrostSignInput {
  share: Location;
  nonces: Location;
  message: Uint8Array;
  commitments: FrostCommitment[];
}

export interface FrostSignOutput {
  identifier: number;
  signatureShare: Uint8Array;
}

function build(i: { share: unknown; nonces: unknown; message: unknown; commitments: unknown }, fromJson = false): FrostSignInput {
  return {
    share: f.location(i.share, 'share', TYPE),
    nonces: f.location(i.nonces, 'nonces', TYPE),
    message: f.bytes(i.message, 'message', TYPE, { max: MAX_MESSAGE_BYTES }),
    commitments: commitmentList(i.commitments, 'commitments', TYPE, fromJson),
  };
}

/** Round two: the signature share of `message`; destroys the nonces at `nonces` first. */
export const frostSign = f.procedure<{ share: f.LocationLike; nonces: f.LocationLike; message: Uint8Array; commitments: FrostCommitment[] }, FrostSignInput, FrostSignOutput>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { share: ['frost-share'], nonces: ['frost-nonce'] }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['share', 'nonces', 'message', 'commitments'], TYPE);
    return build({
      share: f.required(json, 'share', TYPE),
      nonces: f.required(json, 'nonces', TYPE),
      message: f.hex(json, 'message', TYPE, { max: MAX_MESSAGE_BYTES }),
      commitments: f.required(json, 'commitments', TYPE),
    }, true);
  },
  locations: (i) => ({ inputs: [i.share, i.nonces], outputs: [], vaults: [i.nonces.vaultPath] }),
  run(ctx, i) {
    const signer = ctx.use('share', i.share, (secret) => {
      const s = decodeShare(secret, 'share', TYPE);
      const n = i.commitments.length;
      if (n < s.threshold || n > s.participants) throw invalidArgument('commitments', `between ${s.threshold} and ${s.participants} commitments, got ${n}`, TYPE);
      const outside = i.commitments.find((c) => c.identifier > s.participants);
      if (outside) throw invalidArgument('commitments', `identifiers 1..${s.participants}, got ${outside.identifier}`, TYPE);
      if (!i.commitments.some((c) => c.identifier === s.identifier)) throw invalidArgument('commitments', `a commitment of this signer (identifier ${s.identifier})`, TYPE);
      return s.identifier;
    });

    // The point of no return: once read, the nonces exist only in these two arrays. A record that is not a nonce
    // record this share made at this handle is refused before that, and left alone.
    const nonces = ctx.useMany([['share', i.share], ['nonces', i.nonces]], ([shareSecret, nonceSecret]) =>
      decodeNonces(ctx.provider, nonceSecret!, decodeShare(shareSecret!, 'share', TYPE), i.nonces, TYPE));
    try {
      ctx.revoke(i.nonces);
      ctx.garbageCollect(i.nonces.vaultPath);
      // The package must carry the commitments of these very nonces (RFC 9591 §5.2); noble checks it too.
      const own = i.commitments.find((c) => c.identifier === signer)!;
      if (!bytesEqual(own.hiding, timesBase(nonces.hiding)) || !bytesEqual(own.binding, timesBase(nonces.binding))) {
        throw invalidArgument('commitments', "this signer's commitment as FrostCommit returned it for the handle", TYPE);
      }
      const signatureShare = ctx.use('share', i.share, (secret) => {
        const s = decodeShare(secret, 'share', TYPE);
        try {
          return ed25519_FROST.signShare({ identifier: idOf(s.identifier), signingShare: s.signingShare }, publicOf(s),
            { hiding: nonces.hiding, binding: nonces.binding }, toNoble(i.commitments), i.message);
        } catch (e) {
          // Another signer's commitment that is not a valid point, for instance.
          throw new StrongholdError('ProcedureFailed', `${TYPE}: signing failed`, { procedure: TYPE, reason: 'invalid signing package' }, { cause: e });
        }
      });
      return { identifier: signer, signatureShare };
    } finally {
      wipe(nonces.hiding, nonces.binding);
    }
  },
  outputToJSON: (o) => ({ identifier: o.identifier, signatureShare: hex(o.signatureShare) }),
});
