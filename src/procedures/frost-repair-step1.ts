/**
 * FrostRepairStep1: a helper's first step in repairing participant `for`'s lost share (frost-repair-records.ts).
 *
 * Reads: `share` (this helper's share, from a key generation: it names the participants' X25519 keys). Stores:
 * nothing. Returns the key set's public package and, for every helper j, a random piece of λ_i(for)·s_i sealed to
 * j's key as the share names it, and signed with the share (step two sums only pieces their sender signed); the
 * pieces sum to λ_i(for)·s_i, so no single piece, and no set short of all of them, tells anything about the share.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { evaluateCommitments, Fn, messageContext, randomScalar, sealedToJSON, type SealedMessage } from './frost-dkg-records.js';
import { groupToJSON } from './frost-keygen.js';
import { decodeShare, sealBytes, type FrostGroup } from './frost-records.js';
import { encodePiece, lagrangeAt, REPAIR_DELTA_INFO, repairRun, repairSession, signPiece } from './frost-repair-records.js';

const TYPE = 'FrostRepairStep1';

export interface FrostRepairStep1Input {
  share: Location;
  helpers: unknown;
  for: unknown;
}

export interface FrostRepairStep1Output extends FrostGroup {
  identifier: number;
  deltas: SealedMessage[];
}

function build(i: { share: unknown; helpers: unknown; for: unknown }): FrostRepairStep1Input {
  // helpers and for are checked against the share's t and n when it is opened.
  if (i.helpers === undefined) throw invalidArgument('helpers', 'the identifiers of the helping participants', TYPE);
  f.int(i.for, 'for', TYPE, 1, 255);
  return { share: f.location(i.share, 'share', TYPE), helpers: i.helpers, for: i.for };
}

/** Splits this helper's term of the lost share into pieces sealed to the other helpers. */
export const frostRepairStep1 = f.procedure<{ share: f.LocationLike; helpers: number[]; for: number }, FrostRepairStep1Input, FrostRepairStep1Output>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { share: ['frost-share'] }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['share', 'helpers', 'for'], TYPE);
    return build({ share: f.required(json, 'share', TYPE), helpers: f.required(json, 'helpers', TYPE), for: f.required(json, 'for', TYPE) });
  },
  locations: (i) => ({ inputs: [i.share], outputs: [], vaults: [] }),
  run(ctx, i) {
    const rng = (n = 32): Uint8Array<ArrayBuffer> => ctx.provider.randomFill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>;
    return ctx.use('share', i.share, (secret) => {
      const s = decodeShare(secret, 'share', TYPE);
      if (!s.peers) throw invalidArgument('share', "a share of a key generation (a dealt share names no participants' keys to seal repair messages to)", TYPE);
      const run = repairRun(i.helpers, i.for, s.participants, s.commitments, TYPE);
      if (!run.helpers.includes(s.identifier)) throw invalidArgument('helpers', `a list that includes this participant (${s.identifier})`, TYPE);
      const session = repairSession(ctx.provider, run);
      const points = s.commitments.map((c) => ed25519.Point.fromBytes(c));
      const verifyingShare = evaluateCommitments(points, s.identifier).toBytes();
      const term = Fn.mul(lagrangeAt(run.helpers, s.identifier, run.target), Fn.fromBytes(s.signingShare));
      let rest = term;
      const deltas = run.helpers.map((j, k) => {
        const piece = k === run.helpers.length - 1 ? rest : randomScalar(ctx.provider);
        rest = Fn.sub(rest, piece);
        const plain = encodePiece(piece, s.peers!);
        try {
          const sealed = sealBytes(ctx.provider, rng, s.peers![j - 1]!, plain, TYPE, REPAIR_DELTA_INFO, messageContext(session, s.identifier, j));
          return { from: s.identifier, to: j, sealed: signPiece(ctx.provider, s.signingShare, verifyingShare, session, s.identifier, j, sealed) };
        } finally {
          wipe(plain);
        }
      });
      return {
        identifier: s.identifier, threshold: s.threshold, participants: s.participants, groupPublicKey: s.commitments[0]!, commitments: s.commitments,
        verifyingShares: Array.from({ length: s.participants }, (_, k) => evaluateCommitments(points, k + 1).toBytes()),
        deltas,
      };
    });
  },
  outputToJSON: (o) => ({ identifier: o.identifier, ...groupToJSON(o), deltas: o.deltas.map(sealedToJSON) }),
});
