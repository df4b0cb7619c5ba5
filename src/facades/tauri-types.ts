/**
 * The plain types of `@tauri-apps/plugin-stronghold` 2.x (`guest-js/index.ts`). The p2p ones (`NetworkConfig` and
 * what it holds) are left over from Stronghold's removed p2p layer: no plugin method takes them, but apps that
 * import them must still compile after the import swap, so they are declared here with the plugin's shapes.
 * @module
 */

/** The plugin's path and key types: a string, or bytes in any array-like form. */
export type ClientPath = string | Iterable<number> | ArrayLike<number> | ArrayBuffer;
export type VaultPath = ClientPath;
export type RecordPath = ClientPath;
export type StoreKey = ClientPath;

/** A duration as Rust's `std::time::Duration` serializes it. */
export interface Duration {
  /** Whole seconds. */
  secs: number;
  /** The fractional part in nanoseconds, 0 to 999,999,999. */
  nanos: number;
}

export interface ConnectionLimits {
  maxPendingIncoming?: number;
  maxPendingOutgoing?: number;
  maxEstablishedIncoming?: number;
  maxEstablishedOutgoing?: number;
  maxEstablishedPerPeer?: number;
  maxEstablishedTotal?: number;
}

export interface PeerAddress {
  known: string[];
  // The plugin's spelling: this field mirrors a Rust struct field.
  use_relay_fallback: boolean;
}

export interface AddressInfo {
  peers: Map<string, PeerAddress>;
  relays: string[];
}

export interface ClientAccess {
  useVaultDefault?: boolean;
  useVaultExceptions?: Map<VaultPath, boolean>;
  writeVaultDefault?: boolean;
  writeVaultExceptions?: Map<VaultPath, boolean>;
  cloneVaultDefault?: boolean;
  cloneVaultExceptions?: Map<VaultPath, boolean>;
  readStore?: boolean;
  writeStore?: boolean;
}

export interface Permissions {
  default?: ClientAccess;
  exceptions?: Map<VaultPath, ClientAccess>;
}

/** Not used by any method, as in the plugin; this library's p2p layer (`stronghold-ts/p2p`) has its own options. */
export interface NetworkConfig {
  requestTimeout?: Duration;
  connectionTimeout?: Duration;
  connectionsLimit?: ConnectionLimits;
  enableMdns?: boolean;
  enableRelay?: boolean;
  addresses?: AddressInfo;
  peerPermissions?: Map<string, Permissions>;
  permissionsDefault?: Permissions;
}
