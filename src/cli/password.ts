/**
 * Passwords and other secret input. A password never comes from the command line's arguments (they show in
 * `ps`): it comes from `--password-file`, from `STRONGHOLD_PASSWORD`, or from a prompt without echo when
 * standard input is a terminal. A new password likewise from `--new-password-file`, `STRONGHOLD_NEW_PASSWORD`
 * or a prompt asked twice. Everything is read into Uint8Arrays that the caller wipes; none becomes a string
 * here (an environment variable is a string in the process already: we encode it and drop it from `env`).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { wipe } from '../memory/guarded.js';
import { CliError, EXIT, usage } from './output.js';

/** Longest password, passphrase or mnemonic we read; our choice, far above any real one. */
export const MAX_SECRET_INPUT_BYTES = 64 * 1024;

/** The input side of a command: environment and standard input. */
export interface Input {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stderr: NodeJS.WritableStream;
}

const encoder = new TextEncoder();

/** Reads a secret file: its bytes without one trailing newline (`\n` or `\r\n`). */
export async function readSecretFile(path: string, flag: string): Promise<Uint8Array> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    throw new CliError(code === 'ENOENT' ? 'FileNotFound' : 'Io', `cannot read --${flag} ${path} (${code})`, code === 'ENOENT' ? EXIT.notFound : EXIT.other);
  }
  try {
    if (buf.length > MAX_SECRET_INPUT_BYTES) throw usage(`--${flag} ${path} is larger than ${MAX_SECRET_INPUT_BYTES} bytes`);
    let n = buf.length;
    if (n > 0 && buf[n - 1] === 0x0a) n--;
    if (n > 0 && buf[n - 1] === 0x0d) n--;
    return Uint8Array.from(buf.subarray(0, n));
  } finally {
    wipe(buf);
  }
}

function fromEnv(input: Input, name: string): Uint8Array | null {
  const v = input.env[name];
  if (v === undefined || v.length === 0) return null;
  // Children we might start should not inherit it.
  delete input.env[name];
  return encoder.encode(v);
}

/** Where `readPassword` will take the password from; said in the hint when the password is wrong. */
export type PasswordSource = 'file' | 'env' | 'prompt';

/** Where the password of an existing snapshot comes from, decided before it is read (reading removes the variable). */
export function passwordSource(input: Input, passwordFile: string | undefined): PasswordSource | null {
  if (passwordFile !== undefined) return 'file';
  if ((input.env.STRONGHOLD_PASSWORD ?? '') !== '') return 'env';
  return input.stdin.isTTY === true ? 'prompt' : null;
}

/** What to do about a wrong password, depending on where it came from. */
export function wrongPasswordHint(source: PasswordSource | null): string {
  if (source === 'prompt') return 'the password typed at the prompt does not open this snapshot; run the command again and retype it (nothing was changed)';
  if (source === 'file') return 'the --password-file does not hold this snapshot\'s password (one trailing newline is ignored); nothing was changed';
  return 'STRONGHOLD_PASSWORD does not hold this snapshot\'s password; check its value (nothing was changed)';
}

/** The password of an existing snapshot. */
export async function readPassword(input: Input, passwordFile: string | undefined): Promise<Uint8Array> {
  if (passwordFile !== undefined) return readSecretFile(passwordFile, 'password-file');
  const env = fromEnv(input, 'STRONGHOLD_PASSWORD');
  if (env) return env;
  if (input.stdin.isTTY === true) return promptHidden(input, 'Password: ');
  throw usage('no password given', 'set STRONGHOLD_PASSWORD, pass --password-file F, or run on a terminal to be asked');
}

/** A new password (passwd, backup, migrate): asked twice on a terminal. Empty is refused. */
export async function readNewPassword(input: Input, newPasswordFile: string | undefined): Promise<Uint8Array> {
  return readChosenPassword(input, newPasswordFile, 'new-password-file', 'STRONGHOLD_NEW_PASSWORD');
}

