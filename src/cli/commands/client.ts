/**
 * `stronghold client create` and `stronghold client ls`: the clients of a snapshot. A snapshot stores client
 * ids (a hash of the name), not names, so `ls` can name only the clients whose names it is told (`--client`,
 * repeatable) or knows (the IOTA SDK's `iota_seed`, the p2p identity's client).
 * @module
 */
import { IDENTITY_CLIENT } from '../../p2p/constants.js';
import { positionals, requireFlag } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT } from '../output.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { SDK_CLIENT } from './address.js';

export const clientCreate: Command = {
  name: 'client create',
  summary: 'create an empty client (for `serve`, `frost keygen` and remote callers to write into)',
  usage: 'client create <snapshot> --client C',
  flags: [['--client C', 'the new client\'s path; refused if the snapshot has it (exit 5)'], ...OPEN_FLAGS],
  example: 'stronghold client create wallet.stronghold --client wallet',
  options: { client: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const client = requireFlag(args.values, 'client');
    const id = await withSnapshot(ctx, path!, { write: true }, (sh) => {
      if (sh.hasClient(client)) {
        throw new CliError('AlreadyExists', `the snapshot already has client '${client.slice(0, 80)}'; nothing was changed`, EXIT.refused,
          `\`stronghold ls ${path} --client ${client.slice(0, 80)}\` shows what it holds`);
      }
      sh.createClient(client);
      return sh.inventory(client)[0]!.id;
    });
    out.result(`created client ${client} (id ${id}) in ${path}`, { client, id });
  },
};

export const clientLs: Command = {
  name: 'client ls',
  summary: 'list the clients of a snapshot, by id, with the names it knows',
  usage: 'client ls <snapshot> [--client NAME]...',
  flags: [['--client NAME', `a name to recognise (repeatable); ${SDK_CLIENT} and ${IDENTITY_CLIENT} are always recognised`], ...OPEN_FLAGS],
  example: 'stronghold client ls wallet.stronghold --client wallet',
  options: { client: { type: 'string', multiple: true }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const given = (args.values.client as unknown as string[] | undefined) ?? [];
    const clients = await withSnapshot(ctx, path!, { write: false }, (sh) => {
      const names = new Map<string, string>();
      for (const name of [...given, SDK_CLIENT, IDENTITY_CLIENT]) if (sh.hasClient(name)) names.set(sh.inventory(name)[0]!.id, name);
      return sh.inventory().map((c) => ({ id: c.id, name: names.get(c.id) ?? null, vaults: c.vaults.length, storeKeys: c.storeKeys.length }));
    });
    out.result(clients.length === 0 ? ['(no clients)'] : clients.map((c) => `${c.id}  ${c.name ?? '(name unknown)'}  ${c.vaults} vault${c.vaults === 1 ? '' : 's'}, ${c.storeKeys} store key${c.storeKeys === 1 ? '' : 's'}`),
      { clients });
  },
};
