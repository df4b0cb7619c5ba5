/**
 * The frames of `/stronghold/rpc/1.0.0` (docs/spec/p2p-protocol.md §3): each length-prefixed frame is
 * `u32be headerLength || header (UTF-8 JSON) || blob`. The header never holds a secret; a secret (writeSecret)
 * or bulk bytes (store values, a sync export) travel in the blob, so they never become JS strings.
 *
 * Decoding is strict: exact field sets, ids in range, lowercase hex, paths of 1..MAX_PATH_BYTES bytes.
 * Every failure is a typed error; nothing read from a peer is used before it has been validated here.
 * @module
 */
import { assertInt, MAX_PATH_BYTES, parseHex, toHex, toPathBytes } from '../assert.js';
import { Location, type Path } from '../engine/location.js';
import { MAX_STORE_KEY_BYTES } from '../engine/store.js';
import { invalidArgument, StrongholdError, type StrongholdErrorJSON } from '../errors.js';
import { parseChain } from '../procedures/json.js';
import type { ProcedureCall } from '../procedures/types.js';
import { MAX_HEADER_BYTES, MAX_REQUEST_ID } from './constants.js';

/** Every request type of the protocol, in the order of the spec. */
export const REQUEST_TYPES = [
  'execute', 'writeSecret', 'revokeSecret', 'deleteSecret', 'vaultExists', 'recordExists', 'listRecords', 'listVaults',
  'storeGet', 'storeSet', 'storeDelete', 'storeKeys', 'syncHierarchy', 'syncExport',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** A path on the wire: a UTF-8 string, or `{ "hex": ... }` for a path that is not text. */
export type WirePath = string | { hex: string };

interface Base<T extends RequestType> {
  id: number;
  type: T;
  client: Uint8Array;
}

/** A validated request, as the server sees it. */
export type Request =
  | (Base<'execute'> & { calls: ProcedureCall[]; chain: unknown[]; values: boolean })
  | (Base<'writeSecret'> & { location: Location; secret: Uint8Array })
  | (Base<'revokeSecret' | 'deleteSecret' | 'recordExists'> & { location: Location })
  | (Base<'vaultExists' | 'listRecords'> & { vault: Uint8Array })
  | (Base<'storeGet' | 'storeDelete'> & { key: Uint8Array })
  | (Base<'storeSet'> & { key: Uint8Array; value: Uint8Array; ttlMs: number | null })
  | (Base<'listVaults' | 'storeKeys' | 'syncHierarchy'>)
  | (Base<'syncExport'> & { selection: Map<string, Set<string> | null>; publicKey: Uint8Array });

/** A decoded response: a result (JSON) and an optional blob, or a typed error. */
export type Response =
  | { id: number; ok: true; result: unknown; blob: Uint8Array }
  | { id: number | null; ok: false; error: StrongholdError };

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** `headerLength || header || blob` (the length prefix of the stream is added by lpStream). */
export function encodeFrame(header: unknown, blob?: Uint8Array): Uint8Array {
  const json = enc.encode(JSON.stringify(header));
  const frame = new Uint8Array(4 + json.length + (blob?.length ?? 0));
  new DataView(frame.buffer).setUint32(0, json.length);
  frame.set(json, 4);
  if (blob) frame.set(blob, 4 + json.length);
  return frame;
}

/** Splits a frame into its parsed JSON header and a view of its blob. */
export function decodeFrame(frame: Uint8Array): { header: Record<string, unknown>; blob: Uint8Array } {
  if (frame.length < 4) throw protocolError('frame shorter than its header length');
  const n = new DataView(frame.buffer, frame.byteOffset, frame.length).getUint32(0);
  if (n > MAX_HEADER_BYTES || n > frame.length - 4) throw protocolError('header length out of range');
  let header: unknown;
  try {
    header = JSON.parse(dec.decode(frame.subarray(4, 4 + n)));
  } catch {
    throw protocolError('header is not UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw protocolError('header is not a JSON object');
  return { header: header as Record<string, unknown>, blob: frame.subarray(4 + n) };
}

export function protocolError(reason: string): StrongholdError<'ProtocolError'> {
  return new StrongholdError('ProtocolError', `protocol error: ${reason}`, { reason });
}

/** The request id of a header, or null when it has none that is valid (the stream is then closed). */
export function requestId(header: Record<string, unknown>): number | null {
  const id = header.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 && id <= MAX_REQUEST_ID ? id : null;
}

function only(h: Record<string, unknown>, fields: readonly string[]): void {
  for (const k of Object.keys(h)) if (!fields.includes(k)) throw invalidArgument(k, `no such field in a ${String(h.type)} request`);
}

export function wirePath(path: Path): WirePath {
  const bytes = toPathBytes(path, 'path');
  return isUtf8(bytes) ? dec.decode(bytes) : { hex: toHex(bytes) };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    dec.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A wire path as bytes; errors name the field. */
export function parseWirePath(value: unknown, field: string): Uint8Array {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'hex') throw invalidArgument(field, 'a path string or {"hex": ...}');
    return parseHex((value as { hex: unknown }).hex, { field, min: 1, max: MAX_PATH_BYTES });
  }
  return toPathBytes(typeof value === 'string' ? value : null, field);
}

function wireLocation(loc: Location): Record<string, unknown> {
  const vault = wirePath(loc.vaultPath);
  return loc.recordPath ? { vault, record: wirePath(loc.recordPath) } : { vault, counter: loc.counter };
}

function parseLocation(value: unknown, field: string): Location {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(field, '{"vault", "record"} or {"vault", "counter"}');
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v).sort().join(',');
  if (keys === 'record,vault') return Location.generic(parseWirePath(v.vault, `${field}.vault`), parseWirePath(v.record, `${field}.record`));
  if (keys === 'counter,vault') return Location.counter(parseWirePath(v.vault, `${field}.vault`), v.counter as number);
  throw invalidArgument(field, '{"vault", "record"} or {"vault", "counter"}');
}

function parseKey(value: unknown): Uint8Array {
  return parseHex(value, { field: 'key', max: MAX_STORE_KEY_BYTES });
}

const HEX24 = /^[0-9a-f]{48}$/;

function parseSelection(value: unknown): Map<string, Set<string> | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument('records', 'an object {vaultIdHex: [recordIdHex] | null}');
  const out = new Map<string, Set<string> | null>();
  for (const [vid, ids] of Object.entries(value)) {
    if (!HEX24.test(vid)) throw invalidArgument('records', 'vault ids as 48 lowercase hex digits');
    if (ids === null) {
      out.set(vid, null);
      continue;
    }
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !HEX24.test(id))) {
      throw invalidArgument(`records.${vid.slice(0, 8)}`, 'null or an array of record ids as 48 lowercase hex digits');
    }
    out.set(vid, new Set(ids as string[]));
  }
  return out;
}

