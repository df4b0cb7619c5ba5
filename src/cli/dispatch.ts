/**
 * The command line as a function: finds the command in the registry, parses its flags strictly, runs it, and
 * turns any failure into one line on stderr and an exit status (see `output.ts`, docs/cli.md). `main.ts`
 * is the bin that calls it with the process's streams.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseFlags } from './args.js';
import type { Command } from './command.js';
import { EXIT, Output, usage, type Streams } from './output.js';
import type { Input } from './password.js';
import { COMMANDS } from './registry.js';

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
  10  any other error`;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'stronghold: a secure database for secrets (IOTA Stronghold snapshots)',
    '',
    'USAGE',
    '  stronghold <command> <snapshot> [flags]',
    '  stronghold <command> --help',
    '',
    'COMMANDS',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'PASSWORDS',
    '  Never on the command line: STRONGHOLD_PASSWORD, --password-file F, or a prompt on a terminal.',
    '  New passwords: STRONGHOLD_NEW_PASSWORD, --new-password-file F, or a prompt asked twice.',
    '',
    EXIT_TABLE,
    '',
    'EXAMPLE',
    '  export STRONGHOLD_PASSWORD=...        # or --password-file',
    '  stronghold init wallet.stronghold',
    '  stronghold mnemonic recover wallet.stronghold --client iota_seed --vault iota-wallet-secret --record iota-wallet-seed < words.txt',
    '  stronghold address wallet.stronghold --coin-type 4219 --range 0..3',
    '',
    'More: docs/cli.md',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const flags = [...c.flags, ...COMMON_FLAGS];
  const width = Math.max(...flags.map(([f]) => f.length));
  return [
    `stronghold ${c.name}: ${c.summary}`,
    '',
    'USAGE',
    `  stronghold ${c.usage}`,
    '',
    'FLAGS',
    ...flags.map(([f, t]) => `  ${f.padEnd(width)}  ${t}`),
    '',
    'EXAMPLE',
    ...c.example.split('\n').map((l) => `  ${l}`),
    '',
    EXIT_TABLE,
  ].join('\n');
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
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      streams.stdout.write(`${mainHelp()}\n`);
      return EXIT.ok;
    }
    if (argv[0] === '--version') {
      streams.stdout.write(`${json ? JSON.stringify({ version: version() }) : version()}\n`);
      return EXIT.ok;
    }
    const found = findCommand(argv);
    if (!found) {
      const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `)).map((c) => c.name);
      if (group.length > 0) throw usage(`"${argv[0]}" needs a subcommand: ${group.join(', ')}`, `stronghold ${group[0]} --help`);
      throw usage(`unknown command "${argv[0]!.slice(0, 40)}"`, 'stronghold --help lists the commands');
    }
    const { command, rest } = found;
    if (rest.includes('--help') || rest.includes('-h')) {
      streams.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    const args = parseFlags(rest, command.options);
    await command.run({ args, out, input });
    return EXIT.ok;
  } catch (e) {
    return out.fail(e);
  }
}

