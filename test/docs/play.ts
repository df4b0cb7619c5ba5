/**
 * Players for doc blocks that a single shell cannot run as written. `terminals` plays a block written for several
 * terminals (`# terminal 1: ...` sections): it runs each command in order; `stronghold serve` and `stronghold relay`,
 * which run until stopped, go to the background, and the play goes on once they print their address.
 *
 * A `# prints: TEXT` comment after a command must match a line it printed, where `…` matches anything and a
 * placeholder `<NAME>` matches what the reader would copy: the text it matched is pasted for `<NAME>` in the later
 * commands, as the reader would paste it into the other terminal. Servers listen on port 0 here (a fixed port may
 * be taken on a shared machine), so a server's documented port becomes, in later commands and `# prints:` lines,
 * the port it really got. At the end every server gets SIGTERM and must exit 0 (serve saves on exit).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Shell {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Shell code run before every command (the block's setup). */
  setup: string;
}

interface Server {
  port: string;
  child: ChildProcess;
  peerId: string;
  actualPort: string;
  stdout: string;
}

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `script` with bash in `shell`'s folder and environment. */
export function bash(shell: Shell, script: string): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: shell.cwd, env: shell.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The commands of a shell block, continuation lines joined, each with the `# prints:` lines after it. */
function commands(code: string): { command: string; prints: string[] }[] {
  const out: { command: string; prints: string[] }[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const prints = /^# prints: (.*)$/.exec(line);
    if (prints) {
      const last = out.at(-1);
      if (!last) throw new Error(`"# prints:" before any command: ${line}`);
      last.prints.push(prints[1]!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    let command = line;
    while (command.endsWith('\\') && i + 1 < lines.length) command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
    out.push({ command, prints: [] });
  }
  return out;
}

const SERVER = /^stronghold (serve|relay)\b/;

function startServer(shell: Shell, command: string): Promise<Server> {
  const port = /\/tcp\/([0-9]+)/.exec(command)?.[1];
  if (port === undefined) throw new Error(`a served command without a /tcp/PORT to listen on: ${command}`);
  const real = command.replace(`/tcp/${port}`, '/tcp/0');
  const child = spawn('bash', ['-c', `${shell.setup}\nexec ${real}`], { cwd: shell.cwd, env: shell.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      stdout += b.toString();
      const peer = /^peer id (\S+)$/m.exec(stdout)?.[1];
      const addr = /^listening on \/ip4\/127\.0\.0\.1\/tcp\/([0-9]+)\/p2p\/\S+$/m.exec(stdout);
      if (peer && addr) resolve({ port, child, peerId: peer, actualPort: addr[1]!, stdout });
    });
    child.on('close', (code) => reject(new Error(`${command} exited ${code} before listening: ${stderr}`)));
  });
}

/** A `# prints:` line as a pattern whose placeholders capture, and their names in order. */
function printsPattern(shown: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const parts = shown.trimEnd().split(/(…|<[^<>]+>)/);
  const source = parts.map((p, i) => {
    if (i % 2 === 0) return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (p === '…') return '.*?';
    names.push(p);
    return '(.+?)';
  }).join('');
  return { pattern: new RegExp(`^${source}$`), names };
}

/** Plays a multi-terminal block; throws with the failing command and what it printed. */
export async function playTerminals(shell: Shell, code: string): Promise<{ commands: number; servers: number }> {
  const servers: Server[] = [];
  const pasted = new Map<string, string>();
  const substitute = (text: string): string => {
    let t = text;
    for (const s of servers) t = t.replaceAll(`/tcp/${s.port}/`, `/tcp/${s.actualPort}/`);
    for (const [name, value] of pasted) t = t.replaceAll(name, value);
    return t;
  };
  const list = commands(code);
  let exports = '';
  try {
    for (const { command, prints } of list) {
      let printed: string;
      if (SERVER.test(command)) {
        const server = await startServer({ ...shell, setup: `${shell.setup}\n${exports}` }, substitute(command));
        servers.push(server);
        printed = server.stdout;
      } else {
        const real = substitute(command);
        const r = await bash(shell, `set -e\n${shell.setup}\n${exports}\n${real}`);
        if (r.code !== 0) throw new Error(`\`${real}\` exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
        printed = r.stdout;
        if (command.startsWith('export ')) exports += `${command}\n`;
      }
      for (const p of prints) {
        const { pattern, names } = printsPattern(substitute(p));
        const match = printed.split('\n').map((l) => pattern.exec(l.trimEnd())).find((m) => m !== null);
        if (!match) throw new Error(`\`${command}\` did not print "${p}"; it printed:\n${printed}`);
        names.forEach((name, i) => pasted.set(name, match[i + 1]!));
      }
    }
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
  for (const s of servers) {
    const code = s.child.exitCode ?? await new Promise<number | null>((resolve) => s.child.on('exit', (c) => resolve(c)));
    if (code !== 0) throw new Error(`a server (documented port ${s.port}) exited ${code} on SIGTERM`);
  }
  return { commands: list.length, servers: servers.length };
}
