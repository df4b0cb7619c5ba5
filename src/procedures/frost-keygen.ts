/**
 * FrostKeygen: a trusted-dealer FROST(Ed25519, SHA-512) key set (RFC 9591 Appendix C), dealt inside this vault.
 *
 * Reads: nothing. Stores: share i (a share record, frost-records.ts) at `outputs[i-1]`, non-exportable and usable
 * only by FrostCommit, FrostSign, FrostShareExport, and the refresh and repair procedures; with `recipients`, share i may be sealed to
 * `recipients[i-1]` (an X25519 public key) by FrostShareExport, and to no one else. Returns the public package:
 * threshold, participants, group public key, the VSS commitments and the verifying shares.
 *
 * The group secret and the polynomial exist only inside noble's `trustedDealer` call, as bigints that JS cannot
 * wipe; every byte copy of a share made here is wiped once stored. The dealer is trusted: see docs/threshold.md.
 * @module
 */
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { parseHex } from '../assert.js';
import type { Location } from '../engine/location.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';
import { encodeShare, frostRng, hex, idOf, MAX_PARTICIPANTS, point, type FrostGroup } from './frost-records.js';
import type { WriteRule } from '../engine/policy.js';

const TYPE = 'FrostKeygen';

/** What every share record is: never exportable; only the FROST procedures (signing, export, refresh, repair) may open it. */
export const SHARE_RULE: WriteRule = { kind: 'frost-share', exportable: false, allowed: ['FrostCommit', 'FrostSign', 'FrostShareExport', 'FrostDkgRound3', 'FrostRepairStep1'] };

export interface FrostKeygenInput {
  threshold: number;
  participants: number;
  outputs: Location[];
  recipients?: Uint8Array[] | undefined;
}

function build(i: { threshold: unknown; participants: unknown; outputs: unknown; recipients?: unknown }, recipientsHex = false): FrostKeygenInput {
  const participants = f.int(i.participants, 'participants', TYPE, 2, MAX_PARTICIPANTS);
  const threshold = f.int(i.threshold, 'threshold', TYPE, 2, participants);
  if (!Array.isArray(i.outputs) || i.outputs.length !== participants) throw invalidArgument('outputs', `an array of ${participants} locations, one per participant`, TYPE);
  const outputs = i.outputs.map((o: unknown, k) => f.location(o, `outputs[${k}]`, TYPE));
  const keys = new Set(outputs.map((l) => `${l.vaultKey}/${l.recordKey}`));
  if (keys.size !== outputs.length) throw invalidArgument('outputs', 'distinct locations', TYPE);
  let recipients: Uint8Array[] | undefined;
  if (i.recipients !== undefined) {
    if (!Array.isArray(i.recipients) || i.recipients.length !== participants) throw invalidArgument('recipients', `an array of ${participants} X25519 public keys`, TYPE);
    recipients = i.recipients.map((r: unknown, k) => {
      const field = `recipients[${k}]`;
      return recipientsHex ? parseHex(r, { field, procedure: TYPE, length: 32 }) : point(r, field, TYPE);
    });
  }
  return { threshold, participants, outputs, recipients };
}

/** Deals a `threshold`-of-`participants` key set; share i goes to `outputs[i-1]`. */
export const frostKeygen = f.procedure<{ threshold: number; participants: number; outputs: f.LocationLike[]; recipients?: Uint8Array[] }, FrostKeygenInput, FrostGroup>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: {}, writes: { outputs: SHARE_RULE } },
  parse(json) {
    f.onlyFields(json, ['threshold', 'participants', 'outputs', 'recipients'], TYPE);
    return build({
      threshold: f.required(json, 'threshold', TYPE),
      participants: f.required(json, 'participants', TYPE),
      outputs: f.required(json, 'outputs', TYPE),
      recipients: json.recipients,
    }, true);
  },
  locations: (i) => ({ inputs: [], outputs: i.outputs, vaults: [] }),
  run(ctx, i) {
    const ids = Array.from({ length: i.participants }, (_, k) => idOf(k + 1));
    let deal: ReturnType<typeof ed25519_FROST.trustedDealer>;
    try {
      deal = ed25519_FROST.trustedDealer({ min: i.threshold, max: i.participants }, ids, undefined, frostRng(ctx.provider));
    } catch (e) {
      throw new StrongholdError('ProcedureFailed', `${TYPE}: the dealer failed`, { procedure: TYPE, reason: 'dealer failed' }, { cause: e });
    }
    const shares = ids.map((id) => deal.secretShares[id]!.signingShare);
    try {
      ids.forEach((_, k) => {
        const record = encodeShare({
          identifier: k + 1, threshold: i.threshold, participants: i.participants, signingShare: shares[k]!,
          recipient: i.recipients?.[k] ?? null, commitments: deal.public.commitments,
        });
        f.store(ctx, 'outputs', i.outputs[k]!, record);
      });
    } finally {
      wipe(...shares);
    }
    return {
      threshold: i.threshold,
      participants: i.participants,
      groupPublicKey: Uint8Array.from(deal.public.commitments[0]!),
      commitments: deal.public.commitments.map((c) => Uint8Array.from(c)),
      verifyingShares: ids.map((id) => Uint8Array.from(deal.public.verifyingShares[id]!)),
    };
  },
  outputToJSON: (g) => groupToJSON(g),
});

/** The JSON form of a key set's public package (also what `parseGroup` in src/frost reads). */
export function groupToJSON(g: FrostGroup): Record<string, unknown> {
  return {
    threshold: g.threshold, participants: g.participants, groupPublicKey: hex(g.groupPublicKey),
    commitments: g.commitments.map(hex), verifyingShares: g.verifyingShares.map(hex),
  };
}
