/**
 * `stronghold id <snapshot>`: the libp2p peer id of the snapshot's identity, creating (and saving) the
 * identity on first use. Servers name callers by this id in their firewall rules.
 * @module
 */
import { Stronghold } from '../../client/stronghold.js';
import { wipe } from '../../memory/guarded.js';
import { IDENTITY_CLIENT } from '../../p2p/constants.js';
import { peerIdOf } from '../../p2p/identity.js';
import { optionalFlag, parseInteger, positionals } from '../args.js';
import type { Command, Context } from '../command.js';
import { isStrongholdError } from '../../errors.js';
import { withHint } from '../messages.js';
import { passwordSource, readPassword, wrongPasswordHint } from '../password.js';
import { closeOnInterrupt, OPEN_FLAGS, OPEN_OPTIONS, requireSnapshotFile } from '../session.js';

/**
 * Runs `fn` on the snapshot opened read-only when it already has a p2p identity (so several callers can use
 * one snapshot at once), else opened for writing, so that the identity created on first use is saved.
 */
export async function withIdentity<T>(ctx: Context, path: string, fn: (sh: Stronghold) => Promise<T>): Promise<T> {
  await requireSnapshotFile(path);
  const maxWf = optionalFlag(ctx.args.values, 'max-work-factor');
  const onProgress = ctx.out.progress();
  const options = {
    ...(maxWf !== undefined ? { maxWorkFactor: parseInteger(maxWf, 'max-work-factor', 0, 63) } : {}),
    ...(onProgress ? { onProgress } : {}),
  };
  const file = optionalFlag(ctx.args.values, 'password-file');
  const source = passwordSource(ctx.input, file);
  const password = await readPassword(ctx.input, file);
  try {
    const reader = await Stronghold.open(path, password, { ...options, readOnly: true }).catch((e: unknown) => {
      throw isStrongholdError(e, 'WrongPassword') ? withHint(e, wrongPasswordHint(source)) : e;
    });
    try {
      if (reader.hasClient(IDENTITY_CLIENT)) return await fn(reader);
    } finally {
      await reader.close();
    }
    const writer = await Stronghold.open(path, password, options);
    const cancel = closeOnInterrupt(writer, path, true);
    try {
      const result = await fn(writer);
      if (writer.hasUnsavedChanges) await writer.save();
      return result;
    } finally {
      cancel();
      await writer.close();
    }
  } finally {
    wipe(password);
  }
}

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
    const peerId = await withIdentity(ctx, path!, (sh) => peerIdOf(sh));
    out.result(peerId, { peerId });
  },
};
