/**
 * `stronghold init <snapshot> [--work-factor N]`: creates an empty snapshot (never over an existing file).
 * @module
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Stronghold } from '../../client/stronghold.js';
import { wipe } from '../../memory/guarded.js';
import { DEFAULT_WORK_FACTOR, MAX_READ_WORK_FACTOR } from '../../snapshot/codec.js';
import { optionalFlag, parseInteger, positionals } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT } from '../output.js';
import { readInitPassword } from '../password.js';
import { closeOnInterrupt, openInterruptibly } from '../session.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export const init: Command = {
  name: 'init',
  summary: 'create an empty snapshot',
  usage: 'init <snapshot> [--work-factor N]',
  flags: [
    ['--work-factor N', `scrypt work factor (log2 N) of the password key, 0..${MAX_READ_WORK_FACTOR}; default ${DEFAULT_WORK_FACTOR} (about 1.5 s and 512 MiB per open)`],
    ['--password-file F', 'read the new password from F (else STRONGHOLD_PASSWORD, else asked twice on a terminal)'],
  ],
  example: 'STRONGHOLD_PASSWORD=... stronghold init wallet.stronghold',
  options: { 'work-factor': { type: 'string' } },
  async run({ args, out, input }) {
    const [path] = positionals(args, ['snapshot']);
    const wf = optionalFlag(args.values, 'work-factor');
    const workFactor = wf === undefined ? DEFAULT_WORK_FACTOR : parseInteger(wf, 'work-factor', 0, MAX_READ_WORK_FACTOR);
    if (await exists(path!)) throw new CliError('AlreadyExists', `${path} already exists; init never overwrites a file`, EXIT.refused, 'choose another path, or remove the old file yourself');
    const folder = dirname(path!);
    if (!(await stat(folder).then((st) => st.isDirectory(), () => false))) {
      throw new CliError('FolderNotFound', `cannot create ${path}: the folder ${folder} does not exist`, EXIT.notFound,
        `create the folder first (mkdir -p ${folder}), or choose another path`);
    }
    const password = await readInitPassword(input, optionalFlag(args.values, 'password-file'));
    const onProgress = out.progress('deriving the new snapshot key');
    let sh: Stronghold;
    try {
      sh = await openInterruptibly(path!, password, { create: true, workFactor, ...(onProgress ? { onProgress } : {}) });
    } finally {
      wipe(password);
    }
    const cancel = closeOnInterrupt(sh, path!, true);
    try {
      await sh.save();
    } finally {
      cancel();
      await sh.close();
    }
    out.result(`created ${path} (snapshot v3, work factor ${workFactor})`, { path, version: 3, workFactor });
  },
};
