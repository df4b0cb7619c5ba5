/**
 * Sync from a remote client (docs/spec/p2p-protocol.md §6): its hierarchy, and the records a pull selects,
 * exported by the server in batches of `SYNC_BATCH_RECORDS` re-encrypted for this requester alone (an X25519
 * agreement per batch, age at work factor 0), a batch halved when the server says its answer would be too large.
 * @module
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { parseHex, toHex } from '../assert.js';
import { clientId } from '../engine/ids.js';
import { isStrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { readSnapshot } from '../snapshot/codec.js';
import type { ClientState } from '../snapshot/state.js';
import { SYNC_BATCH_RECORDS } from './constants.js';
import { protocolError } from './messages.js';
import type { Ask } from './remote-store.js';
import { expectObject } from './results.js';
import { agree, wipeState, type Hierarchy, type Selection } from './sync.js';

/** The records of `selection` from remote client `client`, as one client state (the caller wipes it). */
export async function exportRecords(ask: Ask, client: Uint8Array, selection: Selection): Promise<ClientState> {
  const batches: Selection[] = [];
  let batch: Selection = new Map();
  let n = 0;
  for (const [vid, ids] of selection) {
    for (const id of ids ?? []) {
      if (n === SYNC_BATCH_RECORDS) {
        batches.push(batch);
        batch = new Map();
        n = 0;
      }
      const set = batch.get(vid) ?? new Set<string>();
      set.add(id);
      batch.set(vid, set);
      n++;
    }
  }
  if (n > 0) batches.push(batch);
  const merged: ClientState = { id: clientId(client), keystore: [], vaults: [], store: { entries: [], scanFreq: null, createdAt: { secs: 0n, nanos: 0 }, lastScanAt: null } };
  try {
    for (const b of batches) await exportBatch(ask, b, merged);
  } catch (e) {
    wipeState(merged);
    throw e;
  }
  return merged;
}

/** Exports one batch into `into`, halving it when the server says the answer would be too large. */
async function exportBatch(ask: Ask, batch: Selection, into: ClientState): Promise<void> {
  const secret = x25519.utils.randomSecretKey();
  let shared: Uint8Array | null = null;
  try {
    const records = Object.fromEntries([...batch].map(([v, ids]) => [v, ids ? [...ids] : null]));
    const { result, blob } = await ask('syncExport', { records, publicKey: toHex(x25519.getPublicKey(secret)) });
    shared = agree(secret, parseHex(expectObject(result).publicKey, { field: 'publicKey', length: 32 }));
    const { state } = await readSnapshot(blob, shared, { maxWorkFactor: 0 });
    if (state.clients.length !== 1) {
      for (const c of state.clients) wipeState(c);
      throw protocolError('a sync export holds one client');
    }
    const c = state.clients[0]!;
    into.keystore.push(...c.keystore);
    into.vaults.push(...c.vaults);
  } catch (e) {
    const size = [...batch.values()].reduce((k, ids) => k + (ids?.size ?? 0), 0);
    if (!(isStrongholdError(e, 'ProtocolError') && e.details.reason === 'response too large' && size > 1)) throw e;
    const halves: Selection[] = [new Map(), new Map()];
    let i = 0;
    for (const [v, ids] of batch) for (const id of ids ?? []) {
      const h = halves[i++ % 2]!;
      h.set(v, (h.get(v) ?? new Set<string>()).add(id));
    }
    for (const h of halves) await exportBatch(ask, h, into);
  } finally {
    wipe(secret, shared);
  }
}

/** A hierarchy answer: vault id → record id → blob id, all hex ids checked. */
export function parseHierarchy(result: unknown): Hierarchy {
  const vaults = expectObject(result).vaults;
  if (!Array.isArray(vaults)) throw protocolError('hierarchy vaults is not an array');
  const hexId = /^[0-9a-f]{48}$/;
  const out: Hierarchy = new Map();
  for (const v of vaults as { id?: unknown; records?: unknown }[]) {
    if (typeof v?.id !== 'string' || !hexId.test(v.id) || !Array.isArray(v.records)) throw protocolError('malformed hierarchy entry');
    const records = new Map<string, string>();
    for (const r of v.records as unknown[]) {
      if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'string' && hexId.test(x))) throw protocolError('malformed hierarchy record');
      records.set(r[0] as string, r[1] as string);
    }
    out.set(v.id, records);
  }
  return out;
}
