/**
 * Field validation shared by every procedure, for both front doors: the typed builders (TS values) and
 * `parse` (the JSON form: lowercase hex bytes, `{vault, record}` locations, lowercase enum names).
 * Every error is InvalidArgument naming the procedure and the field, and never echoes contents.
 * @module
 */
import { assertBoolean, assertBytes, assertInt, assertOneOf, assertString, parseHex, type BytesRule } from '../assert.js';
import { invalidArgument, isStrongholdError } from '../errors.js';
import { Location, type Path } from '../engine/location.js';
import type { CryptoProvider, HashName } from '../crypto/provider.js';
import { POLICY_BITS, type PolicyRequest } from './policy.js';
import type { Procedure, ProcedureCall, ProcedureContext } from './types.js';
import { wipe } from '../memory/guarded.js';

/** A Location, or the plain shapes of the JSON form. */
export type LocationLike = Location | { vault: Path; record: Path } | { vault: Path; counter: number };

export type Json = Record<string, unknown>;

/** Largest secret WriteVault accepts, as `Client.writeSecret`: secrets are keys and seeds, not files. */
export const MAX_SECRET_BYTES = 1024 * 1024;

export const HASH_TYPES: readonly HashName[] = ['sha256', 'sha384', 'sha512'];

/** Strict schema: rejects any field the procedure does not define (`type` is consumed by the caller). */
export function onlyFields(json: Json, allowed: readonly string[], procedure: string): void {
  for (const key of Object.keys(json)) {
    if (!allowed.includes(key)) {
      throw invalidArgument(key.length > 64 ? `${key.slice(0, 64)}…` : key, `no such field; ${procedure} takes ${allowed.join(', ')}`, procedure);
    }
  }
}

export function required(json: Json, field: string, procedure: string): unknown {
  const v = json[field];
  if (v === undefined) throw invalidArgument(field, 'a value (the field is required)', procedure);
  return v;
}

/** A required hex field of the JSON form, as bytes. */
export function hex(json: Json, field: string, procedure: string, rule: Omit<BytesRule, 'field' | 'procedure'> = {}): Uint8Array {
  return parseHex(required(json, field, procedure), { ...rule, field, procedure });
}

/** An optional hex field (absent means empty bytes). */
export function optHex(json: Json, field: string, procedure: string): Uint8Array {
  return json[field] === undefined ? new Uint8Array(0) : parseHex(json[field], { field, procedure });
}

export function bytes(value: unknown, field: string, procedure: string, rule: Omit<BytesRule, 'field' | 'procedure'> = {}): Uint8Array {
  return assertBytes(value, { ...rule, field, procedure });
}

/** Optional bytes in a builder (absent means empty). */
export function optBytes(value: unknown, field: string, procedure: string): Uint8Array {
  return value === undefined ? new Uint8Array(0) : assertBytes(value, { field, procedure });
}

export function int(value: unknown, field: string, procedure: string, min: number, max: number): number {
  return assertInt(value, { field, procedure, min, max });
}

export function string(value: unknown, field: string, procedure: string): string {
  return assertString(value, field, procedure);
}

export function bool(value: unknown, field: string, procedure: string): boolean {
  return assertBoolean(value, field, procedure);
}

export function oneOf<T extends string>(value: unknown, options: readonly T[], field: string, procedure: string): T {
  return assertOneOf(value, options, field, procedure);
}

/** A Location from a Location or `{vault, record}` / `{vault, counter}`; errors name the procedure's field. */
export function location(value: unknown, field: string, procedure: string): Location {
  try {
    return Location.from(value, field);
  } catch (e) {
    if (!isStrongholdError(e)) throw e;
    throw invalidArgument(field, 'a location {"vault": string, "record": string} or {"vault": string, "counter": integer}', procedure);
  }
}

const HARDENED = 0x8000_0000;

/**
 * A SLIP-10 chain: each index is a uint32 (hardened when >= 2^31) or a string `"44"` / `"44'"`
 * (the quote sets the hardened bit). Returned as raw uint32 values, as Rust's `Vec<u32>`.
 */
export function chain(value: unknown, field: string, procedure: string): number[] {
  if (!Array.isArray(value)) throw invalidArgument(field, 'an array of indices like ["44\'", "4218\'", 0]', procedure);
  if (value.length > 255) throw invalidArgument(field, `at most 255 indices, got ${value.length}`, procedure);
  return value.map((v: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof v === 'number') return int(v, at, procedure, 0, 0xffff_ffff);
    if (typeof v === 'string') {
      const m = /^(0|[1-9][0-9]{0,9})('?)$/.exec(v);
      const n = m ? Number(m[1]) : NaN;
      if (!m || n >= HARDENED) throw invalidArgument(at, 'an index 0..2147483647, optionally followed by \' for hardened', procedure);
      return m[2] ? n + HARDENED : n;
    }
    throw invalidArgument(at, 'an integer or a string such as "44\'"', procedure);
  });
}

