/**
 * The command-line function in process (fast): `--help` of every registered command, and usage errors that
 * are decided before any snapshot is opened. The built bin is exercised end to end in cli.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runInProcess } from './harness.js';
import { COMMANDS } from '../../src/cli/registry.js';

const run = (argv: string[]) => runInProcess(argv);

/** The section headings of a help text, in order. */
const headings = (help: string): string[] => [...help.matchAll(/^([A-Z][A-Z ]+)$/gm)].map((m) => m[1]!);
const SECTIONS = ['USAGE', 'FLAGS', 'EXAMPLE', 'EXIT STATUS'];

describe('help', () => {
  test('stronghold --help has the same sections in the same order, with the commands and passwords among them', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.deepEqual(headings(r.stdout), ['USAGE', 'COMMANDS', 'FLAGS', 'PASSWORDS', 'EXAMPLE', 'EXIT STATUS']);
    assert.match(r.stdout, /^FLAGS\n[^]*--version[^]*--password-file F/m);
    assert.match(r.stdout, /\nMore: docs\/cli\.md\n$/);
  });
  for (const c of COMMANDS) {
    test(`${c.name} --help: usage, flags, an example, the exit statuses, in that order`, async () => {
      const r = await run([...c.name.split(' '), '--help']);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      assert.deepEqual(headings(r.stdout), SECTIONS);
      assert.match(r.stdout, /\nMore: docs\/cli\.md\n$/);
      assert.match(r.stdout, new RegExp(`^USAGE\\n  stronghold ${c.name}`, 'm'));
      assert.match(r.stdout, /^FLAGS\n[^]*--json/m);
      assert.match(r.stdout, /^EXAMPLE\n[^]*stronghold /m);
      assert.match(r.stdout, /^EXIT STATUS\n[^]*^  10 /m);
    });
  }
});

describe('usage errors before any file is touched', () => {
  const cases: [string, string[]][] = [
    ['unknown command', ['frobnicate']],
    ['a group without its subcommand', ['store']],
    ['unknown flag', ['ls', 'x.stronghold', '--bogus']],
    ['flag without its value', ['ls', 'x.stronghold', '--client']],
    ['missing snapshot argument', ['ls']],
    ['extra argument', ['ls', 'x.stronghold', 'extra']],
    ['odd-length hex', ['sign', 'x', '--client', 'c', '--key', 'v/r', '--message-hex', 'abc']],
    ['both message sources', ['sign', 'x', '--client', 'c', '--key', 'v/r', '--message-hex', '00', '--message-file', 'f']],
    ['malformed VAULT/RECORD', ['pubkey', 'x', '--client', 'c', '--key', 'v/', '--type', 'ed25519']],
    ['unknown key type', ['pubkey', 'x', '--client', 'c', '--key', 'v/r', '--type', 'rsa']],
    ['empty range', ['address', 'x', '--coin-type', '4219', '--range', '5..2']],
    ['bad hrp', ['address', 'x', '--coin-type', '4219', '--hrp', 'RMS']],
    ['missing coin type', ['address', 'x']],
    ['path without m/', ['derive', 'x', '--client', 'c', '--from', 'v/r', '--to', 'v/s', '--path', "44'"]],
    ['unknown curve', ['derive', 'x', '--client', 'c', '--from', 'v/r', '--to', 'v/s', '--path', "m/0'", '--curve', 'p256']],
    ['unknown language', ['mnemonic', 'generate', 'x', '--client', 'c', '--vault', 'v', '--record', 'r', '--language', 'klingon']],
    ['missing --record', ['mnemonic', 'recover', 'x', '--client', 'c', '--vault', 'v']],
    ['work factor out of range', ['init', 'x', '--work-factor', '24']],
    ['bad ttl', ['store', 'set', 'x', '--client', 'c', 'k', 'v', '--ttl', '10']],
    ['VALUE and --value-hex', ['store', 'set', 'x', '--client', 'c', 'k', 'v', '--value-hex', '00']],
    ['a password argument', ['ls', 'x', '--password', 'hunter2']],
  ];
  for (const [name, argv] of cases) {
    test(name, async () => {
      const r = await run([...argv, '--json']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^stronghold: error: Usage: /);
      const doc = JSON.parse(r.stdout) as { error: { code: string; exitCode: number } };
      assert.deepEqual([doc.error.code, doc.error.exitCode], ['Usage', 1]);
      assert.doesNotMatch(r.stderr + r.stdout, /hunter2/);
    });
  }
});
