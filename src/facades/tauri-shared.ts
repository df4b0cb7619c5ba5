/**
 * What the Node and the browser Tauri facades (tauri.ts, tauri-web.ts) share: the plugin's `Location` and the
 * conversions of its argument types (paths as strings or byte arrays, secrets as `number[]`, `Duration`).
 * @module
 */
import { assertInt } from '../assert.js';
import { Location as CoreLocation, type Path } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import type { ClientPath, Duration, RecordPath, VaultPath } from './tauri-types.js';

export type BytesDto = string | number[];

export function toBytesDto(v: ClientPath): BytesDto {
  if (typeof v === 'string') return v;
  return Array.from(v instanceof ArrayBuffer ? new Uint8Array(v) : (v as ArrayLike<number>));
}

/** A plugin path or key as this library's path: strings stay UTF-8 text, numbers must be bytes. */
export function toPath(v: unknown, field: string): Path {
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (v !== null && typeof v === 'object' && (Symbol.iterator in v || 'length' in v)) {
    const arr = Array.from(v as ArrayLike<number>);
    if (arr.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) return Uint8Array.from(arr);
    throw invalidArgument(field, 'bytes: every element an integer 0..255');
  }
  throw invalidArgument(field, 'a string, a byte array or an ArrayBuffer');
}

/** Secret bytes from `number[]` (the plugin's type) or a Uint8Array; always a fresh copy the caller wipes. */
export function toSecret(v: unknown, field: string): Uint8Array {
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) return Uint8Array.from(v as number[]);
  throw invalidArgument(field, 'a number[] of bytes or a Uint8Array');
}

/** A record location: `Location.generic(vault, record)` or `Location.counter(vault, n)`, `{ type, payload }` as the plugin sends it. */
export class Location {
  type: string;
  payload: Record<string, unknown>;

  constructor(type: string, payload: Record<string, unknown>) {
    this.type = type;
    this.payload = payload;
  }

  static generic(vault: VaultPath, record: RecordPath): Location {
    return new Location('Generic', { vault: toBytesDto(vault), record: toBytesDto(record) });
  }

  static counter(vault: VaultPath, counter: number): Location {
    return new Location('Counter', { vault: toBytesDto(vault), counter });
  }
}

export function toCoreLocation(loc: unknown, field: string): CoreLocation {
  const l = loc as { type?: unknown; payload?: Record<string, unknown> } | null;
  if (l && typeof l === 'object' && l.payload && typeof l.payload === 'object') {
    if (l.type === 'Generic') return CoreLocation.generic(toPath(l.payload.vault, `${field}.vault`), toPath(l.payload.record, `${field}.record`));
    if (l.type === 'Counter') return CoreLocation.counter(toPath(l.payload.vault, `${field}.vault`), l.payload.counter as number);
  }
  throw invalidArgument(field, 'a Location (Location.generic or Location.counter)');
}

export const EMPTY = (): Uint8Array => new Uint8Array(0);

export function durationMs(d: Duration): number {
  const secs = assertInt(d?.secs, { field: 'lifetime.secs', min: 0 });
  const nanos = assertInt(d?.nanos, { field: 'lifetime.nanos', min: 0, max: 999_999_999 });
  return Math.max(1, secs * 1000 + Math.ceil(nanos / 1e6));
}

