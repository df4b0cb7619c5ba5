/**
 * FrostRepairStep2: a helper's second step in repairing participant `for`'s share (frost-repair-records.ts).
 *
 * Reads: `key` (this helper's X25519 secret key). Stores: nothing. Checks that every piece was signed by its
 * sender's share (its verifying share, from `commitments`, which the session binds: a piece of the real key set only
 * opens under its real commitments), opens the piece every helper sealed to this one in step one, and returns their
 * sum σ sealed to the repaired participant's key, as the helpers' share records name it (the pieces carry it; they
 * must all name the same keys). A piece that is not signed, does not open for this run, or names other keys, is
 * FrostMisbehaviour naming its sender; the signatures are checked before any piece is opened.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { evaluateCommitments, Fn, keyList, messageContext, misbehaviour, scalarOf, sealedList, type SealedMessage } from './frost-dkg-records.js';
import { bytesEqual, hex, identifier, MAX_PARTICIPANTS, openBytes, sealBytes, sealedLength } from './frost-records.js';
import { commitmentPoints, encodePiece, PIECE_SIGNATURE_BYTES, REPAIR_DELTA_INFO, REPAIR_SIGMA_INFO, repairRun, repairSession, signedPiece } from './frost-repair-records.js';
import { FROST_KEY_PROCEDURES, X25519_KEY } from './policy.js';

const TYPE = 'FrostRepairStep2';

export interface FrostRepairStep2Input {
  key: Location;
  identifier: number;
  participants: number;
  commitments: Uint8Array[];
  helpers: unknown;
  for: unknown;
  deltas: { from: number; sealed: Uint8Array }[];
}

interface Args { key: unknown; identifier: unknown; participants: unknown; commitments: unknown; helpers: unknown; for: unknown; deltas: unknown }

function build(i: Args, fromJson = false): FrostRepairStep2Input {
  const participants = f.int(i.participants, 'participants', TYPE, 2, MAX_PARTICIPANTS);
  const count = Array.isArray(i.commitments) ? i.commitments.length : 0;
  if (count < 2 || count > participants) throw invalidArgument('commitments', `the key set's 2..${participants} commitments`, TYPE);
  return {
    key: f.location(i.key, 'key', TYPE),
    identifier: identifier(i.identifier, 'identifier', TYPE),
    participants,
    commitments: keyList(i.commitments, 'commitments', TYPE, count, fromJson),
    helpers: i.helpers,
    for: i.for,
    deltas: sealedList(i.deltas, 'deltas', TYPE, fromJson, sealedLength(32 + 32 * participants) + PIECE_SIGNATURE_BYTES),
  };
}

/** Sums the pieces sealed to this helper and seals the sum to the repaired participant. */
export const frostRepairStep2 = f.procedure<{ key: f.LocationLike; identifier: number; participants: number; commitments: Uint8Array[]; helpers: number[]; for: number; deltas: { from: number; sealed: Uint8Array }[] }, FrostRepairStep2Input, SealedMessage>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { key: X25519_KEY }, confined: { key: FROST_KEY_PROCEDURES }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['key', 'identifier', 'participants', 'commitments', 'helpers', 'for', 'deltas'], TYPE);
    const req = (k: string): unknown => f.required(json, k, TYPE);
    return build({ key: req('key'), identifier: req('identifier'), participants: req('participants'), commitments: req('commitments'), helpers: req('helpers'), for: req('for'), deltas: req('deltas') }, true);
  },
  locations: (i) => ({ inputs: [i.key], outputs: [], vaults: [] }),
  run(ctx, i) {
    const points = commitmentPoints(i.commitments, TYPE);
    const run = repairRun(i.helpers, i.for, i.participants, i.commitments, TYPE);
    if (!run.helpers.includes(i.identifier)) throw invalidArgument('helpers', `a list that includes this participant (${i.identifier})`, TYPE);
    const session = repairSession(ctx.provider, run);
    const signed = fromEach(run.helpers, i.deltas, TYPE);
    const rng = (n = 32): Uint8Array<ArrayBuffer> => ctx.provider.randomFill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>;
    return ctx.use('key', i.key, (sk) => {
      f.secretLength(sk, 'key', TYPE, { length: 32 });
      const got = new Map([...signed].map(([from, piece]) => {
        const sealed = signedPiece(ctx.provider, evaluateCommitments(points, from), session, from, i.identifier, piece);
        if (!sealed) throw misbehaviour(TYPE, from, 'signature', "sent a piece that its share did not sign for this repair (forged by another party, or of another key set)");
        return [from, sealed] as const;
      }));
      const own = ctx.provider.x25519PublicKey(sk);
      let sum = 0n;
      let peers: Uint8Array | null = null;
      for (const from of run.helpers) {
        const opened = openBytes(ctx.provider, sk, got.get(from)!, REPAIR_DELTA_INFO, messageContext(session, from, i.identifier));
        if (!opened) throw misbehaviour(TYPE, from, 'sealed piece', "sent a piece that does not open with this helper's key in this repair (sealed to another helper, or from another repair)");
        try {
          const piece = scalarOf(opened.subarray(0, 32));
          const keys = opened.subarray(32);
          if (piece === null) throw misbehaviour(TYPE, from, 'piece', 'sent a piece that is not a scalar');
          if (!bytesEqual(keys.subarray(32 * (i.identifier - 1), 32 * i.identifier), own) || (peers && !bytesEqual(peers, keys))) {
            throw misbehaviour(TYPE, from, 'participant keys', "names other participant keys than this helper's share (and the other helpers) do");
          }
          peers ??= Uint8Array.from(keys);
          sum = Fn.add(sum, piece);
        } finally {
          wipe(opened);
        }
      }
      const keys = Array.from({ length: i.participants }, (_, k) => peers!.subarray(32 * k, 32 * (k + 1)));
      const plain = encodePiece(sum, keys);
      try {
        return { from: i.identifier, to: run.target, sealed: sealBytes(ctx.provider, rng, keys[run.target - 1]!, plain, TYPE, REPAIR_SIGMA_INFO, messageContext(session, i.identifier, run.target)) };
      } finally {
        wipe(plain);
      }
    });
  },
  outputToJSON: (m) => ({ from: m.from, to: m.to, sealed: hex(m.sealed) }),
});

/** One message from each helper: a duplicate, a stranger or a missing one names the helper. */
export function fromEach(helpers: readonly number[], messages: readonly { from: number; sealed: Uint8Array }[], procedure: string): Map<number, Uint8Array> {
  const got = new Map<number, Uint8Array>();
  for (const m of messages) {
    if (!helpers.includes(m.from)) throw misbehaviour(procedure, m.from, 'member', 'is not one of the helpers');
    if (got.has(m.from)) throw misbehaviour(procedure, m.from, 'duplicate', 'sent more than one message');
    got.set(m.from, m.sealed);
  }
  const missing = helpers.find((j) => !got.has(j));
  if (missing !== undefined) throw misbehaviour(procedure, missing, 'missing', 'sent no message');
  return got;
}
