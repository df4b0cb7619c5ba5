/**
 * Reading the files and messages that flags name, with a size limit and the CLI's exit statuses.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { optionalFlag, parseHexFlag, type Values } from './args.js';
import { CliError, EXIT, usage } from './output.js';

/** The bytes of `file` (named by `--flag`), at most `max` of them. Missing file: exit 3; unreadable: exit 10. */
export async function readFileFlag(file: string, max: number, flag: string): Promise<Uint8Array> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    throw new CliError(code === 'ENOENT' ? 'FileNotFound' : 'Io', `cannot read --${flag} ${file} (${code})`, code === 'ENOENT' ? EXIT.notFound : EXIT.other);
  }
  if (buf.length > max) throw usage(`--${flag} is larger than ${max} bytes`);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** The message of `--message-hex HEX` or `--message-file F` (exactly one of them). */
export async function readMessageFlags(values: Values, max: number): Promise<Uint8Array> {
  const hexValue = optionalFlag(values, 'message-hex');
  const file = optionalFlag(values, 'message-file');
  if ((hexValue === undefined) === (file === undefined)) throw usage('give exactly one of --message-hex HEX and --message-file F');
  return hexValue !== undefined ? parseHexFlag(hexValue, 'message-hex') : readFileFlag(file!, max, 'message-file');
}