/**
 * Validates a request header and blob. The caller has already checked `id` (see `requestId`).
 * @throws StrongholdError `ProtocolError` (unknown type), `InvalidArgument` / `InvalidLocation` (a field), `UnknownProcedure`
 */
export function parseRequest(id: number, header: Record<string, unknown>, blob: Uint8Array): Request {
  const type = header.type;
  if (typeof type !== 'string' || !(REQUEST_TYPES as readonly string[]).includes(type)) throw protocolError('unknown request type');
  const t = type as RequestType;
  const noBlob = (): void => {
    if (blob.length !== 0) throw invalidArgument('blob', `no bytes after the header of a ${t} request`);
  };
  const client = parseWirePath(header.client, 'client');
  const base = { id, client };
  switch (t) {
    case 'execute': {
      only(header, ['id', 'type', 'client', 'chain', 'values']);
      noBlob();
      if (header.values !== undefined && typeof header.values !== 'boolean') throw invalidArgument('values', 'a boolean');
      const calls = parseChain(header.chain);
      return { ...base, type: t, calls, chain: header.chain as unknown[], values: header.values === true };
    }
    case 'writeSecret':
      only(header, ['id', 'type', 'client', 'location']);
      return { ...base, type: t, location: parseLocation(header.location, 'location'), secret: blob };
    case 'revokeSecret':
    case 'deleteSecret':
    case 'recordExists':
      only(header, ['id', 'type', 'client', 'location']);
      noBlob();
      return { ...base, type: t, location: parseLocation(header.location, 'location') };
    case 'vaultExists':
    case 'listRecords':
      only(header, ['id', 'type', 'client', 'vault']);
      noBlob();
      return { ...base, type: t, vault: parseWirePath(header.vault, 'vault') };
    case 'storeGet':
    case 'storeDelete':
      only(header, ['id', 'type', 'client', 'key']);
      noBlob();
      return { ...base, type: t, key: parseKey(header.key) };
    case 'storeSet': {
      only(header, ['id', 'type', 'client', 'key', 'ttlMs']);
      const ttlMs = header.ttlMs === undefined || header.ttlMs === null ? null : assertInt(header.ttlMs, { field: 'ttlMs', min: 1 });
      return { ...base, type: t, key: parseKey(header.key), value: blob, ttlMs };
    }
    case 'listVaults':
    case 'storeKeys':
    case 'syncHierarchy':
      only(header, ['id', 'type', 'client']);
      noBlob();
      return { ...base, type: t };
    case 'syncExport':
      only(header, ['id', 'type', 'client', 'records', 'publicKey']);
      noBlob();
      return { ...base, type: t, selection: parseSelection(header.records), publicKey: parseHex(header.publicKey, { field: 'publicKey', length: 32 }) };
  }
}

