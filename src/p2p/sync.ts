/**
 * Sync: pull records from a source client into a target client (docs/spec/p2p-protocol.md §6).
 *
 * 1. Compare hierarchies: for every selected source vault, (record id, blob id) pairs against the target's.
 * 2. Take what the target lacks; with `policy: 'replace'` also what differs (a different BlobId), never what is equal.
 * 3. Export exactly those records from the source, in the persisted form with their vault keys.
 * 4. Rename vaults as asked, then merge: each record is authenticated under its source vault key and re-sealed
 *    under the target's, keeping its id, BlobId and hint (so its usage policy).
 *
 * A source is anything that answers `hierarchy` and `export`: a local client (its engine's sync endpoint), or a remote one
 * (remote.ts, where the export travels age-encrypted under an ephemeral X25519 agreement on top of Noise).
 * Two local clients, two snapshots and two peers all go through `syncInto`.
 *
 * Revoked and non-exportable records are never offered by a source: the engine leaves them out of what a peer
 * may have, so a non-exportable secret never leaves its client. What comes from a peer is merged only if it is
 * exportable and of a kind a peer may provide (never a FROST share or nonce, or an identity).
 * Records keep the RecordId derived from their source vault path, as in Rust; after a rename they are listed
 * in the new vault but a Location built from the new vault path does not name them.
 * @module
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { toPathBytes } from '../assert.js';
import { syncEndpoint, type Stronghold, type SyncEndpoint } from '../client/stronghold.js';
import { clientId, vaultId } from '../engine/ids.js';
import type { Path } from '../engine/location.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import type { ClientState } from '../snapshot/state.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** Vault id (hex) → record id (hex) → blob id (hex). */
export type Hierarchy = Map<string, Map<string, string>>;

/** Vault id (hex) → record ids (hex) wanted, or null for all. */
export type Selection = Map<string, Set<string> | null>;

export interface SyncSource {
  /** The source's exportable, live records of the vaults it offers. */
  hierarchy(): Promise<Hierarchy>;
  /** Those records in the persisted form, with their vault keys in clear (the merge wipes them). */
  export(selection: Selection): Promise<ClientState>;
}

export interface SyncOptions {
  /** Keep the target's version of a record both sides have (default), or replace it when it differs. */
  policy?: 'keep' | 'replace';
  /** Source vault paths to pull; all the source offers by default. */
  vaults?: Path[];
  /** Source vault path → target vault path. */
  rename?: [Path, Path][] | Record<string, string>;
}

export interface SyncResult {
  /** Records merged into the target. */
  merged: number;
  /** Records both sides had and the policy kept (or that were equal). */
  kept: number;
}

/**
 * X25519(secret, peer public key) for a sync export; a malformed or low-order key (an all-zero result) is a
 * ProtocolError, since a peer sent it.
 */
export function agree(secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secret, publicKey);
  } catch {
    throw new StrongholdError('ProtocolError', 'the peer sent an invalid X25519 public key', { reason: 'invalid X25519 public key' });
  }
  if (shared.every((b) => b === 0)) {
    throw new StrongholdError('ProtocolError', 'the peer sent a low-order X25519 public key', { reason: 'invalid X25519 public key' });
  }
  return shared;
}

export function wipeState(state: ClientState): void {
  for (const k of state.keystore) wipe(k.key);
  for (const v of state.vaults) wipe(v.key);
}

/** A local client as a sync source: what its engine lets a peer have. */
function localSource(endpoint: SyncEndpoint): SyncSource {
  return {
    hierarchy: async () => endpoint.hierarchy(new Map(endpoint.vaults().map((v) => [v, null]))),
    export: async (selection) => endpoint.export(selection),
  };
}

function renames(rename: SyncOptions['rename']): Map<string, Uint8Array> {
  const pairs = rename === undefined ? [] : Array.isArray(rename) ? rename : Object.entries(rename);
  const out = new Map<string, Uint8Array>();
  for (const [from, to] of pairs) out.set(hex(vaultId(toPathBytes(from, 'rename'))), vaultId(toPathBytes(to, 'rename')));
  return out;
}

