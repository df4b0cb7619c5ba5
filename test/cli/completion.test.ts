/**
 * `stronghold completion`: the bash script is sourced by a real bash and its function called as bash's
 * completion calls it (COMP_WORDS, COMP_CWORD → COMPREPLY), so what is tested is what a user's shell does.
 * zsh and fish are not installed where this runs: their scripts are checked for what they must contain.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BIN, cli, errorCode, json, requireBuiltBin, ROOT, run } from './helpers.js';

/** What bash offers for the words typed so far (the last one is the word being completed). */
async function complete(words: string[]): Promise<string[]> {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const script = `source <('${process.execPath}' '${BIN}' completion bash) || exit 9
COMP_WORDS=(stronghold ${quoted}); COMP_CWORD=${words.length}; _stronghold; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await run('bash', ['-c', script], ROOT, { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

test('bash completes command names, the subcommands of a group, and a command\'s own flags', async () => {
  requireBuiltBin();
  assert.deepEqual(await complete(['si']), ['sign']);
  assert.deepEqual(await complete(['ve']), ['verify']);
  assert.deepEqual((await complete(['st'])).sort(), ['store']);
  assert.deepEqual(await complete(['store', '']), ['get', 'set', 'rm', 'ls']);
  assert.deepEqual(await complete(['key', 'g']), ['generate']);
  assert.deepEqual(await complete(['key', 'generate', 'w.stronghold', '--po']), ['--policy']);
  // `ls` and `store ls` are different commands with different flags.
  assert.deepEqual(await complete(['ls', 'w.stronghold', '--pu']), ['--pubkeys']);
  assert.deepEqual(await complete(['store', 'ls', 'w.stronghold', '--pu']), []);
  // Global flags before the command are skipped; before a command, `-` completes them.
  assert.deepEqual(await complete(['--json', 'rec']), ['record']);
  assert.deepEqual(await complete(['--password-file', 'pw.txt', 'record', 'rm', 'x', '--pu']), ['--purge']);
  assert.deepEqual(await complete(['--js']), ['--json']);
});

test('bash completes file names after the command (snapshots)', async () => {
  const offered = await complete(['ls', 'package.j']);
  assert.deepEqual(offered, ['package.json']);
});

test('every command is in the zsh and fish scripts, with its flags', async () => {
  const help = (await cli(['--help'])).stdout;
  const names = [...help.matchAll(/^ {2}([a-z]+(?: [a-z0-9]+)?) {2,}/gm)].map((m) => m[1]!).filter((n) => !n.startsWith('stronghold'));
  assert.ok(names.includes('key generate') && names.includes('completion'), names.join(','));
  const zsh = await cli(['completion', 'zsh']);
  assert.equal(zsh.code, 0);
  assert.match(zsh.stdout, /^#compdef stronghold\n[^]*bashcompinit[^]*complete -o filenames -F _stronghold stronghold$/m);
  const fish = (await cli(['completion', 'fish'])).stdout;
  for (const n of names) {
    const [first, second] = n.split(' ');
    assert.match(fish, new RegExp(`-a '${second ?? first}'`), n);
    assert.match(fish, new RegExp(`= "${n}"' -l json$`, 'm'), n);
  }
  assert.match(fish, /= "key generate"' -l policy$/m);
  assert.equal(json((await cli(['completion', 'bash', '--json']))).shell, 'bash');
});

test('an unknown shell is a usage error that names the three', async () => {
  const r = await cli(['completion', 'tcsh']);
  assert.equal(r.code, 1);
  assert.equal(errorCode(r), 'Usage');
  assert.match(r.stderr, /bash, zsh, fish/);
  assert.equal((await cli(['completion'])).code, 1);
});
