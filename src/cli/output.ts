/**
 * What the command line prints and how it exits. Human text or one JSON document on stdout (`--json`),
 * errors as one line on stderr (`stronghold: error: <code>: <message>`, age style), a spinner on stderr
 * only when stderr is a terminal, and the exit status table that `--help`, docs/cli.md and the README show.
 * @module
 */
import { isStrongholdError, type ErrorCode } from '../errors.js';
import { interrupted } from './interrupt.js';
import { presentError } from './messages.js';
import type { SnapshotProgress } from '../snapshot/codec.js';

/** Exit statuses; scripts depend on these numbers (docs/cli.md, EXIT STATUS). */
export const EXIT = {
  ok: 0,
  usage: 1,
  wrongPassword: 2,
  notFound: 3,
  corrupted: 4,
  refused: 5,
  locked: 6,
  /** `verify`: the signature was read but is not valid (distinct from a malformed one, exit 1). */
  badSignature: 7,
  other: 10,
} as const;

/** The exit status of each library error code; codes not listed here exit with `EXIT.other`. */
const EXIT_BY_CODE: Partial<Record<ErrorCode, number>> = {
  InvalidArgument: EXIT.usage,
  InvalidLocation: EXIT.usage,
  UnknownProcedure: EXIT.usage,
  WrongPassword: EXIT.wrongPassword,
  SnapshotNotFound: EXIT.notFound,
  ClientNotFound: EXIT.notFound,
  VaultNotFound: EXIT.notFound,
  RecordNotFound: EXIT.notFound,
  // A revoked record is unusable until rewritten: for a script it is as gone as a missing one.
  RecordRevoked: EXIT.notFound,
  NotASnapshot: EXIT.corrupted,
  UnsupportedVersion: EXIT.corrupted,
  CorruptHeader: EXIT.corrupted,
  CorruptPayload: EXIT.corrupted,
  CorruptRecord: EXIT.corrupted,
  Truncated: EXIT.corrupted,
  DecompressionLimit: EXIT.corrupted,
  WorkFactorTooHigh: EXIT.corrupted,
  PolicyViolation: EXIT.refused,
  PermissionDenied: EXIT.refused,
  // A participant's message failed a check of the key generation, refresh or repair, which was aborted.
  FrostMisbehaviour: EXIT.refused,
  ClientAlreadyLoaded: EXIT.refused,
  SnapshotLocked: EXIT.locked,
};

/** A failure that belongs to the command line itself (bad flags, a refused overwrite), not to the library. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: string, message: string, exitCode: number, hint?: string) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A usage error (exit 1): bad flags, malformed arguments. */
export function usage(message: string, hint?: string): CliError {
  return new CliError('Usage', message, EXIT.usage, hint);
}

/** The exit status for any thrown value. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (isStrongholdError(err)) return EXIT_BY_CODE[err.code] ?? EXIT.other;
  return EXIT.other;
}

/** Lowercase hex, the form bytes take in every JSON document. */
export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** The streams a command writes to; injected so that `demo` and tests can run commands in process. */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Where a command's results go. A command calls `result` exactly once (human text and the JSON value),
 * `note` for human-only remarks (stderr, so stdout stays clean for pipes), and `progress` for a spinner.
 */
export class Output {
  readonly json: boolean;
  readonly streams: Streams;
  /** Errors name the failing chain step (for `run`, whose chain the user wrote); see messages.ts. */
  steps = false;
  #printed = false;

  constructor(streams: Streams, json: boolean) {
    this.streams = streams;
    this.json = json;
  }

  /** Prints the command's result: `human` lines on stdout, or `value` as one JSON document with `--json`. */
  result(human: string | string[], value: unknown): void {
    if (this.#printed) throw new Error('a command printed two results');
    this.#printed = true;
    if (this.json) this.streams.stdout.write(`${JSON.stringify(value)}\n`);
    else {
      const text = Array.isArray(human) ? human.join('\n') : human;
      if (text.length > 0) this.streams.stdout.write(`${text}\n`);
    }
  }

  /**
   * Writes bytes the caller built itself (secrets that must not become strings); counts as the result.
   * Resolves once the stream has taken them, so that the caller may wipe them then.
   */
  resultBytes(bytes: Uint8Array): Promise<void> {
    if (this.#printed) throw new Error('a command printed two results');
    this.#printed = true;
    return new Promise((resolve) => this.streams.stdout.write(bytes, () => resolve()));
  }

  /** A remark for people (never in `--json` mode); goes to stderr. */
  note(text: string): void {
    if (!this.json) this.streams.stderr.write(`${text}\n`);
  }

  /** A key-derivation progress callback that draws a spinner, or undefined when stderr is not a terminal. */
  progress(label = 'deriving the snapshot key'): ((p: SnapshotProgress) => void) | undefined {
    const err = this.streams.stderr;
    if (err.isTTY !== true) return undefined;
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let i = 0;
    return (p) => {
      if (p.phase === 'done') err.write('\r\x1b[K');
      else err.write(`\r${frames[i++ % frames.length]} ${label} (work factor ${p.workFactor}, ${(p.elapsedMs / 1000).toFixed(1)} s)`);
    };
  }

  /** Reports a failure on stderr (and as `{"error": ...}` on stdout with `--json`); returns the exit status. */
  fail(err: unknown): number {
    const code = exitCodeOf(err);
    if (interrupted()) return code;
    const { name, message, details, hint } = describe(err, this.steps);
    this.streams.stderr.write(`stronghold: error: ${name}: ${message}\n`);
    if (hint) this.streams.stderr.write(`stronghold: hint: ${hint}\n`);
    if (this.json && !this.#printed) {
      this.#printed = true;
      this.streams.stdout.write(`${JSON.stringify({ error: { code: name, message, details, exitCode: code } })}\n`);
    }
    return code;
  }
}

function describe(err: unknown, steps: boolean): { name: string; message: string; details: unknown; hint: string | undefined } {
  if (err instanceof CliError) return { name: err.code, message: err.message, details: {}, hint: err.hint };
  if (isStrongholdError(err)) return { name: err.code, ...presentError(err, steps) };
  // An unexpected failure: its class name only, since a foreign message could carry anything.
  const name = err instanceof Error ? err.name : typeof err;
  return { name: 'Internal', message: `unexpected ${name}`, details: {}, hint: 'this is a bug in stronghold-ts; please report it with the command you ran' };
}
