/**
 * The runnable blocks of the docs: every ```sh, ```bash, ```console and ```ts fence of README.md and docs/*.md, in
 * order, with the `<!-- doc-test: ... -->` comment that may stand right before it (blank lines between are allowed):
 *
 * - `<!-- doc-test: skip REASON -->`: not run; the reason is listed in the test output.
 * - `<!-- doc-test: play NAME -->`: run by the player NAME of play.ts (a second terminal, a server in the background).
 * - `<!-- doc-test: setup\nCODE\n-->`: CODE runs first, hidden from readers: the snippet's givens (a password, an open
 *   Stronghold). For ts blocks it is prepended to the module; for shell blocks it runs in the same shell.
 *
 * - `<!-- doc-test: teardown\nCODE\n-->`: CODE runs after a ts block (stopping the servers its setup started).
 *
 * Several may stand together, in any order.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Lang = 'sh' | 'console' | 'ts';

export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: Lang;
  code: string;
  setup: string;
  teardown: string;
  skip?: string;
  play?: string;
}

const LANGS: Record<string, Lang> = { sh: 'sh', bash: 'sh', console: 'console', ts: 'ts', typescript: 'ts' };

/** The runnable blocks of one markdown file (relative to `root`), in order. */
export function blocksOf(root: string, file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  const none = (): { setup: string; teardown: string; skip?: string; play?: string } => ({ setup: '', teardown: '' });
  let pending = none();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const directive = /^<!-- doc-test: (skip|play|setup|teardown)\b ?(.*)$/.exec(line);
    if (directive) {
      const [, kind, rest] = directive;
      if (kind === 'setup' || kind === 'teardown') {
        const body: string[] = [];
        if (rest!.trim() !== '') throw new Error(`${file}:${i + 1}: the code goes on the lines after <!-- doc-test: ${kind}`);
        for (i++; i < lines.length && lines[i] !== '-->'; i++) body.push(lines[i]!);
        pending[kind] = body.join('\n');
      } else {
        const text = rest!.replace(/\s*-->\s*$/, '').trim();
        if (text === '') throw new Error(`${file}:${i + 1}: doc-test: ${kind} needs a ${kind === 'skip' ? 'reason' : 'player name'}`);
        pending[kind as 'skip' | 'play'] = text;
      }
      continue;
    }
    const fence = /^```(\S*)\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      const start = i + 1;
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      const lang = LANGS[fence[1]!];
      if (lang) blocks.push({ file, line: start, lang, code: body.join('\n'), ...pending });
      pending = none();
      continue;
    }
    // A directive applies to the next fence only when nothing but blank lines stands between them.
    if (line.trim() !== '') pending = none();
  }
  return blocks;
}

/** One command of a ```console block and the output the docs show for it (empty: not shown, not checked). */
export interface ConsoleStep {
  command: string;
  expected: string[];
}

/** `$ cmd` lines (continued by a trailing backslash) and the lines after each, up to the next `$ `. */
export function consoleSteps(code: string): ConsoleStep[] {
  const steps: ConsoleStep[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('$ ')) {
      let command = line.slice(2);
      while (command.endsWith('\\') && i + 1 < lines.length) command = `${command}\n${lines[++i]!}`;
      steps.push({ command, expected: [] });
    } else if (line.trim() !== '') {
      const last = steps.at(-1);
      if (!last) throw new Error(`output before any command: ${line}`);
      last.expected.push(line);
    }
  }
  return steps;
}

/**
 * Whether `actual` is what the docs show: line by line, where `…` and `<anything in angle brackets>` stand for
 * any text. Trailing whitespace is ignored.
 */
export function matchesShown(expected: string[], actual: string[]): boolean {
  if (expected.length !== actual.length) return false;
  return expected.every((e, i) => shownPattern(e).test(actual[i]!.trimEnd()));
}

/** A shown line as a pattern: `…` and `<...>` match any text. */
export function shownPattern(shown: string): RegExp {
  const parts = shown.trimEnd().split(/(…|<[^<>]+>)/);
  return new RegExp(`^${parts.map((p, i) => (i % 2 === 1 ? '.*?' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
}
