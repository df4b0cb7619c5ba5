/**
 * FrostRepairStep3: the repaired participant's step: its share back from the helpers' sums (frost-repair-records.ts).
 *
 * Reads: `key` (this participant's X25519 secret key). Stores: the share at `output` (a fresh location) as a FROST
 * share record, after checking it against the group's `commitments` (s·B must be this participant's verifying
 * share). Returns `{identifier, threshold, participants, groupPublicKey, verifyingShare}`.
 * A sum that does not open for this run is FrostMisbehaviour naming its sender.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { evaluateCommitments, Fn, keyList, messageContext, misbehaviour, scalarOf, sealedList } from './frost-dkg-records.js';
import { SHARE_RULE } from './frost-keygen.js';
import { bytesEqual, encodeShare, hex, MAX_PARTICIPANTS, openBytes, sealedLength } from './frost-records.js';
import type { FrostShareInfo } from './frost-share-import.js';
import { commitmentPoints, REPAIR_SIGMA_INFO, repairRun, repairSession } from './frost-repair-records.js';
import { fromEach } from './frost-repair-step2.js';
import { FROST_KEY_PROCEDURES, X25519_KEY } from './policy.js';

const TYPE = 'FrostRepairStep3';

export interface FrostRepairStep3Input {
  key: Location;
  participants: number;
  commitments: Uint8Array[];
  helpers: unknown;
  for: unknown;
  sigmas: { from: number; sealed: Uint8Array }[];
  output: Location;
}

interface Args { key: unknown; participants: unknown; commitments: unknown; helpers: unknown; for: unknown; sigmas: unknown; output: unknown }

function build(i: Args, fromJson = false): FrostRepairStep3Input {
  const participants = f.int(i.participants, 'participants', TYPE, 2, MAX_PARTICIPANTS);
  const count = Array.isArray(i.commitments) ? i.commitments.length : 0;
  if (count < 2 || count > participants) throw invalidArgument('commitments', `the key set's 2..${participants} commitments`, TYPE);
  return {
    key: f.location(i.key, 'key', TYPE),
    participants,
    commitments: keyList(i.commitments, 'commitments', TYPE, count, fromJson),
    helpers: i.helpers,
    for: i.for,
    sigmas: sealedList(i.sigmas, 'sigmas', TYPE, fromJson, sealedLength(32 + 32 * participants)),
    output: f.location(i.output, 'output', TYPE),
  };
}

/** Opens the helpers' sums, checks the share they add up to, and stores it. */
export const frostRepairStep3 = f.procedure<{ key: f.LocationLike; participants: number; commitments: Uint8Array[]; helpers: number[]; for: number; sigmas: { from: number; sealed: Uint8Array }[]; output: f.LocationLike }, FrostRepairStep3Input, FrostShareInfo>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { key: X25519_KEY }, confined: { key: FROST_KEY_PROCEDURES }, writes: { output: SHARE_RULE } },
  parse(json) {
    f.onlyFields(json, ['key', 'participants', 'commitments', 'helpers', 'for', 'sigmas', 'output'], TYPE);
    const req = (k: string): unknown => f.required(json, k, TYPE);
    return build({ key: req('key'), participants: req('participants'), commitments: req('commitments'), helpers: req('helpers'), for: req('for'), sigmas: req('sigmas'), output: req('output') }, true);
  },
  locations: (i) => ({ inputs: [i.key], outputs: [i.output], vaults: [] }),
  run(ctx, i) {
    if (ctx.recordExists(i.output)) throw invalidArgument('output', 'a fresh location (a record exists there)', TYPE);
    const t = i.commitments.length;
    const points = commitmentPoints(i.commitments, TYPE);
    const run = repairRun(i.helpers, i.for, i.participants, i.commitments, TYPE);
    const got = fromEach(run.helpers, i.sigmas, TYPE);
    const session = repairSession(ctx.provider, run);
    const record = ctx.use('key', i.key, (sk) => {
      f.secretLength(sk, 'key', TYPE, { length: 32 });
      const own = ctx.provider.x25519PublicKey(sk);
      let sum = 0n;
      let peers: Uint8Array | null = null;
      for (const from of run.helpers) {
        const opened = openBytes(ctx.provider, sk, got.get(from)!, REPAIR_SIGMA_INFO, messageContext(session, from, run.target));
        if (!opened) throw misbehaviour(TYPE, from, 'sealed sum', "sent a sum that does not open with this participant's key in this repair (sealed to another participant, or from another repair)");
        try {
          const part = scalarOf(opened.subarray(0, 32));
          const keys = opened.subarray(32);
          if (part === null) throw misbehaviour(TYPE, from, 'sum', 'sent a sum that is not a scalar');
          if (!bytesEqual(keys.subarray(32 * (run.target - 1), 32 * run.target), own) || (peers && !bytesEqual(peers, keys))) {
            throw misbehaviour(TYPE, from, 'participant keys', 'names other participant keys than the other helpers do');
          }
          peers ??= Uint8Array.from(keys);
          sum = Fn.add(sum, part);
        } finally {
          wipe(opened);
        }
      }
      const verifyingShare = evaluateCommitments(points, run.target);
      if (sum === 0n || !ed25519.Point.BASE.multiply(sum).equals(verifyingShare)) {
        throw invalidArgument('sigmas', "sums that add up to this participant's share of the key set the commitments describe", TYPE);
      }
      const signingShare = Fn.toBytes(sum);
      const out = encodeShare({
        identifier: run.target, threshold: t, participants: i.participants, signingShare, recipient: null, commitments: i.commitments,
        peers: Array.from({ length: i.participants }, (_, k) => peers!.slice(32 * k, 32 * (k + 1))),
      });
      wipe(signingShare);
      return { out, verifyingShare: verifyingShare.toBytes() };
    });
    f.store(ctx, 'output', i.output, record.out);
    return { identifier: run.target, threshold: t, participants: i.participants, groupPublicKey: i.commitments[0]!, verifyingShare: record.verifyingShare };
  },
  outputToJSON: (o) => ({ identifier: o.identifier, threshold: o.threshold, participants: o.participants, groupPublicKey: hex(o.groupPublicKey), verifyingShare: hex(o.verifyingShare) }),
});
