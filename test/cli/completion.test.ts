/**
 * `stronghold completion`, in the shells themselves: the bash script is sourced by a real bash and its function
 * called as bash's completion calls it (COMP_WORDS, COMP_CWORD → COMPREPLY); fish answers `complete -C` for a
 * typed line; zsh runs interactively in tmux, gets a Tab and shows what it completed. `.ci/setup` installs zsh,
 * fish and tmux; where one is missing its test is skipped and says so.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
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

/** Why a shell's test cannot run here, or null when every program it needs is installed. */
function missing(...programs: string[]): string | null {
  const absent = programs.filter((p) => spawnSync('sh', ['-c', `command -v ${p}`]).status !== 0);
  return absent.length === 0 ? null : `${absent.join(', ')} not installed (.ci/setup installs them)`;
}

test('fish completes command names, subcommands, flags and global flags before the command', { skip: missing('fish') ?? false }, async () => {
  requireBuiltBin();
  const script = (await cli(['completion', 'fish'])).stdout;
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-fish-'));
  try {
    writeFileSync(join(dir, 'stronghold.fish'), script);
    const offered = (line: string): string[] => execFileSync('fish', ['--no-config', '-c', `source ${join(dir, 'stronghold.fish')}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8' })
      .split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]!);
    assert.deepEqual(offered('stronghold si'), ['sign']);
    assert.deepEqual(offered('stronghold key g'), ['generate']);
    assert.deepEqual(offered('stronghold store ').sort(), ['get', 'ls', 'rm', 'set']);
    assert.deepEqual(offered('stronghold key generate w.stronghold --po'), ['--policy']);
    assert.deepEqual(offered('stronghold ls w.stronghold --pu'), ['--pubkeys']);
    assert.deepEqual(offered('stronghold store ls w.stronghold --pu'), []);
    assert.deepEqual(offered('stronghold --json rec'), ['record']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zsh, interactive in tmux, completes a subcommand, a flag and a command after a global flag on Tab', { skip: missing('zsh', 'tmux') ?? false }, async () => {
  requireBuiltBin();
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-zsh-'));
  const session = `stronghold-${process.pid}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
  try {
    writeFileSync(join(dir, '_stronghold'), (await cli(['completion', 'zsh'])).stdout);
    writeFileSync(join(dir, '.zshrc'), `PS1='%% '\nautoload -U compinit && compinit -u -d ${dir}/.zcompdump\nsource ${dir}/_stronghold\n`);
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '20', `env -i HOME=${dir} ZDOTDIR=${dir} TERM=xterm PATH=/usr/bin:/bin zsh -i`);
    /** Types `line` and Tab on an empty prompt; resolves with the prompt line once zsh has completed it. */
    const complete = async (line: string, expect: RegExp): Promise<string> => {
      tmux('send-keys', '-t', session, 'C-u', line, 'Tab');
      let shown = '';
      for (let i = 0; i < 100 && !expect.test(shown); i++) {
        await delay(50);
        shown = tmux('capture-pane', '-p', '-t', session).split('\n').filter((l) => l.startsWith('% ')).at(-1) ?? '';
      }
      return shown;
    };
    assert.match(await complete('stronghold key g', /generate$/), /^% stronghold key generate$/);
    assert.match(await complete('stronghold ls w.stronghold --pu', /--pubkeys$/), /^% stronghold ls w\.stronghold --pubkeys$/);
    assert.match(await complete('stronghold --json rec', /record$/), /^% stronghold --json record$/);
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // the server ended with its only session
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
