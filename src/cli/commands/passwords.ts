/**
 * `stronghold passwd`, `backup` and `migrate`: the commands that write a snapshot under a new password.
 * The new password comes from `--new-password-file`, `STRONGHOLD_NEW_PASSWORD` or a prompt asked twice.
 * Without `--work-factor`, passwd and backup keep the source file's work factor; migrate uses 19.
 * @module
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { wipe } from '../../memory/guarded.js';
import { DEFAULT_WORK_FACTOR, inspectHeader, MAX_READ_WORK_FACTOR } from '../../snapshot/codec.js';
import { readSnapshotFile } from '../../snapshot/file.js';
import { optionalFlag, parseInteger, positionals, type Values } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT } from '../output.js';
import { readNewPassword } from '../password.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

const NEW_OPTIONS = { 'new-password-file': { type: 'string' }, 'work-factor': { type: 'string' }, ...OPEN_OPTIONS } as const;
const NEW_FLAGS = [
  ['--new-password-file F', 'read the new password from F (else STRONGHOLD_NEW_PASSWORD, else asked twice)'],
  ['--work-factor N', `scrypt work factor of the new header, 0..${MAX_READ_WORK_FACTOR}`],
  ...OPEN_FLAGS,
] as const;

/** `--work-factor`, else the source's (v3), else the default. */
async function workFactorOf(values: Values, source: string | null): Promise<number> {
  const wf = optionalFlag(values, 'work-factor');
  if (wf !== undefined) return parseInteger(wf, 'work-factor', 0, MAX_READ_WORK_FACTOR);
  if (source === null) return DEFAULT_WORK_FACTOR;
  return inspectHeader(await readSnapshotFile(source)).workFactor ?? DEFAULT_WORK_FACTOR;
}

/** A copy never replaces an existing file (or its own source) unless `--force`. */
async function guardTarget(source: string, target: string, values: Values): Promise<void> {
  if (resolve(source) === resolve(target)) throw new CliError('SamePath', 'the copy must be another file than the snapshot', EXIT.usage);
  const exists = await stat(target).then(() => true, () => false);
  if (exists && values.force !== true) {
    throw new CliError('AlreadyExists', `${target} already exists; nothing was written`, EXIT.refused, 'pass --force to replace it');
  }
}

export const passwd: Command = {
  name: 'passwd',
  summary: 'change the password of a snapshot (a v2 snapshot becomes v3)',
  usage: 'passwd <snapshot> [--work-factor N]',
  flags: NEW_FLAGS,
  example: 'STRONGHOLD_PASSWORD=old STRONGHOLD_NEW_PASSWORD=new stronghold passwd wallet.stronghold',
  options: NEW_OPTIONS,
  async run(ctx) {
    const { args, out, input } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const workFactor = await workFactorOf(args.values, path!);
    await withSnapshot(ctx, path!, { write: true }, async (sh) => {
      const pw = await readNewPassword(input, optionalFlag(args.values, 'new-password-file'));
      try {
        await sh.changePassword(pw, { workFactor });
      } finally {
        wipe(pw);
      }
    });
    out.result(`changed the password of ${path} (snapshot v3, work factor ${workFactor})`, { path, version: 3, workFactor });
  },
};

export const backup: Command = {
  name: 'backup',
  summary: 'save a copy of a snapshot under another password',
  usage: 'backup <snapshot> <copy> [--work-factor N] [--force]',
  flags: [...NEW_FLAGS, ['--force', 'replace <copy> if it exists']],
  example: 'STRONGHOLD_NEW_PASSWORD=... stronghold backup wallet.stronghold /media/usb/wallet-backup.stronghold',
  options: { ...NEW_OPTIONS, force: { type: 'boolean' } },
  async run(ctx) {
    const { args, out, input } = ctx;
    const [path, copy] = positionals(args, ['snapshot', 'copy']);
    await guardTarget(path!, copy!, args.values);
    const workFactor = await workFactorOf(args.values, path!);
    await withSnapshot(ctx, path!, { write: false }, async (sh) => {
      const pw = await readNewPassword(input, optionalFlag(args.values, 'new-password-file'));
      try {
        await sh.saveAs(copy!, pw, { workFactor });
      } finally {
        wipe(pw);
      }
    });
    out.result(`wrote ${copy} (snapshot v3, work factor ${workFactor})`, { path, copy, version: 3, workFactor });
  },
};

export const migrate: Command = {
  name: 'migrate',
  summary: 'write a v2 snapshot as v3 under a new password',
  usage: 'migrate <v2-snapshot> <v3-snapshot> [--salt wallet.rs --rounds 100] [--work-factor N] [--force]',
  flags: [
    ['--salt S', 'PBKDF2 salt of the v2 password key (default wallet.rs, the IOTA SDK convention)'],
    ['--rounds N', 'PBKDF2-HMAC-SHA512 rounds of the v2 password key (default 100)'],
    ...NEW_FLAGS,
    ['--force', 'replace <v3-snapshot> if it exists'],
  ],
  example: 'STRONGHOLD_PASSWORD=old STRONGHOLD_NEW_PASSWORD=new stronghold migrate wallet-v2.stronghold wallet.stronghold',
  options: { ...NEW_OPTIONS, salt: { type: 'string' }, rounds: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx) {
    const { args, out, input } = ctx;
    const [source, target] = positionals(args, ['v2-snapshot', 'v3-snapshot']);
    await guardTarget(source!, target!, args.values);
    const workFactor = await workFactorOf(args.values, null);
    const salt = optionalFlag(args.values, 'salt');
    const rounds = optionalFlag(args.values, 'rounds');
    const v2 = { ...(salt !== undefined ? { salt } : {}), ...(rounds !== undefined ? { rounds: parseInteger(rounds, 'rounds', 1, 10_000_000) } : {}) };
    const from = await withSnapshot(ctx, source!, { write: false, options: { v2 } }, async (sh) => {
      const pw = await readNewPassword(input, optionalFlag(args.values, 'new-password-file'));
      try {
        await sh.saveAs(target!, pw, { workFactor });
      } finally {
        wipe(pw);
      }
      return sh.snapshotVersion;
    });
    out.result(`migrated ${source} (v${from}) to ${target} (v3, work factor ${workFactor})`, { source, target, fromVersion: from, version: 3, workFactor });
  },
};
