/**
 * The docs are tests (issue 15, item 1): every ```sh, ```bash, ```console and ```ts block of README.md and
 * docs/*.md runs, in order, in a temporary folder per file, against the built package: TypeScript imports it by its
 * public names (`stronghold-ts/...`, resolved through `node_modules/stronghold-ts`, a link to this repository) and
 * shell blocks find `stronghold` on PATH (a shim that runs dist/cli/main.js, as npm's bin link does). ```console
 * blocks are checked against the output they show. A block marked `<!-- doc-test: play NAME -->` is played by
 * play.ts; one marked `<!-- doc-test: skip REASON -->` is listed with its reason. `npm run build` must run first.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FIXTURES_DIR } from '../iota-sdk-fixtures.js';
import { blocksOf, consoleSteps, matchesShown, type Block } from './blocks.js';
import { bash, playTerminals, type Shell } from './play.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const FILES = ['README.md', ...(await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const PLAYERS: Record<string, (shell: Shell, code: string) => Promise<unknown>> = { terminals: playTerminals };

const folders: string[] = [];
after(() => Promise.all(folders.map((d) => rm(d, { recursive: true, force: true }))));

/** A temporary project that has the package installed under its public name, and `stronghold` on PATH. */
async function project(): Promise<Shell> {
  const dir = await mkdtemp(join(tmpdir(), 'stronghold-docs-'));
  folders.push(dir);
  await mkdir(join(dir, 'node_modules'));
  await mkdir(join(dir, 'bin'));
  await mkdir(join(dir, 'tmp'));
  await symlink(ROOT, join(dir, 'node_modules/stronghold-ts'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'docs-check', private: true, type: 'module' }));
  await writeFile(join(dir, 'bin/stronghold'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  await chmod(join(dir, 'bin/stronghold'), 0o755);
  // Nothing of the runner's environment (a STRONGHOLD_PASSWORD, a HOME) leaks into the examples.
  // STRONGHOLD_FIXTURES: where a hidden setup finds the IOTA SDK's test snapshots (read, never written).
  const env = { PATH: `${join(dir, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir, TMPDIR: join(dir, 'tmp'), LANG: 'C.UTF-8', STRONGHOLD_FIXTURES: FIXTURES_DIR };
  return { cwd: dir, env, setup: '' };
}

async function runTs(shell: Shell, b: Block): Promise<void> {
  const file = join(shell.cwd, `${b.file.replace(/[/.]/g, '_')}-${b.line}.mts`);
  await writeFile(file, `${b.setup}\n${b.code}\n${b.teardown}\n`);
  const r = await bash(shell, `exec '${process.execPath}' '${file}'`);
  assert.equal(r.code, 0, `${b.file}:${b.line} exited ${r.code}\n${r.stderr}`);
}

async function runSh(shell: Shell, b: Block): Promise<void> {
  const r = await bash(shell, `set -e\n${b.setup}\n${b.code}`);
  assert.equal(r.code, 0, `${b.file}:${b.line} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

async function runConsole(shell: Shell, b: Block): Promise<number> {
  const steps = consoleSteps(b.code);
  const out = join(shell.cwd, '.doc-test');
  await mkdir(out, { recursive: true });
  // One shell for the whole block, so that `export` carries on; each command's output goes to its own files.
  const script = [b.setup, ...steps.map((s, i) => `{ ${s.command}\n} > '${out}/${i}.out' 2> '${out}/${i}.err' || { echo "$?" > '${out}/${i}.rc'; exit 1; }`)].join('\n');
  const r = await bash(shell, script);
  for (const [i, s] of steps.entries()) {
    const rc = existsSync(join(out, `${i}.rc`)) ? (await readFile(join(out, `${i}.rc`), 'utf8')).trim() : '0';
    const stdout = existsSync(join(out, `${i}.out`)) ? await readFile(join(out, `${i}.out`), 'utf8') : '';
    const stderr = existsSync(join(out, `${i}.err`)) ? await readFile(join(out, `${i}.err`), 'utf8') : '';
    assert.equal(rc, '0', `${b.file}:${b.line}: \`$ ${s.command}\` exited ${rc}\nstdout: ${stdout}\nstderr: ${stderr}`);
    if (s.expected.length > 0) {
      const actual = stdout.replace(/\n$/, '').split('\n');
      assert.ok(matchesShown(s.expected, actual), `${b.file}:${b.line}: \`$ ${s.command}\` printed\n${stdout}\nthe docs show\n${s.expected.join('\n')}`);
    }
  }
  await rm(out, { recursive: true, force: true });
  assert.equal(r.code, 0, r.stderr);
  return steps.length;
}

const counts = { run: 0, played: 0, skipped: [] as string[] };

describe('every documented example runs as written', { concurrency: 2 }, () => {
  for (const file of FILES) {
    describe(file, { concurrency: false }, () => {
      let shell: Shell;
      test('a fresh project with the package and the bin', async () => {
        assert.ok(existsSync(BIN), `${BIN} is missing: run \`npm run build\` first`);
        shell = await project();
      });
      for (const b of blocksOf(ROOT, file)) {
        const name = `${b.lang} block at line ${b.line}`;
        if (b.skip !== undefined) {
          test(name, { skip: b.skip }, () => {});
          counts.skipped.push(`${file}:${b.line} (${b.skip})`);
          continue;
        }
        test(name, { timeout: 90_000 }, async () => {
          if (b.play !== undefined) {
            const player = PLAYERS[b.play];
            assert.ok(player, `${file}:${b.line}: no player "${b.play}" (known: ${Object.keys(PLAYERS).join(', ')})`);
            await player({ ...shell, setup: b.setup }, b.code);
            counts.played++;
          } else {
            if (b.lang === 'ts') await runTs(shell, b);
            else if (b.lang === 'sh') await runSh(shell, b);
            else await runConsole(shell, b);
            counts.run++;
          }
        });
      }
    });
  }
});

after(() => {
  process.stdout.write(`# doc blocks: ${counts.run} run, ${counts.played} played, ${counts.skipped.length} skipped\n`);
  for (const s of counts.skipped) process.stdout.write(`#   skipped ${s}\n`);
});
