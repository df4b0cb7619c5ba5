/**
 * The command line as a function: finds the command in the registry, parses its flags strictly, runs it, and
 * turns any failure into one line on stderr and an exit status (see `output.ts`, docs/cli.md). `main.ts`
 * is the bin that calls it with the process's streams.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseFlags } from './args.js';
import type { Command } from './command.js';
import { CliError, EXIT, Output, usage, type Streams } from './output.js';
import type { Input } from './password.js';
import { COMMANDS } from './registry.js';
import { closest } from './suggest.js';

const COMMON_FLAGS = [
  ['--json', 'print one JSON document on standard output (bytes as lowercase hex)'],
  ['-h, --help', 'show this help'],
] as const;

const EXIT_TABLE = `EXIT STATUS
  0   success
  1   usage error (unknown flag, malformed argument)
  2   wrong password
  3   not found (snapshot, client, vault, record, store key)
  4   corrupted or unsupported snapshot
  5   refused (usage policy, permission, existing file)
  6   snapshot locked by another process
  7   verify: the signature is not valid
  10  any other error`;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A help text: a title line, then sections in one order for every help (USAGE, FLAGS, EXAMPLE, EXIT STATUS). */
function helpText(title: string, sections: { usage: string[]; before?: [string, string[]][]; flags: readonly (readonly [string, string])[]; after?: [string, string[]][]; example: string[] }): string {
  const width = Math.max(...sections.flags.map(([f]) => f.length));
  const section = ([heading, lines]: [string, string[]]): string[] => [heading, ...lines.map((l) => `  ${l}`), ''];
  return [
    title,
    '',
    ...section(['USAGE', sections.usage]),
    ...(sections.before ?? []).flatMap(section),
    ...section(['FLAGS', sections.flags.map(([f, t]) => `${f.padEnd(width)}  ${t}`)]),
    ...(sections.after ?? []).flatMap(section),
    ...section(['EXAMPLE', sections.example]),
    EXIT_TABLE,
    '',
    'More: docs/cli.md',
  ].join('\n');
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return helpText('stronghold: a secure database for secrets (IOTA Stronghold snapshots)', {
    usage: ['stronghold [--json] [--password-file F] <command> <snapshot> [flags]', 'stronghold <command> --help'],
    before: [['COMMANDS', COMMANDS.map((c) => `${c.name.padEnd(width)}  ${c.summary}`)]],
    flags: [...COMMON_FLAGS, ['--version', 'print the version'], ['--password-file F', 'read the password from F (any command that opens a snapshot)']],
    after: [['PASSWORDS', [
      'Never on the command line: STRONGHOLD_PASSWORD, --password-file F, or a prompt on a terminal.',
      'New passwords: STRONGHOLD_NEW_PASSWORD, --new-password-file F, or a prompt asked twice.',
    ]]],
    example: [
      'export STRONGHOLD_PASSWORD=...        # or --password-file',
      'stronghold init wallet.stronghold',
      'stronghold mnemonic recover wallet.stronghold --client iota_seed --key iota-wallet-secret/iota-wallet-seed < words.txt',
      'stronghold address wallet.stronghold --coin-type 4219 --range 0..3',
    ],
  });
}

function commandHelp(c: Command): string {
  return helpText(`stronghold ${c.name}: ${c.summary}`, { usage: [`stronghold ${c.usage}`], flags: [...c.flags, ...COMMON_FLAGS], example: c.example.split('\n') });
}

/** The command named by the first one or two words of `argv`. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  const two = `${argv[0]} ${argv[1]}`;
  const c2 = COMMANDS.find((c) => c.name === two);
  if (c2) return { command: c2, rest: argv.slice(2) };
  const c1 = COMMANDS.find((c) => c.name === argv[0]);
  return c1 ? { command: c1, rest: argv.slice(1) } : null;
}

/** A password flag on the command line is refused before anything else, without echoing its value. */
function refusePasswordArgs(argv: string[]): void {
  if (argv.some((a) => /^--(new-)?password(=|$)/.test(a))) {
    throw usage('passwords are never taken from the command line (other users can see it in ps)',
      'use STRONGHOLD_PASSWORD / STRONGHOLD_NEW_PASSWORD, --password-file / --new-password-file, or the prompt');
  }
}

