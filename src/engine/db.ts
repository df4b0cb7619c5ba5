/**
 * The state of one client: its vault keys, its vaults of sealed records, and its store. This is the engine
 * every higher layer goes through. It holds no plaintext secret: records stay sealed under their vault key,
 * vault keys stay sealed under the master key, and `use` opens one record into guarded memory for the
 * duration of a callback, then wipes it. There is deliberately no way to read a secret out.
 * @module
 */
import { toHex } from '../assert.js';
import { StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import type { ClientState, RecordState, VaultState } from '../snapshot/state.js';
import { Transaction } from './gate.js';
import { enginePool, KEY_LENGTH, KeyStore } from './keystore.js';
import type { Location } from './location.js';
import { decodeHint, type RecordMeta as KindAndPolicy } from './policy.js';
import { BOX_OVERHEAD, decodeDataTransaction, encodeRevocationTransaction, equalBytes, isRevocationTransaction, openInto, SEALED_TRANSACTION_LENGTH, seal, StoredRecord, TRANSACTION_LENGTH, type RecordMeta } from './record.js';
import { Store } from './store.js';

/** Decoded hints by stored record: the gate reads a record's kind and policy on every use. */
const metaCache = new WeakMap<StoredRecord, KindAndPolicy>();

/** The kind and policy of a stored record, decoded once (a write stores a new record). */
function metaOf(r: StoredRecord): KindAndPolicy {
  let meta = metaCache.get(r);
  if (!meta) {
    meta = Object.freeze(decodeHint(r.hint));
    metaCache.set(r, meta);
  }
  return meta;
}

/** What a peer may have: live and exportable. */
const offeredToPeer = (r: StoredRecord): boolean => r.revoke === null && metaOf(r).policy.exportable;

const hexOf = toHex;

interface Vault {
  id: Uint8Array;
  /** RecordId hex → record; insertion order is the file's order. */
  records: Map<string, StoredRecord>;
}

/** A listed record: its id and hint. Never its contents. */
export interface RecordInfo {
  id: Uint8Array;
  hint: Uint8Array;
  length: number;
}

export class ClientDb {
  readonly id: Uint8Array;
  readonly keystore = new KeyStore();
  readonly #vaults = new Map<string, Vault>();
  #changes = 0;
  store: Store;

  constructor(id: Uint8Array, now: () => number = Date.now) {
    this.id = Uint8Array.from(id);
    this.store = new Store(now);
  }

  /** Counts modifications of records and store, so the owner can tell whether anything changed since a save. */
  get changes(): number {
    return this.#changes + this.store.changes;
  }

  vaultExists(vaultId: Uint8Array): boolean {
    return this.keystore.has(vaultId);
  }

  /** True if the record exists and is not revoked. */
  recordExists(loc: Location): boolean {
    const entry = this.#vaults.get(loc.vaultKey)?.records.get(loc.recordKey);
    return entry !== undefined && entry.revoke === null;
  }

  #entry(loc: Location): StoredRecord {
    const vault = this.#vaults.get(loc.vaultKey);
    if (!vault) throw new StrongholdError('VaultNotFound', `vault '${loc.vault}' does not exist; write a record to create it`, { vault: loc.vault });
    const entry = vault.records.get(loc.recordKey);
    if (!entry) {
      throw new StrongholdError('RecordNotFound', `record '${loc.record}' in vault '${loc.vault}' does not exist`, { vault: loc.vault, record: loc.record });
    }
    if (entry.revoke !== null) {
      throw new StrongholdError('RecordRevoked', `record '${loc.record}' in vault '${loc.vault}' was revoked; write it again after garbage collection or use another location`, {
        vault: loc.vault, record: loc.record,
      });
    }
    return entry;
  }

  /** The public metadata (length, hint) of a live record. */
  recordInfo(loc: Location): RecordInfo {
    const e = this.#entry(loc);
    return { id: e.id.slice(), hint: e.hint.slice(), length: e.length };
  }

  /** The kind and policy of a live record, decoded once per stored version (a write makes a new one). */
  recordMeta(loc: Location): KindAndPolicy {
    return metaOf(this.#entry(loc));
  }

  /**
   * A name for the current sealed content of a live record: its id with the tag and nonce of its blob box.
   * It changes whenever the secret does (every write draws a fresh nonce), so it can key caches of public
   * values derived from the secret.
   */
  recordVersion(loc: Location): string {
    const e = this.#entry(loc);
    return loc.vaultKey + loc.recordKey + toHex(e.blob.subarray(0, BOX_OVERHEAD));
  }

  /** Live records of a vault, in insertion order. */
  listRecords(vaultId: Uint8Array, vaultName: string): RecordInfo[] {
    const vault = this.#vault(vaultId, vaultName);
    const out: RecordInfo[] = [];
    for (const e of vault.records.values()) if (e.revoke === null) out.push({ id: e.id.slice(), hint: e.hint.slice(), length: e.length });
    return out;
  }

  #vault(vaultId: Uint8Array, vaultName: string): Vault {
    const vault = this.keystore.has(vaultId) ? this.#vaults.get(hexOf(vaultId)) : undefined;
    if (!vault) throw new StrongholdError('VaultNotFound', `vault '${vaultName}' does not exist`, { vault: vaultName });
    return vault;
  }

  /** Number of records (revoked ones included) in every vault; for `info` and tests. */
  vaultSummaries(): { id: Uint8Array; records: number; revoked: number }[] {
    return [...this.#vaults.values()].map((v) => {
      let revoked = 0;
      for (const e of v.records.values()) if (e.revoke !== null) revoked++;
      return { id: v.id.slice(), records: v.records.size - revoked, revoked };
    });
  }

  /**
   * Creates or updates the record at `loc` with a copy of `secret` (the caller wipes its own copy); an update
   * rotates the BlobId. The hint carries the record's kind and policy, so every write passes the one the gate
   * derived (Rust keeps the old hint on update; here the old kind must never stick to new bytes).
   * @internal Only the gate writes: use `transaction`.
   */
  write(loc: Location, secret: Uint8Array, hint: Uint8Array): void {
    const vid = loc.vaultKey;
    const rid = loc.recordKey;
    const existing = this.#vaults.get(vid)?.records.get(rid);
    if (existing && existing.revoke !== null) {
      throw new StrongholdError('RecordRevoked', `record '${loc.record}' in vault '${loc.vault}' was revoked; garbage-collect the vault before writing it again`, {
        vault: loc.vault, record: loc.record,
      });
    }
    if (!this.keystore.has(loc.vaultId)) this.keystore.insert(loc.vaultId);
    let vault = this.#vaults.get(vid);
    if (!vault) {
      vault = { id: loc.vaultId.slice(), records: new Map() };
      this.#vaults.set(vid, vault);
    }
    vault.records.set(rid, this.keystore.withKey(loc.vaultId, (key) => StoredRecord.seal(key, loc.recordId, hint, secret))!);
    this.#changes++;
  }

  /** Marks the record revoked: it can no longer be used, and `garbageCollect` removes it. Idempotent. */
  revoke(loc: Location): void {
    const vault = this.#vault(loc.vaultId, loc.vault);
    const entry = vault.records.get(loc.recordKey);
    if (!entry) throw new StrongholdError('RecordNotFound', `record '${loc.record}' in vault '${loc.vault}' does not exist`, { vault: loc.vault, record: loc.record });
    if (entry.revoke !== null) return;
    entry.revoke = this.keystore.withKey(loc.vaultId, (key) => seal(key, loc.recordId, encodeRevocationTransaction(loc.recordId)))!;
    this.#changes++;
  }

  /** Removes every revoked record of the vault; returns how many. */
  garbageCollect(vaultId: Uint8Array, vaultName: string): number {
    const vault = this.#vault(vaultId, vaultName);
    let removed = 0;
    for (const [rid, e] of vault.records) {
      if (e.revoke !== null) {
        wipe(e.bytes, e.revoke);
        vault.records.delete(rid);
        removed++;
      }
    }
    this.#changes += removed;
    return removed;
  }

  /**
   * A chain's access to this client through the use gate; `random` fills the hints' padding.
   * Call `release` when the chain ends, `rollback` first if it failed.
   */
  transaction(random: (n: number) => Uint8Array): Transaction {
    return new Transaction(this, (loc, fn) => this.#open(loc, fn), random);
  }

  /**
   * Opens the record into guarded memory, runs `fn` on it, then wipes it. `fn` may be async; the memory stays
   * open until its promise settles. The view is valid only inside `fn`. Private: only the gate calls it.
   */
  #open<T>(loc: Location, fn: (secret: Uint8Array) => T): T {
    const entry = this.#entry(loc);
    const plainLength = entry.blob.length - BOX_OVERHEAD;
    if (plainLength < entry.length) throw corrupt(loc);
    return enginePool.with(KEY_LENGTH + plainLength, (mem, masterCopy) => {
      const key = mem.subarray(0, KEY_LENGTH);
      const secret = mem.subarray(KEY_LENGTH, KEY_LENGTH + plainLength);
      this.keystore.openWith(masterCopy, loc.vaultId, key, loc.vaultKey);
      const ok = openInto(key, entry.blobId, entry.blob, secret);
      wipe(key);
      if (!ok) throw corrupt(loc);
      return fn(secret.subarray(0, entry.length));
    });
  }

  /** Every vault's records as (id, blob id, revoked): what sync compares. BlobIds change on every update. */
  hierarchy(): { vaultId: Uint8Array; records: { id: Uint8Array; blobId: Uint8Array; revoked: boolean }[] }[] {
    return [...this.#vaults.values()].map((v) => ({
      vaultId: v.id.slice(),
      records: [...v.records.values()].map((r) => ({ id: r.id.slice(), blobId: r.blobId.slice(), revoked: r.revoke !== null })),
    }));
  }

  /**
   * What a peer may have of a selection: its live records whose policy is exportable, sealed, with their vault
   * keys (the caller wipes them). The engine decides this, from each record's authenticated hint.
   */
  exportForPeer(selection: ReadonlyMap<string, ReadonlySet<string> | null>): ClientState {
    return this.exportSubset(selection, offeredToPeer);
  }

  /** Vault id (hex) → record id (hex) → blob id (hex) of what `exportForPeer` would give for `selection`. */
  peerHierarchy(selection: ReadonlyMap<string, ReadonlySet<string> | null>): Map<string, Map<string, string>> {
    const out = new Map<string, Map<string, string>>();
    for (const [vid, wanted] of selection) {
      const vault = this.#vaults.get(vid);
      if (!vault) continue;
      const records = new Map<string, string>();
      for (const r of vault.records.values()) {
        if ((wanted !== null && !wanted.has(hexOf(r.id))) || !offeredToPeer(r)) continue;
        records.set(hexOf(r.id), hexOf(r.blobId));
      }
      out.set(vid, records);
    }
    return out;
  }

  /**
   * The sealed records of a selection with their vault keys, in the persisted form (store left empty).
   * `selection` maps a VaultId (hex) to the RecordIds (hex) wanted, or null for all; absent ones are skipped.
   * Vault keys come out in clear: the caller wipes them.
   */
  exportSubset(selection: ReadonlyMap<string, ReadonlySet<string> | null>, keep: (r: StoredRecord) => boolean = () => true): ClientState {
    const full = { entries: [], scanFreq: null, createdAt: { secs: 0n, nanos: 0 }, lastScanAt: null };
    const state: ClientState = { id: this.id.slice(), keystore: [], vaults: [], store: full };
    for (const [vid, wanted] of selection) {
      const vault = this.#vaults.get(vid);
      if (!vault) continue;
      const key = new Uint8Array(KEY_LENGTH);
      this.keystore.withKey(vault.id, (k) => key.set(k));
      const records = [...vault.records.values()]
        .filter((r) => (wanted === null || wanted.has(hexOf(r.id))) && keep(r))
        .map((r) => ({ id: r.id.slice(), data: r.data.slice(), revoke: r.revoke?.slice() ?? null, blob: r.blob.slice() }));
      state.keystore.push({ vaultId: vault.id.slice(), key: Uint8Array.from(key) });
      state.vaults.push({ id: vault.id.slice(), key, records });
    }
    return state;
  }

  /**
   * Merges records exported by `exportSubset` (from this or another client): each is authenticated under
   * its source vault key, then re-sealed under this client's key for that vault (created if missing),
   * keeping its id, BlobId and hint. An existing record is replaced only when `replace` is true.
   * Source keys are wiped. Returns how many records were written. `fromPeer`: the records come from another
   * party, which may claim any hint under keys it chose, so only exportable records of kinds a caller could write
   * anyway are taken (never a non-exportable one, a FROST share or nonce, or an identity: those are single-use or
   * bound to this Stronghold, and bytes a peer knows must not pass for them).
   * @throws StrongholdError `CorruptPayload` if a record does not authenticate or (from a peer) is not one a peer
   *   may send (nothing is merged then)
   */
  mergeSubset(state: ClientState, options: { replace: boolean; fromPeer?: boolean }): number {
    try {
      // First authenticate everything, so a bad record merges nothing; secrets are opened in guarded memory only.
      const plan: { vault: VaultState; rec: RecordState; meta: RecordMeta }[] = [];
      for (const v of state.vaults) {
        const existing = this.#vaults.get(hexOf(v.id));
        for (const r of v.records) {
          if (!options.replace && existing?.records.has(hexOf(r.id))) continue;
          const tx = new Uint8Array(TRANSACTION_LENGTH);
          const meta = openInto(v.key, r.id, r.data, tx) ? decodeDataTransaction(r.id, tx) : null;
          const ok = meta !== null && r.blob.length - BOX_OVERHEAD >= meta.length &&
            enginePool.with(r.blob.length - BOX_OVERHEAD, (work) => openInto(v.key, meta.blobId, r.blob, work.subarray(0, r.blob.length - BOX_OVERHEAD)));
          if (!ok) throw corruptState('a merged record does not authenticate under its vault key');
          if (options.fromPeer && !peerMayProvide(meta.hint)) throw corruptState('a peer sent a record that is not exportable or of a kind no peer may provide');
          plan.push({ vault: v, rec: r, meta });
        }
      }
      for (const { vault: v, rec: r, meta } of plan) {
        if (!this.keystore.has(v.id)) this.keystore.insert(v.id);
        let vault = this.#vaults.get(hexOf(v.id));
        if (!vault) {
          vault = { id: v.id.slice(), records: new Map() };
          this.#vaults.set(hexOf(v.id), vault);
        }
        const plainLength = r.blob.length - BOX_OVERHEAD;
        const stored = enginePool.with(KEY_LENGTH + plainLength, (work, masterCopy) => {
          const key = work.subarray(0, KEY_LENGTH);
          const secret = work.subarray(KEY_LENGTH, KEY_LENGTH + plainLength);
          this.keystore.openWith(masterCopy, v.id, key);
          openInto(v.key, meta.blobId, r.blob, secret);
          const rec = StoredRecord.seal(key, r.id, meta.hint, secret.subarray(0, meta.length), meta.blobId);
          if (r.revoke !== null) rec.revoke = seal(key, r.id, encodeRevocationTransaction(r.id));
          return rec;
        });
        vault.records.set(hexOf(r.id), stored);
      }
      this.#changes += plan.length;
      return plan.length;
    } finally {
      for (const k of state.keystore) wipe(k.key);
      for (const v of state.vaults) wipe(v.key);
    }
  }

  /** Removes records outright (no revocation step); for applying a zone's or a peer's deletions. */
  removeRecords(ids: { vaultId: Uint8Array; recordId: Uint8Array }[]): void {
    for (const { vaultId, recordId } of ids) {
      const vault = this.#vaults.get(hexOf(vaultId));
      const rec = vault?.records.get(hexOf(recordId));
      if (vault && rec) {
        wipe(rec.bytes, rec.revoke);
        vault.records.delete(hexOf(recordId));
        this.#changes++;
      }
    }
  }

  /** The persisted form. Vault keys come out in clear: the caller encodes them and wipes `key` fields. */
  exportState(): ClientState {
    const keyOf = (vaultId: Uint8Array): Uint8Array => {
      const key = new Uint8Array(KEY_LENGTH);
      this.keystore.withKey(vaultId, (k) => key.set(k));
      return key;
    };
    return {
      id: this.id.slice(),
      keystore: this.keystore.vaultIds().map((vaultId) => ({ vaultId, key: keyOf(vaultId) })),
      vaults: [...this.#vaults.values()].map((v) => ({
        id: v.id,
        key: keyOf(v.id),
        records: [...v.records.values()].map((r) => ({ id: r.id, data: r.data, revoke: r.revoke, blob: r.blob })),
      })),
      store: this.store.exportState(),
    };
  }

  /**
   * Builds a client from its persisted form, checking every record against its vault key. The plaintext
   * vault keys in `state` are wiped. Throws CorruptPayload when the state is inconsistent.
   */
  static importState(state: ClientState, now: () => number = Date.now): ClientDb {
    const db = new ClientDb(state.id, now);
    try {
      const keys = new Map(state.keystore.map((k) => [hexOf(k.vaultId), k.key]));
      for (const v of state.vaults) {
        const fromKeystore = keys.get(hexOf(v.id));
        if (!fromKeystore || !equalBytes(fromKeystore, v.key)) throw corruptState('a vault key differs from its keystore entry');
        const records = new Map<string, StoredRecord>();
        for (const r of v.records) {
          if (r.data.length !== SEALED_TRANSACTION_LENGTH || (r.revoke !== null && r.revoke.length !== SEALED_TRANSACTION_LENGTH) || r.blob.length < BOX_OVERHEAD) {
            throw corruptState('a record has sealed boxes of the wrong size');
          }
          const tx = new Uint8Array(TRANSACTION_LENGTH);
          if (!openInto(v.key, r.id, r.data, tx)) throw corruptState('a record does not authenticate under its vault key');
          const meta = decodeDataTransaction(r.id, tx);
          if (!meta || meta.length > r.blob.length - BOX_OVERHEAD) throw corruptState('a record has a malformed data transaction');
          if (r.revoke !== null) {
            if (!openInto(v.key, r.id, r.revoke, tx) || !isRevocationTransaction(r.id, tx)) throw corruptState('a record has a malformed revocation');
          }
          records.set(hexOf(r.id), StoredRecord.from(r.id, meta, r.data, r.blob, r.revoke));
        }
        db.#vaults.set(hexOf(v.id), { id: v.id, records });
      }
      for (const k of state.keystore) db.keystore.insert(k.vaultId, Uint8Array.from(k.key));
      db.store = new Store(now, state.store);
      return db;
    } finally {
      for (const k of state.keystore) wipe(k.key);
      for (const v of state.vaults) wipe(v.key);
    }
  }

  /** Wipes everything this client holds. */
  clear(): void {
    this.keystore.clear();
    for (const v of this.#vaults.values()) for (const r of v.records.values()) wipe(r.bytes, r.revoke);
    this.#vaults.clear();
    this.store.clear();
  }
}

const PEER_KINDS_REFUSED = new Set(['frost-share', 'frost-nonce', 'p2p-identity', 'invalid']);

function peerMayProvide(hint: Uint8Array): boolean {
  const { kind, policy } = decodeHint(hint);
  return policy.exportable && !PEER_KINDS_REFUSED.has(kind);
}

function corrupt(loc: Location): StrongholdError {
  return new StrongholdError('CorruptRecord', `record '${loc.record}' in vault '${loc.vault}' failed to authenticate; the snapshot may be damaged`, {
    vault: loc.vault, record: loc.record,
  });
}

function corruptState(reason: string): StrongholdError {
  return new StrongholdError('CorruptPayload', `snapshot content is inconsistent: ${reason}`, { reason });
}
