/**
 * The decrypted content of a snapshot file, exactly as the Rust `SnapshotState` holds it
 * (docs/spec/snapshot-v3.md §7). Lists keep the order the file had, so decode then encode
 * reproduces the bytes; Rust's HashMaps have no order of their own.
 *
 * Vault keys appear here in clear, because the file holds them in clear (inside the encrypted payload).
 * The engine seals them under its master key as soon as a state is imported.
 * @module
 */

/** Rust `SystemTime` / `Duration` in bincode: u64 seconds, u32 nanoseconds. */
export interface Timestamp {
  secs: bigint;
  nanos: number;
}

export interface StoreEntryState {
  key: Uint8Array;
  value: Uint8Array;
  /** Absolute expiry time, or null for no expiry. */
  expiration: Timestamp | null;
}

/** The client's store: Rust `Cache<Vec<u8>, Vec<u8>>`. */
export interface StoreState {
  entries: StoreEntryState[];
  /** A Duration; always null in files written by Stronghold. */
  scanFreq: Timestamp | null;
  createdAt: Timestamp;
  lastScanAt: Timestamp | null;
}

/** A record as sealed boxes: data (152 bytes), optional revoke (152 bytes), blob (40 + secret length). */
export interface RecordState {
  /** 24-byte RecordId; also the map key in the file. */
  id: Uint8Array;
  data: Uint8Array;
  revoke: Uint8Array | null;
  blob: Uint8Array;
}

export interface VaultState {
  /** 24-byte VaultId. */
  id: Uint8Array;
  /** 32-byte vault key; Rust refuses a vault whose key differs from its keystore entry. */
  key: Uint8Array;
  records: RecordState[];
}

/** One entry of the client's keystore map. */
export interface KeystoreEntry {
  vaultId: Uint8Array;
  key: Uint8Array;
}

export interface ClientState {
  /** 24-byte ClientId. */
  id: Uint8Array;
  keystore: KeystoreEntry[];
  vaults: VaultState[];
  store: StoreState;
}

export interface SnapshotState {
  clients: ClientState[];
}
