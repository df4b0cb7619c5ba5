/**
 * How commands name records: one way everywhere, `--key VAULT/RECORD` (a seed, a key, any record), with
 * `--vault V --record R` accepted as an alias (the form of earlier versions). One JSON shape for a record in
 * every command's output: `"key": {"vault", "record"}`. Also the overwrite guard: a command that stores a secret
 * never replaces an existing record unless `--force`.
 * @module
 */
import type { Client } from '../client/client.js';
import { Location } from '../engine/location.js';
import { optionalFlag, parseVaultRecord, requireFlag, type Values } from './args.js';
import { CliError, EXIT, usage } from './output.js';

/** A record as every `--json` output shows it. */
export interface RecordRef {
  vault: string;
  record: string;
}

/** `--key` and its alias, for commands that name one record. */
export const KEY_OPTIONS = {
  key: { type: 'string' },
  vault: { type: 'string' },
  record: { type: 'string' },
} as const;

export const RECORD_OPTIONS = {
  client: { type: 'string' },
  ...KEY_OPTIONS,
  force: { type: 'boolean' },
} as const;

/** The help line of `--key`, and of its alias. */
export function keyFlags(what: string): [string, string][] {
  return [
    ['--key V/R', `${what}, as VAULT/RECORD`],
    ['--vault V --record R', 'the same record, in the older form (an alias of --key V/R)'],
  ];
}

export const RECORD_FLAGS = [
  ['--client C', 'the client path (created if the snapshot does not have it)'],
  ...keyFlags('where the new secret is stored'),
  ['--force', 'replace the record if it exists (otherwise refused, exit 5)'],
] as const;

/**
 * The record named by `--key V/R`, or by its alias `--vault V --record R`; `fallback` when neither is given
 * (a usage error without one).
 */
export function keyFlag(values: Values, fallback?: RecordRef): RecordRef {
  const key = optionalFlag(values, 'key');
  const vault = optionalFlag(values, 'vault');
  const record = optionalFlag(values, 'record');
  if (key !== undefined) {
    if (vault !== undefined || record !== undefined) throw usage('give the record once: --key VAULT/RECORD, or its alias --vault V --record R, not both');
    return parseVaultRecord(key, 'key');
  }
  if (vault === undefined && record === undefined) {
    if (fallback) return fallback;
    throw usage('--key VAULT/RECORD is required', 'for example --key keys/signer');
  }
  return { vault: requireFlag(values, 'vault'), record: requireFlag(values, 'record') };
}

export function recordTarget(values: Values): { client: string; key: RecordRef; location: Location } {
  const client = requireFlag(values, 'client');
  const key = keyFlag(values);
  return { client, key, location: Location.generic(key.vault, key.record) };
}

/** Refuses to replace a live record unless `--force` was given. */
export function guardOverwrite(client: Client, location: Location, values: Values): void {
  if (values.force !== true && client.recordExists(location)) {
    throw new CliError('AlreadyExists', `record '${location.record}' in vault '${location.vault}' already exists; nothing was changed`, EXIT.refused,
      'pass --force to replace it (the old secret is lost), or choose another record');
  }
}
