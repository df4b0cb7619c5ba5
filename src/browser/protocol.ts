/**
 * The messages between a page and its zone worker (zone-worker.ts). Structured clone is the process boundary:
 * what crosses it is copied, so the worker's memory is out of the page's reach. Arguments and results use the
 * zone's wire form (src/zone/calls.ts): bytes as `{"$b": index}` attachments, locations as `{vault, record}`.
 * The worker sends back only what the client API returns, and the API returns no secret.
 * @module
 */
import type { StrongholdErrorJSON } from '../errors.js';

/** How the page names the storage the worker opens (adapters hold handles that cannot be cloned). */
export type StorageSpec = { kind: 'memory' } | { kind: 'opfs' } | { kind: 'indexeddb'; database?: string };

/**
 * A password hashed in the worker with Argon2id (RFC 9106) and a 32-byte salt kept beside the snapshot in its
 * storage (`salt`, created on first use), so the key is made where it is used: the Tauri plugin's `with_argon2`.
 */
export interface Argon2Spec {
  salt: string;
  /** Salt bytes to store as `salt` first (an existing app's salt file), replacing what is there. */
  saltBytes?: Uint8Array;
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

/** Page → worker. `target` is `stronghold`, `client` or `store`; `client` names the client for the latter two. */
export interface WorkerRequest {
  id: number;
  target: 'stronghold' | 'client' | 'store';
  method: string;
  client?: unknown;
  args: unknown;
  blobs: Uint8Array[];
  /** A `.stronghold` file for `open` (a Blob crosses as itself, not in the wire form). */
  file?: Blob;
}

/** Worker → page: a reply to request `id`, a progress report during its key derivation, or a lock event. */
export type WorkerMessage =
  | { t: 'reply'; id: number; ok: true; value: unknown; blobs: Uint8Array[] }
  | { t: 'reply'; id: number; ok: false; error: StrongholdErrorJSON }
  | { t: 'progress'; id: number; progress: { phase: string; workFactor: number; elapsedMs: number; fraction?: number } }
  | { t: 'locked'; reason: 'idle' };

/** Default idle time before the worker locks itself: 5 minutes. Our choice, as password managers do. */
export const DEFAULT_IDLE_LOCK_MS = 5 * 60_000;
