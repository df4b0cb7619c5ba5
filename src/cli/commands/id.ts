/**
 * `stronghold id <snapshot>`: the libp2p peer id of the snapshot's identity, creating (and saving) the
 * identity on first use. Servers name callers by this id in their firewall rules.
 * @module
 */
import { peerIdOf } from '../../p2p/identity.js';
import { positionals } from '../args.js';
import type { Command } from '../command.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

export const id: Command = {
  name: 'id',
  summary: 'print the p2p peer id of a snapshot (its identity is created on first use)',
  usage: 'id <snapshot>',
  flags: [...OPEN_FLAGS],
  example: 'stronghold id caller.stronghold',
  options: { ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const peerId = await withSnapshot(ctx, path!, { write: true }, (sh) => peerIdOf(sh));
    out.result(peerId, { peerId });
  },
};
