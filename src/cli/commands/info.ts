/**
 * `stronghold info <snapshot>`: format version and work factor from the header, without a password; with a
 * password (STRONGHOLD_PASSWORD, --password-file, or --unlock to be asked) also the clients, vaults, record
 * counts and store key counts.
 * @module
 */
import { inspectHeader } from '../../snapshot/codec.js';
import { readSnapshotFile } from '../../snapshot/file.js';
import { positionals } from '../args.js';
import type { Command } from '../command.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

export const info: Command = {
  name: 'info',
  summary: 'format version and work factor; with the password, clients, vaults and counts',
  usage: 'info <snapshot> [--unlock]',
  flags: [
    ['--unlock', 'ask for the password on the terminal to show the contents (also shown when STRONGHOLD_PASSWORD or --password-file is given)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold info wallet.stronghold\nSTRONGHOLD_PASSWORD=... stronghold info wallet.stronghold --json',
  options: { unlock: { type: 'boolean' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out, input } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const bytes = await readSnapshotFile(path!);
    const header = inspectHeader(bytes);
    const lines = [`${path}: snapshot v${header.version}${header.workFactor === undefined ? '' : `, work factor ${header.workFactor}`}, ${bytes.length} bytes`];
    const value: Record<string, unknown> = { path, version: header.version, workFactor: header.workFactor ?? null, bytes: bytes.length };
    const hasPassword = args.values['password-file'] !== undefined || (input.env.STRONGHOLD_PASSWORD ?? '') !== '' || args.values.unlock === true;
    if (hasPassword) {
      const clients = await withSnapshot(ctx, path!, { write: false }, (sh) => sh.inventory().map((c) => ({
        id: c.id,
        vaults: c.vaults.map((v) => ({ id: v.id, records: v.records.length, revoked: v.revoked })),
        storeKeys: c.storeKeys.length,
      })));
      value.clients = clients;
      lines.push(`${clients.length} client${clients.length === 1 ? '' : 's'}`);
      for (const c of clients) {
        const records = c.vaults.reduce((n, v) => n + v.records, 0);
        lines.push(`  client ${c.id}: ${c.vaults.length} vault${c.vaults.length === 1 ? '' : 's'}, ${records} record${records === 1 ? '' : 's'}, ${c.storeKeys} store key${c.storeKeys === 1 ? '' : 's'}`);
      }
    }
    out.result(lines, value);
  },
};
