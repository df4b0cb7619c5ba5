/**
 * FrostRepairStep2: a helper's second step in repairing participant `for`'s share (frost-repair-records.ts).
 *
 * Reads: `key` (this helper's X25519 secret key). Stores: nothing. Opens the piece every helper sealed to this one
 * in step one, and returns their sum σ sealed to the repaired participant's key, as the helpers' share records name
 * it (the pieces carry it; they must all name the same keys). A piece that does not open for this run, or names
 * other keys, is FrostMisbehaviour naming its sender.
 * @module
 */
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { Fn, keyList, messageContext, misbehaviour, scalarOf, sealedList, type SealedMessage } from './frost-dkg-records.js';
import { bytesEqual, hex, identifier, MAX_PARTICIPANTS, openBytes, sealBytes, sealedLength } from './frost-records.js';
import { encodePiece, REPAIR_DELTA_INFO, REPAIR_SIGMA_INFO, repairRun, repairSession } from './frost-repair-records.js';
import { X25519_KEY } from './policy.js';

const TYPE = 'FrostRepairStep2';

export interface FrostRepairStep2Input {
  key: Location;
  identifier: number;
  threshold: number;
  participants: number;
  groupPublicKey: Uint8Array;
  helpers: unknown;
  for: unknown;
  deltas: { from: number; sealed: Uint8Array }[];
}

interface Args { key: unknown; identifier: unknown; threshold: unknown; participants: unknown; groupPublicKey: unknown; helpers: unknown; for: unknown; deltas: unknown }

function build(i: Args, fromJson = false): FrostRepairStep2Input {
  const participants = f.int(i.participants, 'participants', TYPE, 2, MAX_PARTICIPANTS);
  return {
    key: f.location(i.key, 'key', TYPE),
    identifier: identifier(i.identifier, 'identifier', TYPE),
    threshold: f.int(i.threshold, 'threshold', TYPE, 2, participants),
    participants,
    groupPublicKey: keyList([i.groupPublicKey], 'groupPublicKey', TYPE, 1, fromJson)[0]!,
    helpers: i.helpers,
    for: i.for,
    deltas: sealedList(i.deltas, 'deltas', TYPE, fromJson, sealedLength(32 + 32 * participants)),
  };
}

/** Sums the pieces sealed to this helper and seals the sum to the repaired participant. */
export const frostRepairStep2 = f.procedure<{ key: f.LocationLike; identifier: number; threshold: number; participants: number; groupPublicKey: Uint8Array; helpers: number[]; for: number; deltas: { from: number; sealed: Uint8Array }[] }, FrostRepairStep2Input, SealedMessage>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { key: X25519_KEY }, writes: {} },
  parse(json) {
    f.onlyFields(json, ['key', 'identifier', 'threshold', 'participants', 'groupPublicKey', 'helpers', 'for', 'deltas'], TYPE);
    const req = (k: string): unknown => f.required(json, k, TYPE);
    return build({ key: req('key'), identifier: req('identifier'), threshold: req('threshold'), participants: req('participants'), groupPublicKey: req('groupPublicKey'), helpers: req('helpers'), for: req('for'), deltas: req('deltas') }, true);
  },
  locations: (i) => ({ inputs: [i.key], outputs: [], vaults: [] }),
  run(ctx, i) {
    const run = repairRun(i.helpers, i.for, i.threshold, i.participants, i.groupPublicKey, TYPE);
    if (!run.helpers.includes(i.identifier)) throw invalidArgument('helpers', `a list that includes this participant (${i.identifier})`, TYPE);
    const got = fromEach(run.helpers, i.deltas, TYPE);
    const session = repairSession(ctx.provider, run);
    const rng = (n = 32): Uint8Array<ArrayBuffer> => ctx.provider.randomFill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>;
    return ctx.use('key', i.key, (sk) => {
      f.secretLength(sk, 'key', TYPE, { length: 32 });
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
