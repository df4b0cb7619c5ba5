/**
 * Flag parsing (strict `node:util` parseArgs: an unknown flag is a usage error) and the small parsers for
 * argument shapes the commands share: `VAULT/RECORD`, BIP-32 paths, hex, ranges, durations, integers.
 * Each throws a usage error (exit 1) that names the flag and says what was expected.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usage } from './output.js';
import { closest } from './suggest.js';

/** A command's flags in parseArgs form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
/** Parsed flag values by long name. */
export type Values = Record<string, string | boolean | undefined>;

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'password-file': { type: 'string' },
} as const satisfies OptionSpec;

/** A command line after strict parsing: flags and positional arguments. */
export interface Parsed {
  values: Values;
  positionals: string[];
}

/**
 * Parses `argv` against the command's options plus the common ones. Unknown flags and missing values are
 * found here, before `parseArgs`, so that the message names the flag and the command in the user's terms
 * (with a "did you mean") instead of the parser's own wording.
 */
export function parseFlags(argv: string[], options: OptionSpec, command = '<command>'): Parsed {
  const all: OptionSpec = { ...COMMON_OPTIONS, ...options };
  checkFlags(argv, all, command);
  try {
    const { values, positionals } = parseArgs({ args: argv, options: all, strict: true, allowPositionals: true });
    return { values: values as Values, positionals };
  } catch (e) {
    if (((e as { code?: string }).code ?? '').startsWith('ERR_PARSE_ARGS')) throw usage('the arguments could not be read', `stronghold ${command} --help lists the flags`);
    throw e;
  }
}

/** The flags `all` declares, as typed: `--name`, plus `-h`. */
function flagNames(all: OptionSpec): string[] {
  return Object.entries(all).flatMap(([name, spec]) => [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])]);
}

function checkFlags(argv: string[], all: OptionSpec, command: string): void {
  const help = `stronghold ${command} --help lists the flags`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return;
    if (!a.startsWith('-') || a === '-') continue;
    const eq = a.indexOf('=');
    const flag = eq < 0 ? a : a.slice(0, eq);
    const [name, spec] = Object.entries(all).find(([n, sp]) => flag === `--${n}` || (sp.short !== undefined && flag === `-${sp.short}`)) ?? [];
    if (spec === undefined || name === undefined) {
      const near = closest(flag, flagNames(all));
      const looksNegative = /^-[0-9]/.test(a);
      throw usage(`unknown flag ${clip(flag)} for stronghold ${command}`,
        near !== undefined ? `did you mean ${near}? ${help}` : looksNegative ? `put -- before an argument that starts with -` : help);
    }
    if (spec.type === 'boolean' && eq >= 0) throw usage(`--${name} takes no value`, help);
    if (spec.type === 'string' && eq < 0) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw usage(`--${name} needs a value`, next === undefined ? help : `write --${name}=VALUE for a value that starts with -`);
      i++;
    }
  }
}

/** Exactly `names.length` positionals, in order. */
export function positionals(p: Parsed, names: string[]): string[] {
  if (p.positionals.length < names.length) throw usage(`missing <${names[p.positionals.length]}>`, 'see --help');
  if (p.positionals.length > names.length) throw usage(`unexpected argument "${clip(p.positionals[names.length]!)}"`, 'see --help');
  return p.positionals;
}

/** A string flag's value, or a usage error if it is required and missing. */
export function requireFlag(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.length === 0) throw usage(`--${name} is required`, 'see --help');
  return v;
}

/** A string flag's value, or undefined when it was not given. */
export function optionalFlag(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** One of a fixed set of names. */
export function oneOf<T extends string>(value: string, options: readonly T[], flag: string): T {
  if (!(options as readonly string[]).includes(value)) throw usage(`--${flag} must be one of ${options.join(', ')}, got "${clip(value)}"`);
  return value as T;
}

/** `VAULT/RECORD`: split at the first slash; both parts non-empty. */
export function parseVaultRecord(value: string, flag: string): { vault: string; record: string } {
  const i = value.indexOf('/');
  if (i <= 0 || i === value.length - 1) throw usage(`--${flag} must be VAULT/RECORD, got "${clip(value)}"`, 'for example --key wallet/addr0');
  return { vault: value.slice(0, i), record: value.slice(i + 1) };
}

/** A decimal integer in [min, max]. */
export function parseInteger(value: string, flag: string, min: number, max: number): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw usage(`--${flag} must be a whole number, got "${clip(value)}"`);
  const n = Number(value);
  if (n < min || n > max) throw usage(`--${flag} must be from ${min} to ${max}, got ${value}`);
  return n;
}

/** Lowercase or uppercase hex of even length, as bytes. */
export function parseHexFlag(value: string, flag: string): Uint8Array {
  if (value.length % 2 !== 0) throw usage(`--${flag} must be hex of even length, got ${value.length} digits`);
  if (!/^[0-9a-fA-F]*$/.test(value)) throw usage(`--${flag} must be hex (0-9, a-f)`);
  return Uint8Array.from(Buffer.from(value, 'hex'));
}

const HARDENED = 0x8000_0000;

/** `m/44'/4219'/0'/0'/0'` as the chain strings Slip10Derive takes (`"44'"`, `"0"`). */
export function parseBip32Path(value: string, flag: string): string[] {
  const parts = value.split('/');
  if (parts[0] !== 'm' || parts.length < 2) throw usage(`--${flag} must look like m/44'/4219'/0'/0'/0', got "${clip(value)}"`);
  return parts.slice(1).map((s, i) => {
    const m = /^(0|[1-9][0-9]{0,9})('|h|H)?$/.exec(s);
    if (!m || Number(m[1]) >= HARDENED) throw usage(`--${flag}: segment ${i + 1} must be an index below 2^31, optionally followed by ', got "${clip(s)}"`);
    return m[2] ? `${m[1]}'` : m[1]!;
  });
}

/** Most addresses one `--range` may ask for; our choice, to keep a typo from running for minutes. */
export const MAX_RANGE = 10_000;

/** `START..END`, end-exclusive as in the IOTA SDK (`0..10` is 0 to 9); START < END. */
export function parseRange(value: string, flag: string): { start: number; end: number } {
  const m = /^(0|[1-9][0-9]*)\.\.(0|[1-9][0-9]*)$/.exec(value);
  if (!m) throw usage(`--${flag} must be START..END (end-exclusive), got "${clip(value)}"`, 'for example --range 0..10 for indices 0 to 9');
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start >= end) throw usage(`--${flag} ${value} is empty: END must be greater than START (the range is end-exclusive)`, 'for example --range 0..10 for indices 0 to 9');
  if (end > HARDENED) throw usage(`--${flag}: indices must be below 2^31`);
  if (end - start > MAX_RANGE) throw usage(`--${flag}: at most ${MAX_RANGE} addresses at once, got ${end - start}`);
  return { start, end };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `500ms`, `30s`, `10m`, `2h`, `7d`, in milliseconds (at least 1). */
export function parseDuration(value: string, flag: string): number {
  const m = /^([1-9][0-9]*)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw usage(`--${flag} must be a duration like 30s, 10m, 2h or 7d, got "${clip(value)}"`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!Number.isSafeInteger(ms)) throw usage(`--${flag} is too long`);
  return ms;
}

/** Arguments echoed in messages are cut short: they are not secret, but they can be long. */
function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
