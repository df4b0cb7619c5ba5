/**
 * One error type for the whole library. Callers switch on `err.code`; `details` is typed per code.
 * Errors cross the zone process and the p2p wire as `{ code, message, details }` (see `toJSON`),
 * so never test with `instanceof` across those boundaries: use `isStrongholdError`.
 *
 * Rule for every message and detail: paths, hints, lengths, field names and numbers only. Never secret bytes.
 * @module
 */

/** The details each error code carries. Add a code here and it is part of the typed union. */
export interface ErrorDetails {
  // engine and client
  ClientNotFound: { client: string };
  ClientAlreadyLoaded: { client: string };
  VaultNotFound: { vault: string };
  RecordNotFound: { vault: string; record: string };
  RecordRevoked: { vault: string; record: string };
  InvalidLocation: { field: string; expected: string };
  InvalidArgument: { field: string; expected: string; procedure?: string };
  CorruptRecord: { vault: string; record: string };
  // snapshot files
  NotASnapshot: { path?: string };
  UnsupportedVersion: { found: string; expected: string };
  CorruptHeader: { reason: string };
  WorkFactorTooHigh: { workFactor: number; maxWorkFactor: number };
  WrongPassword: Record<string, never>;
  CorruptPayload: { reason: string };
  Truncated: { length: number; minimum: number };
  DecompressionLimit: { limit: number };
  SnapshotNotFound: { path: string };
  SnapshotLocked: { path: string; pid: number; host: string };
  Locked: Record<string, never>;
  Io: { path: string; op: string };
  // procedures
  ProcedureFailed: { procedure: string; step?: number; reason: string };
  PolicyViolation: { procedure: string; vault: string; record: string; policy: string };
  UnknownProcedure: { procedure: string };
  /** A FROST key-generation, refresh or repair message that fails a check; `participant` is its sender's identifier. */
  FrostMisbehaviour: { procedure: string; participant: number; check: string };
  // zone and p2p
  ZoneCrashed: { signal?: string; exitCode?: number };
  Timeout: { operation: string; ms: number };
  PermissionDenied: { operation: string };
  RemoteError: { peer: string; reason: string };
  ProtocolError: { reason: string };
  /** A server refused a request over one of its limits (src/p2p/constants.ts); `limit` is the option's name. */
  LimitExceeded: { limit: string; max: number; value?: number };
}

export type ErrorCode = keyof ErrorDetails;

const CODES = new Set<string>([
  'ClientNotFound', 'ClientAlreadyLoaded', 'VaultNotFound', 'RecordNotFound', 'RecordRevoked', 'InvalidLocation',
  'InvalidArgument', 'CorruptRecord', 'NotASnapshot', 'UnsupportedVersion', 'CorruptHeader', 'WorkFactorTooHigh',
  'WrongPassword', 'CorruptPayload', 'Truncated', 'DecompressionLimit', 'SnapshotNotFound', 'SnapshotLocked', 'Locked',
  'Io', 'ProcedureFailed', 'PolicyViolation', 'UnknownProcedure', 'FrostMisbehaviour', 'ZoneCrashed', 'Timeout', 'PermissionDenied',
  'RemoteError', 'ProtocolError', 'LimitExceeded',
] satisfies ErrorCode[]);

/** The serialisable form that survives a process or network boundary. */
export interface StrongholdErrorJSON {
  code: ErrorCode;
  message: string;
  details: ErrorDetails[ErrorCode];
}

export class StrongholdError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'StrongholdError';
  readonly code: C;
  readonly details: ErrorDetails[C];

  constructor(code: C, message: string, details: ErrorDetails[C], options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  toJSON(): StrongholdErrorJSON {
    return { code: this.code, message: this.message, details: this.details };
  }

  /** Rebuilds an error received from the zone or a peer; an unknown code becomes a ProtocolError. */
  static fromJSON(json: unknown): StrongholdError {
    const j = json as Partial<StrongholdErrorJSON> | null;
    if (j && typeof j.code === 'string' && CODES.has(j.code) && typeof j.message === 'string' && typeof j.details === 'object' && j.details !== null) {
      return new StrongholdError(j.code, j.message, j.details as never);
    }
    return new StrongholdError('ProtocolError', 'received a malformed error object', { reason: 'malformed error' });
  }
}

/** Narrows by code, not by `instanceof`, so it also works on errors rebuilt from JSON. */
export function isStrongholdError<C extends ErrorCode>(err: unknown, code?: C): err is StrongholdError<C> {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'StrongholdError' && typeof e.code === 'string' && (code === undefined || e.code === code);
}

/** Shorthand used at every front door: `throw invalidArgument('nonce', '24 bytes, got 12')`. */
export function invalidArgument(field: string, expected: string, procedure?: string): StrongholdError<'InvalidArgument'> {
  const where = procedure ? `${procedure}: ` : '';
  return new StrongholdError('InvalidArgument', `${where}"${field}" expected ${expected}`,
    procedure ? { field, expected, procedure } : { field, expected });
}
