/**
 * The shape of one command. A command is a plain object in `commands/<name>.ts`, listed once in
 * `registry.ts`; `main.ts` finds it by name (one or two words: `init`, `mnemonic recover`), parses its
 * flags strictly and calls `run`. Commands have no logic beyond arguments and presentation: the work is
 * done by the library.
 * @module
 */
import type { OptionSpec, Parsed } from './args.js';
import type { Output } from './output.js';
import type { Input } from './password.js';

/** What a running command gets: its parsed flags, where to print, and where to read from. */
export interface Context {
  args: Parsed;
  out: Output;
  input: Input;
}

export interface Command {
  /** One or two words, e.g. `init`, `store get`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis after `stronghold `, e.g. `init <snapshot> [--work-factor N]`. */
  readonly usage: string;
  /** Flag descriptions for `--help`, one `[flag, text]` pair each (common flags are added by main). */
  readonly flags: readonly (readonly [string, string])[];
  /** At least one worked example for `--help`. */
  readonly example: string;
  /** True for commands that run a chain the user wrote (`run`): errors then name the failing step. */
  readonly chain?: boolean;
  /** Command-specific flags; `--json`, `--help` and `--password-file` are common to all. */
  readonly options: OptionSpec;
  run(ctx: Context): Promise<void>;
}
