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
import { invalidArgument, StrongholdError } from '../errors.js';
import { call } from '../procedures/fields.js';
import { MAX_CHAIN_LENGTH, parseChain } from '../procedures/json.js';
import { PROCEDURE_BY_TYPE } from '../procedures/registry.js';
import type { ProcedureCall } from '../procedures/types.js';
import { decodeValue, encodeValue } from '../procedures/values.js';

export { decodeValue, encodeValue } from '../procedures/values.js';

/**
 * A call in the wire form. Byte values (not copied) are appended to `blobs`; the caller wipes its copy of the
 * envelope, not these.
 */
export function encodeCall(call: ProcedureCall, blobs: Uint8Array[]): Record<string, unknown> {
  const attach = (b: Uint8Array): number => blobs.push(b) - 1;
  return { type: call.procedure.type, ...(encodeValue(call.input, attach, 0) as Record<string, unknown>) };
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
