/**
 * The typed outputs of an `execute` (docs/spec/p2p-protocol.md §3): a request with `"values": true` is answered
 * with `{"values": [...], "parts": [n, ...]}` and a blob, the outputs in the value wire form of
 * src/procedures/values.ts (bytes as `{"$b": i}`, the i-th part of the blob, of `parts[i]` bytes; Locations as
 * `{vault, record|counter}`; no output as null). The caller decodes them into the values a local `execute`
 * returns (Uint8Array, Location, objects), where the JSON form (`results`) would give hex strings.
 * @module
 */
import { decodeValue, encodeValue } from '../procedures/values.js';
import { protocolError } from './messages.js';
import { expectObject } from './results.js';

/** The outputs of a chain as a result and its blob (server side). */
export function encodeOutputs(outputs: readonly unknown[]): { result: { values: unknown[]; parts: number[] }; blob: Uint8Array } {
  const parts: Uint8Array[] = [];
  const values = outputs.map((o) => (o === undefined ? null : encodeValue(o, (b) => parts.push(b) - 1)));
  return { result: { values, parts: parts.map((p) => p.length) }, blob: Buffer.concat(parts) };
}

/** The outputs of a chain of `chainLength` calls from an answer (client side); copies, so the frame may be wiped. */
export function decodeOutputs(result: unknown, blob: Uint8Array, chainLength: number): unknown[] {
  const { values, parts } = expectObject(result);
  if (!Array.isArray(values) || values.length !== chainLength) throw protocolError('values do not match the chain');
  if (!Array.isArray(parts) || !parts.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) throw protocolError('malformed value parts');
  const views: Uint8Array[] = [];
  let offset = 0;
  for (const n of parts as number[]) {
    if (offset + n > blob.length) throw protocolError('value parts exceed the blob');
    views.push(blob.subarray(offset, offset + n));
    offset += n;
  }
  if (offset !== blob.length) throw protocolError('value parts do not cover the blob');
  try {
    return values.map((v: unknown) => (v === null ? undefined : decodeValue(v, views, { copy: true })));
  } catch {
    throw protocolError('malformed output value');
  }
}