export function isHardened(index: number): boolean {
  return index >= HARDENED;
}

/** An optional `policy` field: `{ exportable?: boolean, allowed?: string[] }` with known procedure names. */
export function policy(value: unknown, procedure: string): PolicyRequest | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument('policy', 'an object {"exportable"?: boolean, "allowed"?: [procedure names]}', procedure);
  }
  const v = value as Json;
  onlyFields(v, ['exportable', 'allowed'], procedure);
  const out: PolicyRequest = {};
  if (v.exportable !== undefined) out.exportable = bool(v.exportable, 'policy.exportable', procedure);
  if (v.allowed !== undefined) {
    if (!Array.isArray(v.allowed)) throw invalidArgument('policy.allowed', 'an array of procedure names', procedure);
    out.allowed = v.allowed.map((n: unknown, i) => oneOf(n, POLICY_BITS, `policy.allowed[${i}]`, procedure));
  }
  return out;
}

/** Checks a record's length inside a procedure. Lengths are not secret; contents never appear. */
export function secretLength(secret: Uint8Array, field: string, procedure: string, rule: { length?: number; min?: number }): Uint8Array {
  const n = secret.length;
  if (rule.length !== undefined && n !== rule.length) throw invalidArgument(field, `a record of ${rule.length} bytes, got ${n}`, procedure);
  if (rule.min !== undefined && n < rule.min) throw invalidArgument(field, `a record of at least ${rule.min} bytes, got ${n}`, procedure);
  return secret;
}

/** Calls made by `call`: the only ones a chain runs, so no caller-made object reaches a procedure's `run`. */
const made = new WeakSet<object>();

/** A procedure call, frozen with its input (so nothing is changed between validation and the run). */
export function call<I, O>(procedure: Procedure<I, O>, input: I): ProcedureCall<I, O> {
  const c = Object.freeze({ procedure, input: deepFreeze(input) });
  made.add(c);
  return c;
}

/**
 * A procedure and its builder under one name: calling it validates the TS form and builds a call; its properties
 * are the procedure (`type`, `rules`, `parse`, ...), which the registry lists and the engine's gate enforces.
 */
export type ProcedureBuilder<A, I, O> = Procedure<I, O> & ((input: A) => ProcedureCall<I, O>);

export function procedure<A, I, O>(p: Procedure<I, O>): ProcedureBuilder<A, I, O> {
  const builder = ((input: A) => call(builder, p.build(input))) as ProcedureBuilder<A, I, O>;
  for (const [k, v] of Object.entries(p)) Object.defineProperty(builder, k, { value: v, enumerable: true });
  return builder;
}

/** True for a call that `call` made. */
export function isCall(value: unknown): value is ProcedureCall {
  return typeof value === 'object' && value !== null && made.has(value);
}

/**
 * Freezes objects, arrays and functions (procedures are builder functions) all the way down; byte arrays cannot be
 * frozen, and their lengths are fixed.
 */
export function deepFreeze<T>(value: T): T {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

/** `outputToJSON` for procedures that return nothing. */
export const nullJSON = (): null => null;

export type KeyType = 'ed25519' | 'x25519' | 'secp256k1';
export const KEY_TYPES: readonly KeyType[] = ['ed25519', 'x25519', 'secp256k1'];

/**
 * The private key inside a record (a view, not a copy), with Rust's length rules: Ed25519 and secp256k1 use
 * the first 32 bytes of a record of at least 32 (so 64-byte SLIP-10 records work), X25519 needs exactly 32,
 * and a secp256k1 scalar must lie in [1, n-1].
 */
export function privateKey(provider: CryptoProvider, type: KeyType, secret: Uint8Array, field: string, procedure: string): Uint8Array {
  secretLength(secret, field, procedure, type === 'x25519' ? { length: 32 } : { min: 32 });
  const key = secret.subarray(0, 32);
  if (type === 'secp256k1' && !provider.secp256k1IsValidSecretKey(key)) {
    throw invalidArgument(field, 'a record whose first 32 bytes are a valid secp256k1 scalar', procedure);
  }
  return key;
}

/** Stores `secret` at `loc` as the declared write `access`, then wipes it (every procedure that writes ends this way). */
export function store(ctx: ProcedureContext, access: string, loc: Location, secret: Uint8Array, request?: PolicyRequest): void {
  try {
    ctx.write(access, loc, secret, request);
  } finally {
    wipe(secret);
  }
}
