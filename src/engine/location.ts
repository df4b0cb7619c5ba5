/**
 * A Location names one record: `generic(vault, record)` by paths, or `counter(vault, n)` by number,
 * as in Rust's `Location` enum. Paths are UTF-8 strings or bytes (1..MAX_PATH_BYTES).
 * @module
 */
import { assertInt, describePath, MAX_PATH_BYTES, toHex, toPathBytes } from '../assert.js';
import { StrongholdError } from '../errors.js';
import { counterRecordId, genericRecordId, vaultId } from './ids.js';

export type Path = string | Uint8Array;

/** Largest counter; Rust uses usize, and we keep counters exact in a JS number. */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

export class Location {
  readonly vaultPath: Uint8Array;
  /** The record path of a generic location, null for a counter location. */
  readonly recordPath: Uint8Array | null;
  readonly counter: number | null;
  readonly vaultId: Uint8Array;
  readonly recordId: Uint8Array;
  /** Hex forms of the ids: the engine's map keys, computed once per Location. */
  readonly vaultKey: string;
  readonly recordKey: string;
  /**
   * Only this class's constructor gives an object this field, so `Location.is` tells a genuine Location from an
   * object that merely shares its prototype (whose ids could be getters answering differently on every read).
   */
  readonly #genuine = true;

  private constructor(vaultPath: Uint8Array, recordPath: Uint8Array | null, counter: number | null) {
    this.vaultPath = vaultPath;
    this.recordPath = recordPath;
    this.counter = counter;
    this.vaultId = vaultId(vaultPath);
    this.recordId = recordPath ? genericRecordId(vaultPath, recordPath) : counterRecordId(vaultPath, counter!);
    this.vaultKey = toHex(this.vaultId);
    this.recordKey = toHex(this.recordId);
    Object.freeze(this);
  }

  /** True for a Location this class made, not a look-alike: the engine checks and opens what it names. */
  static is(value: unknown): value is Location {
    return typeof value === 'object' && value !== null && #genuine in value && (value as Location).#genuine;
  }

  /** A record named by its vault path and record path. */
  static generic(vault: Path, record: Path): Location {
    return new Location(toLocationPath(vault, 'vault'), toLocationPath(record, 'record'), null);
  }

  /** A record named by its vault path and a counter (0 is the first record). */
  static counter(vault: Path, counter: number): Location {
    const n = (() => {
      try {
        return assertInt(counter, { field: 'counter', min: 0, max: MAX_COUNTER });
      } catch {
        throw new StrongholdError('InvalidLocation', `"counter" expected an integer from 0 to ${MAX_COUNTER}`, { field: 'counter', expected: 'a non-negative safe integer' });
      }
    })();
    return new Location(toLocationPath(vault, 'vault'), null, n);
  }

  /** Accepts a Location or anything shaped like one (`{ vault, record }` / `{ vault, counter }`). */
  static from(value: unknown, field = 'location'): Location {
    if (Location.is(value)) return value;
    if (typeof value === 'object' && value !== null) {
      const v = value as { vault?: unknown; record?: unknown; counter?: unknown };
      if (v.record !== undefined && v.counter === undefined) return Location.generic(v.vault as Path, v.record as Path);
      if (v.counter !== undefined && v.record === undefined) return Location.counter(v.vault as Path, v.counter as number);
    }
    throw new StrongholdError('InvalidLocation', `"${field}" expected a Location, { vault, record } or { vault, counter }`, { field, expected: 'a Location' });
  }

  /** The vault path as text for messages (paths are not secret). */
  get vault(): string {
    return describePath(this.vaultPath);
  }

  /** The record path or `#counter` as text for messages. */
  get record(): string {
    return this.recordPath ? describePath(this.recordPath) : `#${this.counter}`;
  }

  toString(): string {
    return `${this.vault}/${this.record}`;
  }
}

function toLocationPath(value: unknown, field: string): Uint8Array {
  try {
    return toPathBytes(value, field);
  } catch {
    throw new StrongholdError('InvalidLocation', `"${field}" expected a non-empty string or bytes of at most ${MAX_PATH_BYTES} bytes`, {
      field,
      expected: `a non-empty path of at most ${MAX_PATH_BYTES} bytes`,
    });
  }
}
