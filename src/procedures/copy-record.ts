/**
 * CopyRecord: copies a record's secret to another location (Rust `CopyRecord{source, target}`).
 *
 * Reads: `source`. Stores: the same bytes at `target`. Returns: nothing.
 * Policy: the copy keeps the source's policy (exportability and procedure restriction); a `policy` may
 * tighten it, and asking for an exportable copy of a non-exportable source is a PolicyViolation.
 * The source must allow CopyRecord.
 * @module
 */
import type { Location } from '../engine/location.js';
import * as f from './fields.js';
import { MOVABLE, type PolicyRequest } from './policy.js';

const TYPE = 'CopyRecord';

export interface CopyRecordInput {
  source: Location;
  target: Location;
  policy?: PolicyRequest | undefined;
}

function build(i: { source: unknown; target: unknown; policy?: unknown }): CopyRecordInput {
  return {
    source: f.location(i.source, 'source', TYPE),
    target: f.location(i.target, 'target', TYPE),
    policy: f.policy(i.policy, TYPE),
  };
}

/** Copies the secret at `source` to `target`. */
export const copyRecord = f.procedure<{ source: f.LocationLike; target: f.LocationLike; policy?: PolicyRequest }, CopyRecordInput, void>({
  type: TYPE,
  build,
  rules: { procedure: TYPE, reads: { source: MOVABLE }, writes: { target: { kind: 'source', exportable: true } } },
  parse(json) {
    f.onlyFields(json, ['source', 'target', 'policy'], TYPE);
    return build({ source: json.source, target: json.target, policy: json.policy });
  },
  locations: (i) => ({ inputs: [i.source], outputs: [i.target], vaults: [] }),
  run(ctx, i) {
    ctx.use('source', i.source, (secret) => ctx.write('target', i.target, secret, i.policy));
  },
  outputToJSON: f.nullJSON,
});
