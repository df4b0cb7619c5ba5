/**
 * Front-door validation, noble style: each helper returns its input (or its canonical form) and names
 * the field on error. Messages state what was expected and what arrived (type or length), never contents.
 * @module
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { invalidArgument } from './errors.js';

/** Longest client, vault or record path we accept, in bytes. Our choice: Rust has no limit; 1 KiB covers every known use. */
export const MAX_PATH_BYTES = 1024;

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export interface BytesRule {
  field: string;
  length?: number;
  min?: number;
  max?: number;
  procedure?: string;
}

/** A Uint8Array (Buffer included) within the length rule. */
export function assertBytes(value: unknown, rule: BytesRule): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalidArgument(rule.field, `bytes (Uint8Array), got ${kind(value)}`, rule.procedure);
  const n = value.length;
  if (rule.length !== undefined && n !== rule.length) throw invalidArgument(rule.field, `${rule.length} bytes, got ${n}`, rule.procedure);
  if (rule.min !== undefined && n < rule.min) throw invalidArgument(rule.field, `at least ${rule.min} bytes, got ${n}`, rule.procedure);
  if (rule.max !== undefined && n > rule.max) throw invalidArgument(rule.field, `at most ${rule.max} bytes, got ${n}`, rule.procedure);
  return value;
}

export interface IntRule {
  field: string;
  min?: number;
  max?: number;
  procedure?: string;
}

/** A safe integer within [min, max]. */
export function assertInt(value: unknown, rule: IntRule): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidArgument(rule.field, `an integer, got ${kind(value)}`, rule.procedure);
  if (rule.min !== undefined && value < rule.min) throw invalidArgument(rule.field, `an integer >= ${rule.min}, got ${value}`, rule.procedure);
  if (rule.max !== undefined && value > rule.max) throw invalidArgument(rule.field, `an integer <= ${rule.max}, got ${value}`, rule.procedure);
  return value;
}

export function assertString(value: unknown, field: string, procedure?: string): string {
  if (typeof value !== 'string') throw invalidArgument(field, `a string, got ${kind(value)}`, procedure);
  return value;
}

export function assertBoolean(value: unknown, field: string, procedure?: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(field, `a boolean, got ${kind(value)}`, procedure);
  return value;
}

/** One of a fixed set of lowercase names. */
export function assertOneOf<T extends string>(value: unknown, options: readonly T[], field: string, procedure?: string): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw invalidArgument(field, `one of ${options.map((o) => `"${o}"`).join(', ')}, got ${typeof value === 'string' ? `"${value.slice(0, 32)}"` : kind(value)}`, procedure);
  }
  return value as T;
}

/** A path given as a UTF-8 string or as bytes, returned as a fresh byte copy of 1..MAX_PATH_BYTES bytes. */
export function toPathBytes(value: unknown, field: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') bytes = new TextEncoder().encode(value);
  else if (value instanceof Uint8Array) bytes = Uint8Array.from(value);
  else throw invalidArgument(field, `a string or bytes, got ${kind(value)}`);
  if (bytes.length === 0) throw invalidArgument(field, 'a non-empty path');
  if (bytes.length > MAX_PATH_BYTES) throw invalidArgument(field, `a path of at most ${MAX_PATH_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

const printable = /^[\x20-\x7e]*$/;

/** How a path appears in messages: its text when printable ASCII, else `0x` + hex. Paths are not secret. */
export function describePath(path: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(path);
  return printable.test(text) ? text : `0x${toHex(path)}`;
}

/** Lowercase hex of a byte string, even length, as the JSON forms use it. */
export function parseHex(value: unknown, rule: BytesRule): Uint8Array {
  if (typeof value !== 'string') throw invalidArgument(rule.field, `a lowercase hex string, got ${kind(value)}`, rule.procedure);
  if (value.length % 2 !== 0 || !/^[0-9a-f]*$/.test(value)) throw invalidArgument(rule.field, 'a lowercase hex string of even length', rule.procedure);
  return assertBytes(hexToBytes(value), rule);
}

export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}
