/**
 * What a batch of chains ships to the zone and how the zone's reply is merged back into the host's client:
 * the records the chains name (sealed, with their vault keys: `exportSubset`, bincode), and from the reply the
 * records that changed or disappeared (`mergeSubset({ replace: true })`, `removeRecords`) and each chain's outputs
 * or error. The host's vault changes only here, from a complete reply, so a zone that dies or is killed at its
 * deadline leaves it as it was.
 * @module
 */
import type { ClientDb } from '../engine/db.js';
import { StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import type { ProcedureCall } from '../procedures/types.js';
import { decodeState, encodeState } from '../snapshot/bincode.js';
import { chainSelection, decodeValue } from './calls.js';

/** The zone's error, with its cause (the failing step's own error) when it sent one. */
export function errorFrom(json: unknown): StrongholdError {
  const err = StrongholdError.fromJSON(json);
  const cause = (json as { cause?: unknown } | null)?.cause;
  return cause === undefined ? err : new StrongholdError(err.code, err.message, err.details, { cause: StrongholdError.fromJSON(cause) });
}

/**
 * The records a chain ships to the zone: those it names, whole vaults it revokes or collects in, and every
 * revoked record of the vaults it names (a failed chain's rollback collects those vaults, as it does inline).
 */
function selectionFor(db: ClientDb, calls: readonly ProcedureCall[]): Map<string, Set<string> | null> {
  const selection = chainSelection(calls);
  // Only a chain that writes can roll back, so a read-only chain (signatures) skips the walk over the client.
  const writes = calls.some((c) => c.procedure.locations(c.input).outputs.length > 0);
  const partial = [...selection.values()].some((s) => s !== null);
  if (writes && partial) {
    for (const v of db.hierarchy()) {
      const wanted = selection.get(Buffer.from(v.vaultId).toString('hex'));
      if (!wanted) continue;
      for (const r of v.records) if (r.revoked) wanted.add(Buffer.from(r.id).toString('hex'));
    }
  }
  return selection;
}

export type ChainResult = { ok: true; outputs: unknown[] } | { ok: false; error: StrongholdError };

/**
 * The state a batch of chains needs, encoded for the zone (bincode of one client). The vault keys of the subset
 * are wiped here; the caller wipes the returned bytes once sent.
 */
export function encodeSelection(db: ClientDb, calls: readonly ProcedureCall[]): Uint8Array {
  const subset = db.exportSubset(selectionFor(db, calls));
  try {
    return encodeState({ clients: [subset] });
  } finally {
    for (const k of subset.keystore) wipe(k.key);
    for (const v of subset.vaults) wipe(v.key);
  }
}

/** Merges the zone's changes into `db`, then returns each chain's outputs (copied out of the reply) or error. */
export function applyReply(db: ClientDb, msg: Record<string, unknown>, blobs: Uint8Array[], chains: number): ChainResult[] {
  const bad = (reason: string): StrongholdError => new StrongholdError('ProtocolError', `zone reply: ${reason}`, { reason });
  if (msg.t !== 'result') throw bad('not a result');
  if (msg.error !== undefined) throw errorFrom(msg.error);
  if (!Array.isArray(msg.results) || msg.results.length !== chains) throw bad('one result per chain expected');
  if (typeof msg.changes === 'number') {
    const changes = blobs[msg.changes];
    if (!changes) throw bad('missing changes');
    const state = decodeState(changes);
    if (state.clients.length !== 1) throw bad('changes must hold one client');
    db.mergeSubset(state.clients[0]!, { replace: true });
  }
  if (Array.isArray(msg.removed) && msg.removed.length > 0) {
    const ids = msg.removed.map((r: unknown) => {
      if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'string' && /^[0-9a-f]{48}$/.test(x))) throw bad('malformed removed id');
      return { vaultId: Buffer.from(r[0] as string, 'hex'), recordId: Buffer.from(r[1] as string, 'hex') };
    });
    db.removeRecords(ids);
  }
  return msg.results.map((r: unknown): ChainResult => {
    const res = r as { ok?: unknown; error?: unknown; outputs?: unknown } | null;
    if (res?.ok !== true) return { ok: false, error: errorFrom(res?.error) };
    if (!Array.isArray(res.outputs)) throw bad('missing outputs');
    return { ok: true, outputs: res.outputs.map((o: unknown) => (o === null ? undefined : decodeValue(o, blobs, { copy: true }))) };
  });
}
