/**
 * Library errors in the command line's terms. The library words its messages for programmers (a chain step,
 * a procedure type, a protocol request name); a person at a shell ran one command and wants to know what
 * happened and what to type next. This file rewrites those parts and picks the hint; the code and the
 * structured details stay the library's, so scripts that switch on them are unaffected.
 * @module
 */
import { isStrongholdError, StrongholdError, type ErrorCode } from '../errors.js';
import type { RequestType } from '../p2p/messages.js';

/** What to do next, for errors where the message alone does not say it. */
const HINT_BY_CODE: Partial<Record<ErrorCode, string>> = {
  WrongPassword: 'check STRONGHOLD_PASSWORD or --password-file; nothing was changed',
  SnapshotNotFound: 'check the path; `stronghold init <snapshot>` creates a new snapshot',
  ClientNotFound: '`stronghold client ls <snapshot>` lists the clients; `stronghold client create <snapshot> --client C` makes an empty one',
  RecordNotFound: '`stronghold ls <snapshot> --client C` lists the records the client has',
  WorkFactorTooHigh: 'the file asks for more memory than allowed; raise --max-work-factor only if you trust it',
  PolicyViolation: 'the record\'s usage policy refuses this; `stronghold ls --client C` shows each record\'s policy',
  PermissionDenied: 'ask the server\'s operator for a firewall rule naming your peer id (`stronghold id <snapshot>` prints it)',
  Io: 'the path must be a readable snapshot file (not a directory), in a folder this user may write to for commands that save',
};

/** Hints chosen where the error was caught, which knows more than its code (e.g. where a password came from). */
const HINTS = new WeakMap<object, string>();

/** Attaches a hint to `err` for when it is reported; returns `err`. */
export function withHint<E>(err: E, hint: string): E {
  if (typeof err === 'object' && err !== null) HINTS.set(err, hint);
  return err;
}

/** What a server's firewall refused, in the words of the commands that ask for it. */
const REQUEST_WORDS: Record<RequestType, string> = {
  execute: 'run procedures on',
  writeSecret: 'write records in',
  revokeSecret: 'revoke records in',
  deleteSecret: 'delete records in',
  vaultExists: 'look up vaults of',
  recordExists: 'look up records of',
  listRecords: 'list the records of',
  listVaults: 'list the vaults of',
  storeGet: 'read the store of',
  storeSet: 'write the store of',
  storeDelete: 'write the store of',
  storeKeys: 'list the store of',
  syncHierarchy: 'pull (sync) vaults of',
  syncExport: 'pull (sync) vaults of',
};

/** `op` as the words of a sentence "… to <words> this client". */
export function requestWords(op: string): string {
  return REQUEST_WORDS[op as RequestType] ?? 'do this on';
}

/** The message as it would read without the chain's `step N (Procedure): ` prefix (and the procedure's own `Procedure: `). */
function withoutStep(err: StrongholdError): string {
  const d = err.details as { step?: unknown; procedure?: unknown };
  const inner = isStrongholdError(err.cause) ? err.cause.message : err.message.replace(/^step \d+ \([A-Za-z0-9]+\):? /, '');
  return typeof d.procedure === 'string' && inner.startsWith(`${d.procedure}: `) ? inner.slice(d.procedure.length + 2) : inner;
}

/** The message of a step that failed in a chain: `step N (Procedure): ` once, not followed by the procedure again. */
function chainStep(err: StrongholdError): string {
  const d = err.details as { step?: unknown; procedure?: unknown };
  return `step ${String(d.step)} (${String(d.procedure)}): ${withoutStep(err)}`;
}

interface LockDetails {
  path: string;
  pid: number;
  host: string;
}

/** Who holds the lock and how to clear it; a dead writer's lock on this host is taken over without help. */
function lockHint(d: LockDetails): string {
  if (d.pid === 0) return `wait for the other writer to finish; if none is running, remove ${d.path}.lock`;
  return `process ${d.pid} on ${d.host} is writing it: wait for it to finish, or stop it. If that process is gone (a lock from another `
    + `machine cannot be checked from here), remove ${d.path}.lock`;
}

export interface Presented {
  message: string;
  details: unknown;
  hint: string | undefined;
}

/**
 * A library error as the command line reports it. `steps` is true for commands whose input is a chain the user
 * wrote (`run`): there the failing step's number is what the user needs; elsewhere a step is an internal detail.
 */
export function presentError(err: StrongholdError, steps: boolean): Presented {
  let message = err.message;
  let details: unknown = err.details;
  const d = err.details as Record<string, unknown>;
  if (typeof d.step === 'number') {
    if (steps) message = chainStep(err);
    else {
      message = withoutStep(err);
      const { step: _step, ...rest } = d;
      details = rest;
    }
  }
  if (err.code === 'WrongPassword') message = 'wrong password: it does not open this snapshot';
  if (err.code === 'PermissionDenied') {
    const op = (err.details as { operation: string }).operation;
    message = `the server refused to ${requestWords(op)} this client (its firewall does not allow it for your peer id, or the client or vault does not exist there)`;
  }
  return { message, details, hint: HINTS.get(err) ?? (err.code === 'SnapshotLocked' ? lockHint(err.details as LockDetails) : HINT_BY_CODE[err.code]) };
}

