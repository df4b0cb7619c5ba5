/**
 * Flags shared by the commands that name a record: `--client C --vault V --record R`, and the overwrite
 * guard (a command that stores a secret never replaces an existing record unless `--force`).
 * @module
 */
import type { Client } from '../client/client.js';
import { Location } from '../engine/location.js';
import { requireFlag, type Values } from './args.js';
import { CliError, EXIT } from './output.js';

export const RECORD_OPTIONS = {
  client: { type: 'string' },
  vault: { type: 'string' },
  record: { type: 'string' },
  force: { type: 'boolean' },
} as const;

export const RECORD_FLAGS = [
  ['--client C', 'the client path (created if the snapshot does not have it)'],
  ['--vault V', 'the vault path'],
  ['--record R', 'the record path'],
  ['--force', 'replace the record if it exists (otherwise refused, exit 5)'],
] as const;

export function recordTarget(values: Values): { client: string; location: Location; vault: string; record: string } {
  const client = requireFlag(values, 'client');
  const vault = requireFlag(values, 'vault');
  const record = requireFlag(values, 'record');
  return { client, vault, record, location: Location.generic(vault, record) };
}

/** Refuses to replace a live record unless `--force` was given. */
export function guardOverwrite(client: Client, location: Location, values: Values): void {
  if (values.force !== true && client.recordExists(location)) {
    throw new CliError('AlreadyExists', `record '${location.record}' in vault '${location.vault}' already exists; nothing was changed`, EXIT.refused,
      'pass --force to replace it (the old secret is lost), or choose another record');
  }
}
