/**
 * The JSON form of procedures (docs/procedures.md): `{"type": "<catalogue name>", ...camelCase fields}`,
 * bytes as lowercase hex, locations as `{"vault", "record"}` / `{"vault", "counter"}`, enums as lowercase
 * strings. Used by the command line and by remote peers. Parsing is strict: unknown fields are rejected and
 * every error names the procedure and the field.
 * @module
 */
import { toHex } from '../assert.js';
import { Location } from '../engine/location.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { call } from './fields.js';
import { PROCEDURE_BY_TYPE } from './registry.js';
import type { ProcedureCall } from './types.js';

/** Most procedures in one chain; a bound for input that may come from a peer. */
export const MAX_CHAIN_LENGTH = 256;

/** One procedure call from its JSON form. Throws InvalidArgument (details.field, details.procedure) or UnknownProcedure. */
export function parseProcedure(json: unknown): ProcedureCall {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidArgument('procedure', 'an object {"type": ..., fields}');
  const { type, ...fields } = json as Record<string, unknown>;
  if (typeof type !== 'string') throw invalidArgument('type', 'a procedure name such as "Ed25519Sign"');
  const procedure = PROCEDURE_BY_TYPE.get(type);
  if (!procedure) {
    const shown = type.length > 64 ? `${type.slice(0, 64)}…` : type;
    throw new StrongholdError('UnknownProcedure', `unknown procedure type "${shown}"`, { procedure: shown });
  }
  return call(procedure, procedure.parse(fields));
}

/** A chain: an array of procedure JSON objects. Field errors are prefixed with the index, e.g. `[2].msg`. */
export function parseChain(json: unknown): ProcedureCall[] {
  if (!Array.isArray(json)) throw invalidArgument('chain', 'an array of procedure objects');
  if (json.length > MAX_CHAIN_LENGTH) throw invalidArgument('chain', `at most ${MAX_CHAIN_LENGTH} procedures, got ${json.length}`);
  return json.map((item, i) => {
    try {
      return parseProcedure(item);
    } catch (e) {
      if (isStrongholdError(e, 'InvalidArgument')) {
        const d = e.details;
        const details = d.procedure === undefined ? { field: `[${i}].${d.field}`, expected: d.expected } : { ...d, field: `[${i}].${d.field}` };
        throw new StrongholdError('InvalidArgument', `[${i}] ${e.message}`, details, { cause: e });
      }
      throw e;
    }
  });
}

/** The JSON form of a call's output: hex for bytes, the mnemonic as a string, null for nothing. */
export function resultToJSON(call: ProcedureCall, output: unknown): unknown {
  return call.procedure.outputToJSON(output);
}

/** Byte fields whose JSON form is text, not hex: paths and BIP-39 strings. */
const TEXT_FIELDS = new Set(['vault', 'mnemonic', 'passphrase']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array, field: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidArgument(field, 'UTF-8 bytes: the JSON form carries paths and BIP-39 text as strings');
  }
}

function valueToJSON(value: unknown, field: string): unknown {
  if (Location.is(value)) {
    const vault = text(value.vaultPath, `${field}.vault`);
    return value.recordPath ? { vault, record: text(value.recordPath, `${field}.record`) } : { vault, counter: value.counter };
  }
  if (value instanceof Uint8Array) return TEXT_FIELDS.has(field.split('.').pop()!) ? text(value, field) : toHex(value);
  if (Array.isArray(value)) return value.map((v, i) => valueToJSON(v, `${field}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = valueToJSON(v, field ? `${field}.${k}` : k);
    return out;
  }
  return value;
}

/**
 * The JSON form of a call, as `parseProcedure` reads it (for sending a call to a remote peer or logging it).
 * SLIP-10 chains come out as raw uint32 numbers. WriteVault data and Pbkdf2Hmac passwords come out as hex: the
 * JSON form of such a call is itself a secret.
 */
export function procedureToJSON(call: ProcedureCall): Record<string, unknown> {
  return { type: call.procedure.type, ...(valueToJSON(call.input, '') as Record<string, unknown>) };
}
