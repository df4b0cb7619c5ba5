/**
 * `stronghold record rm`: revokes a record (it is unusable at once), and with `--purge` garbage-collects its
 * vault, which removes every revoked record of that vault from the file. Saves the snapshot.
 * @module
 */
import { StrongholdError } from '../../errors.js';
import { positionals } from '../args.js';
import type { Command } from '../command.js';
import { keyFlags, KEY_OPTIONS, recordTarget } from '../records.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

export const recordRm: Command = {
  name: 'record rm',
  summary: 'revoke a record (with --purge, also remove the revoked records of its vault)',
  usage: 'record rm <snapshot> --client C --key V/R [--purge]',
  flags: [
    ['--client C', 'the client path'],
    ...keyFlags('the record to revoke'),
    ['--purge', 'garbage-collect the vault: its revoked records leave the file (otherwise kept, unusable, until then)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold record rm wallet.stronghold --client app --key keys/old --purge',
  options: { client: { type: 'string' }, ...KEY_OPTIONS, purge: { type: 'boolean' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const t = recordTarget(args.values);
    const purge = args.values.purge === true;
    const purged = await withSnapshot(ctx, path!, { write: true }, (sh) => {
      const client = clientOf(sh, t.client);
      // Checked first so that a missing or already revoked record changes nothing and the file is not rewritten.
      if (!client.recordExists(t.location)) {
        throw new StrongholdError('RecordNotFound', `client '${t.client}' has no live record '${t.key.record}' in vault '${t.key.vault}'`,
          { vault: t.key.vault, record: t.key.record });
      }
      client.revokeSecret(t.location);
      return purge ? client.garbageCollect(t.key.vault) : null;
    });
    out.result([`revoked ${t.key.vault}/${t.key.record} of client ${t.client}`,
      purged === null ? `its bytes stay in the file until \`--purge\` collects vault ${t.key.vault}` : `purged ${purged} revoked record${purged === 1 ? '' : 's'} from vault ${t.key.vault}`],
    { client: t.client, key: t.key, revoked: true, purged });
  },
};