/** What a client puts in a request header (id and type added by the sender). */
export interface RequestBody {
  client: Path;
  [field: string]: unknown;
}

/** The header of a request: paths and locations in their wire form. */
export function requestHeader(id: number, type: RequestType, body: RequestBody): Record<string, unknown> {
  const out: Record<string, unknown> = { id, type };
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    if (k === 'client' || k === 'vault') out[k] = wirePath(v as Path);
    else if (k === 'location') out[k] = wireLocation(Location.from(v));
    else out[k] = v;
  }
  return out;
}

export function okFrame(id: number, result: unknown, blob?: Uint8Array): Uint8Array {
  return encodeFrame({ id, ok: true, result }, blob);
}

export function errorFrame(id: number | null, error: StrongholdErrorJSON): Uint8Array {
  return encodeFrame({ id, ok: false, error });
}

/** Validates a response frame (client side). */
export function parseResponse(frame: Uint8Array): Response {
  const { header, blob } = decodeFrame(frame);
  const id = header.id === null ? null : requestId(header);
  if (id === null && header.id !== null) throw protocolError('response without a valid id');
  if (header.ok === true && id !== null) {
    only(header, ['id', 'ok', 'result']);
    return { id, ok: true, result: header.result ?? null, blob };
  }
  if (header.ok === false) {
    only(header, ['id', 'ok', 'error']);
    return { id, ok: false, error: StrongholdError.fromJSON(header.error) };
  }
  throw protocolError('response is neither a result nor an error');
}

/** Record ids and hints on the wire. */
export interface WireRecord {
  id: string;
  hint: string;
  length: number;
}

/** The vault ids (hex) of a `listVaults` result. */
export function parseWireVaultIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string' || !HEX24.test(id))) throw protocolError('vaults is not an array of vault ids');
  return value as string[];
}

export function parseWireRecords(value: unknown): { id: string; hint: Uint8Array; length: number }[] {
  if (!Array.isArray(value)) throw protocolError('records is not an array');
  return value.map((r: Partial<WireRecord>) => {
    if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || !HEX24.test(r.id)) throw protocolError('malformed record entry');
    return { id: r.id, hint: parseHex(r.hint, { field: 'hint', max: 64 }), length: assertInt(r.length, { field: 'length', min: 0 }) };
  });
}