/** The password of a snapshot `init` creates: the usual sources, but asked twice on a terminal. Empty is refused. */
export async function readInitPassword(input: Input, passwordFile: string | undefined): Promise<Uint8Array> {
  return readChosenPassword(input, passwordFile, 'password-file', 'STRONGHOLD_PASSWORD');
}

async function readChosenPassword(input: Input, file: string | undefined, flag: string, envName: string): Promise<Uint8Array> {
  let pw: Uint8Array | null = null;
  if (file !== undefined) pw = await readSecretFile(file, flag);
  else pw = fromEnv(input, envName);
  if (pw === null) {
    if (input.stdin.isTTY !== true) throw usage('no new password given', `set ${envName}, pass --${flag} F, or run on a terminal to be asked`);
    pw = await promptHidden(input, 'New password: ');
    const again = await promptHidden(input, 'Repeat the new password: ');
    const same = equalBytes(pw, again);
    wipe(again);
    if (!same) {
      wipe(pw);
      throw usage('the two passwords differ; nothing was changed');
    }
  }
  if (pw.length === 0) throw usage('the new password is empty', 'choose a password; the snapshot is only as safe as it is');
  return pw;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Reads all of standard input (up to `max` bytes) into one array, wiping each chunk it copies. */
export async function readStdin(input: Input, max: number, what: string): Promise<Uint8Array> {
  let out = new Uint8Array(0);
  for await (const chunk of input.stdin) {
    const c = typeof chunk === 'string' ? encoder.encode(chunk) : (chunk as Uint8Array);
    if (out.length + c.length > max) {
      wipe(out, c);
      throw usage(`${what} on standard input is larger than ${max} bytes`);
    }
    const next = new Uint8Array(out.length + c.length);
    next.set(out);
    next.set(c, out.length);
    wipe(out, c);
    out = next;
  }
  return out;
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Mnemonic words as BIP39Recover wants them: runs of ASCII whitespace become one space, none at either end.
 * Works on bytes in place (so the words never become a string) and returns a fresh exact-size copy;
 * the input is wiped.
 */
export function normalizeWords(bytes: Uint8Array): Uint8Array {
  let n = 0;
  let pendingSpace = false;
  for (const b of bytes) {
    if (isSpace(b)) {
      pendingSpace = n > 0;
      continue;
    }
    if (pendingSpace) bytes[n++] = 0x20;
    pendingSpace = false;
    bytes[n++] = b;
  }
  const out = bytes.slice(0, n);
  wipe(bytes);
  return out;
}

/** Reads a line from the terminal without echo, as bytes. Ctrl-C aborts; backspace removes one character. */
export async function promptHidden(input: Input, prompt: string): Promise<Uint8Array> {
  const { stdin, stderr } = input;
  if (typeof stdin.setRawMode !== 'function') throw usage('cannot prompt: standard input is not a terminal');
  stderr.write(prompt);
  const buf = new Uint8Array(MAX_SECRET_INPUT_BYTES);
  let n = 0;
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      const finish = (err: Error | null): void => {
        stdin.off('data', onData);
        stderr.write('\n');
        if (err) reject(err);
        else resolve(buf.slice(0, n));
      };
      const onData = (chunk: Uint8Array | string): void => {
        const c = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
        try {
          for (const b of c) {
            if (b === 0x0d || b === 0x0a) return finish(null);
            if (b === 0x03) return finish(new CliError('Interrupted', 'interrupted at the password prompt; nothing was changed', EXIT.other));
            if (b === 0x04 && n === 0) return finish(new CliError('Interrupted', 'end of input at the password prompt', EXIT.other));
            if (b === 0x7f || b === 0x08) {
              // Drop one UTF-8 character: its continuation bytes, then its lead byte.
              while (n > 0 && (buf[n - 1]! & 0xc0) === 0x80) buf[--n] = 0;
              if (n > 0) buf[--n] = 0;
              continue;
            }
            if (n < buf.length) buf[n++] = b;
          }
        } finally {
          wipe(c);
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    wipe(buf);
    stdin.setRawMode(false);
    stdin.pause();
  }
}
