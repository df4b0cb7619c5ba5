/**
 * The JSON form of procedures (docs/procedures.md): `{"type": "<catalogue name>", ...camelCase fields}`,
 * bytes as lowercase hex, locations as `{"vault", "record"}` / `{"vault", "counter"}`, enums as lowercase
 * strings. Used by the command line and by remote peers. Parsing is strict: unknown fields are rejected and
 * every error names the procedure and the field.
 * @module
 */
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
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
  return Object.freeze({ procedure, input: procedure.parse(fields) });
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