/** Why `argv` names no command, with the closest command as a hint. */
function unknownCommand(argv: string[]): CliError {
  const word = argv[0]!;
  const group = COMMANDS.filter((c) => c.name.startsWith(`${word} `)).map((c) => c.name);
  if (group.length > 0) {
    const sub = argv[1];
    if (sub === undefined || sub.startsWith('-')) return usage(`"${word}" needs a subcommand: ${group.join(', ')}`, `stronghold ${group[0]} --help`);
    const near = closest(`${word} ${sub}`, group);
    return usage(`unknown command "${clip(`${word} ${sub}`)}"`, `${near === undefined ? '' : `did you mean ${near}? `}the ${word} commands are ${group.join(', ')}`);
  }
  const near = closest(word, [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))]);
  return usage(`unknown command "${clip(word)}"`, `${near === undefined ? '' : `did you mean ${near}? `}stronghold --help lists the commands`);
}

/** Flags that may come before the command (`stronghold --json ls x`); they mean the same after it. */
const GLOBAL_FLAGS = ['--json', '--help', '-h', '--version', '--password-file'] as const;

/**
 * Moves the global flags in front of the command to its end, so that the command's parser sees them as its own.
 * Returns the reordered arguments.
 */
function globalsLast(argv: string[]): string[] {
  const lead: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    const a = argv[i]!;
    const flag = a.split('=', 1)[0]!;
    if (!(GLOBAL_FLAGS as readonly string[]).includes(flag)) {
      const near = closest(flag, GLOBAL_FLAGS);
      throw usage(`unknown flag ${clip(flag)} before the command`,
        `${near === undefined ? '' : `did you mean ${near}? `}only ${GLOBAL_FLAGS.join(', ')} may come before the command; its own flags go after it`);
    }
    if (flag === '--password-file' && !a.includes('=')) {
      if (argv[i + 1] === undefined) throw usage('--password-file needs a value', 'stronghold --help');
      lead.push(a, argv[i + 1]!);
      i += 2;
    } else {
      lead.push(a);
      i++;
    }
  }
  return [...argv.slice(i), ...lead];
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Runs the command line `argv` (without `node` and the script); returns the exit status. */
export async function main(argv: string[], streams: Streams, input: Input): Promise<number> {
  const json = argv.includes('--json');
  const out = new Output(streams, json);
  try {
    refusePasswordArgs(argv);
    if (argv.length === 0) {
      streams.stderr.write(`${mainHelp()}\n\n`);
      throw usage('no command given');
    }
    const args = globalsLast(argv);
    if (args[0] === 'help' && args.length > 1) return main([...args.slice(1), '--help'], streams, input);
    if (args[0] === undefined || args[0].startsWith('-') || args[0] === 'help') {
      if (args.includes('--version')) {
        streams.stdout.write(`${json ? JSON.stringify({ version: version() }) : version()}\n`);
        return EXIT.ok;
      }
      if (args.includes('--help') || args.includes('-h') || args[0] === 'help') {
        streams.stdout.write(`${mainHelp()}\n`);
        return EXIT.ok;
      }
      throw usage('no command given', 'stronghold --help lists the commands');
    }
    const found = findCommand(args);
    if (!found) throw unknownCommand(args);
    const { command, rest } = found;
    out.steps = command.chain === true;
    if (rest.includes('--help') || rest.includes('-h')) {
      streams.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    const parsed = parseFlags(rest, command.options, command.name);
    await command.run({ args: parsed, out, input });
    return EXIT.ok;
  } catch (e) {
    return out.fail(e);
  }
}
