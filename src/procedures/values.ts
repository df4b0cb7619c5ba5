/**
 * Procedure values (inputs and outputs) in a wire form that keeps their types: byte values become attachments
 * (`{"$b": index}` into a list of byte arrays sent beside the JSON), Locations `{vault, record}` /
 * `{vault, counter}`, everything else as it is. The zone ships calls and outputs this way (src/zone/calls.ts),
 * and a p2p server the typed outputs of `execute` (docs/spec/p2p-protocol.md §3): a secret given as bytes never
 * becomes a JavaScript string, and a caller gets back the values a local `execute` returns.
 * @module
 */
import { invalidArgument } from '../errors.js';
import { Location } from '../engine/location.js';

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