/**
 * Pulls records from `source` into `target` (see the module doc).
 * @throws StrongholdError `InvalidArgument` (options), `CorruptPayload` (a record that does not authenticate:
 *   nothing of that batch is merged), and whatever the source throws (`PermissionDenied`, `Timeout`, ...)
 */
export async function syncInto(target: SyncEndpoint, source: SyncSource, options: SyncOptions & { fromPeer: boolean }): Promise<SyncResult> {
  const policy = options.policy ?? 'keep';
  if (policy !== 'keep' && policy !== 'replace') throw invalidArgument('policy', '"keep" or "replace"');
  const selected = options.vaults === undefined ? null : new Set(options.vaults.map((v) => hex(vaultId(toPathBytes(v, 'vaults')))));
  const rename = renames(options.rename);
  const theirs = await source.hierarchy();
  const ours = target.records();

  const wanted: Selection = new Map();
  let kept = 0;
  for (const [vid, records] of theirs) {
    if (selected && !selected.has(vid)) continue;
    const targetVault = ours.get(rename.has(vid) ? hex(rename.get(vid)!) : vid);
    const ids = new Set<string>();
    for (const [rid, blob] of records) {
      const existing = targetVault?.get(rid);
      if (existing === undefined || (policy === 'replace' && existing !== blob)) ids.add(rid);
      else kept++;
    }
    if (ids.size > 0) wanted.set(vid, ids);
  }
  if (wanted.size === 0) return { merged: 0, kept };

  const state = await source.export(wanted);
  try {
    for (const v of state.vaults) {
      // Only what was asked for is merged, whatever a (remote) source sent.
      const ids = wanted.get(hex(v.id));
      v.records = ids ? v.records.filter((r) => ids.has(hex(r.id))) : [];
      const to = rename.get(hex(v.id));
      if (to) {
        for (const k of state.keystore) if (hex(k.vaultId) === hex(v.id)) k.vaultId = to.slice();
        v.id = to.slice();
      }
    }
  } catch (e) {
    wipeState(state);
    throw e;
  }
  const merged = target.merge(state, { replace: policy === 'replace', fromPeer: options.fromPeer });
  return { merged, kept };
}

function endpointOf(sh: Stronghold, path: Path, field: string): SyncEndpoint {
  const bytes = toPathBytes(path, field);
  const db = syncEndpoint(sh, clientId(bytes));
  if (!db) throw new StrongholdError('ClientNotFound', `there is no client '${String(path)}'`, { client: String(path) });
  return db;
}

/**
 * Pulls from client `from` of `source` into client `to` of `target` (both local; they may be the same Stronghold).
 * The target client must exist. Save the target Stronghold to keep the result.
 */
export async function syncClients(target: Stronghold, to: Path, source: Stronghold, from: Path, options: SyncOptions = {}): Promise<SyncResult> {
  return syncInto(endpointOf(target, to, 'to'), localSource(endpointOf(source, from, 'from')), { ...options, fromPeer: false });
}

/**
 * Pulls every client of `source` into `target`, client by client (by id: snapshots store ids, not paths).
 * A client that `target` lacks is skipped and counted in `missingClients`; create it in the target first.
 */
export async function syncSnapshots(target: Stronghold, source: Stronghold, options: Omit<SyncOptions, 'rename'> = {}): Promise<SyncResult & { missingClients: number }> {
  let merged = 0;
  let kept = 0;
  let missingClients = 0;
  for (const { id } of source.listClients()) {
    const bytes = Uint8Array.from(Buffer.from(id, 'hex'));
    const to = syncEndpoint(target, bytes);
    if (!to) {
      missingClients++;
      continue;
    }
    const r = await syncInto(to, localSource(syncEndpoint(source, bytes)!), { ...options, fromPeer: false });
    merged += r.merged;
    kept += r.kept;
  }
  return { merged, kept, missingClients };
}
