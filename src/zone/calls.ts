/**
 * Procedure calls on the zone wire. A call travels in the JSON form of docs/procedures.md (`type` plus the
 * procedure's camelCase fields, locations as `{vault, record}` / `{vault, counter}`, enums as strings), except
 * that byte values are attachments (`{"$b": index}`) instead of hex: a message, a mnemonic given as bytes or
 * WriteVault data would otherwise become a JavaScript string, which nothing can wipe. The zone rebuilds each
 * call through the procedure's own builder, so it validates exactly what a caller's builder validates.
 *
 * A request may instead carry calls in the plain JSON form (hex strings), as the command line and remote
 * peers send them; those go through `parseChain` unchanged.
 * @module
 */
import { toHex } from '../assert.js';
import { vaultId } from '../engine/ids.js';
import { Location } from '../engine/location.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { call } from '../procedures/fields.js';
import { MAX_CHAIN_LENGTH, parseChain } from '../procedures/json.js';
import { PROCEDURE_BY_TYPE } from '../procedures/registry.js';
import type { ProcedureCall } from '../procedures/types.js';

/** How deep a call's input may nest on the wire (the deepest catalogue input is 3). */
const MAX_DEPTH = 8;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A path as text when it round-trips through UTF-8 (paths are not secret), else as an attachment. */
function encodePath(path: Uint8Array, attach: (b: Uint8Array) => number): unknown {
  try {
    const text = strictUtf8.decode(path);
    if (sameBytes(utf8.encode(text), path)) return text;
  } catch {
    // not UTF-8: send the bytes
  }
  return { $b: attach(path) };
}

/** A value in the wire form: bytes become `{"$b": index}` attachments (not copied), locations `{vault, record|counter}`. */
export function encodeValue(v: unknown, attach: (b: Uint8Array) => number, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw invalidArgument('calls', 'procedure inputs nested at most 8 deep');
  if (v instanceof Uint8Array) return { $b: attach(v) };
  if (Location.is(v)) {
    const vault = encodePath(v.vaultPath, attach);
    return v.recordPath ? { vault, record: encodePath(v.recordPath, attach) } : { vault, counter: v.counter };
  }
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, attach, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeValue(x, attach, depth + 1);
    return out;
  }
  return v;
}

/**
 * A call in the wire form. Byte values (not copied) are appended to `blobs`; the caller wipes its copy of the
 * envelope, not these.
 */
export function encodeCall(call: ProcedureCall, blobs: Uint8Array[]): Record<string, unknown> {
  const attach = (b: Uint8Array): number => blobs.push(b) - 1;
  return { type: call.procedure.type, ...(encodeValue(call.input, attach, 0) as Record<string, unknown>) };
}

function isLocationShape(keys: string[]): boolean {
  return keys.length === 2 && keys.includes('vault') && (keys.includes('record') || keys.includes('counter'));
}

/**
 * Locations by their text form. A Location derives its ids with three HMAC-SHA512 calls, which would otherwise
 * be paid again on every request for the same key; Locations are immutable and paths are not secret.
 */
const locationCache = new Map<string, Location>();
const LOCATION_CACHE_SIZE = 4096;

function toLocation(v: Record<string, unknown>): Location {
  const key = typeof v.vault === 'string' && (typeof v.record === 'string' || typeof v.counter === 'number')
    ? JSON.stringify([v.vault, v.record ?? null, v.counter ?? null])
    : null;
  const cached = key === null ? undefined : locationCache.get(key);
  if (cached) return cached;
  const loc = Location.from(v);
  if (key !== null) {
    if (locationCache.size >= LOCATION_CACHE_SIZE) locationCache.clear();
    locationCache.set(key, loc);
  }
  return loc;
}

/**
 * A value from the wire form. Attachments become views into `blobs`, or copies with `copy` (for values that
 * outlive the envelope); `{vault, record|counter}` objects become Locations.
 */
export function decodeValue(v: unknown, blobs: readonly Uint8Array[], options: { copy: boolean }, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw invalidArgument('calls', 'procedure inputs nested at most 8 deep');
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, blobs, options, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$b') {
      const i = o.$b;
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= blobs.length) throw invalidArgument('$b', 'an attachment index');
      return options.copy ? Uint8Array.from(blobs[i]!) : blobs[i];
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = decodeValue(o[k], blobs, options, depth + 1);
    return isLocationShape(keys) ? toLocation(out) : out;
  }
  return v;
}

/**
 * Calls from the wire form: each through its procedure's builder (byte fields are views into `blobs`).
 * @throws StrongholdError `InvalidArgument` naming `[i].field`, or `UnknownProcedure`
 */
export function decodeCalls(json: unknown, blobs: readonly Uint8Array[]): ProcedureCall[] {
  if (!Array.isArray(json)) throw invalidArgument('calls', 'an array of procedure objects');
  if (json.length > MAX_CHAIN_LENGTH) throw invalidArgument('calls', `at most ${MAX_CHAIN_LENGTH} procedures, got ${json.length}`);
  return json.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidArgument(`[${i}]`, 'a procedure object');
    const { type, ...fields } = item as Record<string, unknown>;
    const procedure = typeof type === 'string' ? PROCEDURE_BY_TYPE.get(type) : undefined;
    if (!procedure) {
      const shown = typeof type === 'string' ? type.slice(0, 64) : String(typeof type);
      throw new StrongholdError('UnknownProcedure', `unknown procedure type "${shown}"`, { procedure: shown });
    }
    const input = decodeValue(fields, blobs, { copy: false });
    return call(procedure, procedure.build(input));
  });
}

/** Calls in the plain JSON form (hex bytes), as the command line and remote peers send them. */
export function decodeJsonCalls(json: unknown): ProcedureCall[] {
  return parseChain(json);
}

/**
 * What a chain needs from the client, as an `exportSubset` selection (VaultId hex → RecordId hex set, or null
 * for the whole vault): every record it names, and whole vaults where it revokes or collects. The caller adds
 * the revoked records of the named vaults, which a rollback's collection would remove.
 */
export function chainSelection(calls: readonly ProcedureCall[]): Map<string, Set<string> | null> {
  const selection = new Map<string, Set<string> | null>();
  for (const c of calls) {
    const { inputs, outputs, vaults } = c.procedure.locations(c.input);
    for (const p of vaults) selection.set(toHex(vaultId(p)), null);
    for (const loc of [...inputs, ...outputs]) {
      if (!selection.has(loc.vaultKey)) selection.set(loc.vaultKey, new Set());
      selection.get(loc.vaultKey)?.add(loc.recordKey);
    }
  }
  return selection;
}
