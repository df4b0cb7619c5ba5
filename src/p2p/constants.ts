/**
 * Protocol id and limits of the Stronghold remote protocol (docs/spec/p2p-protocol.md). Each limit is a
 * default that `ServeInit` / `RemoteInit` may override; the comment says where the number comes from.
 * @module
 */

/** The protocol id, negotiated by multistream-select. Rust used `/stronghold-p2p/1.0.0` with another wire format. */
export const PROTOCOL = '/stronghold/rpc/1.0.0';

/**
 * Largest frame either side reads, in bytes. Our choice: a 1 MiB secret (`MAX_SECRET_BYTES`) plus its JSON
 * header fits, and a sync batch is split to stay below it. Rust had no limit (`usize::MAX`), a memory DoS.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Largest JSON header inside a frame. Our choice: headers hold paths, hex messages and results, not bulk data. */
export const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * Requests a peer may have in flight on a server, over all its streams. Our choice: enough for a client that
 * pipelines (16 in the benchmark), small enough that one peer cannot hold every CPU slot.
 */
export const DEFAULT_MAX_IN_FLIGHT = 32;

/**
 * Procedures in one `execute` request from a peer. Our choice: the library's own bound (`MAX_CHAIN_LENGTH`, 256)
 * lets one request carry 256 signatures over the largest header; a peer that needs more sends more requests,
 * each of which waits its turn against the per-peer budget.
 */
export const DEFAULT_MAX_CHAIN_LENGTH = 64;

/**
 * PBKDF2-HMAC iterations one `execute` request may ask for, summed over its chain (Pbkdf2Hmac's `count`, 2048
 * per BIP-39 seed; `Procedure.cost`). Our choice: above OWASP's 2023 advice for PBKDF2-HMAC-SHA256 (600,000),
 * about half a second of one core. The library itself accepts up to 2^31 - 1, hours of CPU.
 */
export const DEFAULT_MAX_KDF_ITERATIONS = 1_000_000;

/**
 * Milliseconds of execution one peer may use per budget window while other peers have requests waiting.
 * Execution time is the time the peer had at least one request past the firewall and not yet answered, so
 * pipelining does not count twice. Our choice: half of the window, so two busy peers each get at least half;
 * a peer alone on the server is never refused.
 */
export const DEFAULT_PEER_BUDGET_MS = 5_000;

/** The window `DEFAULT_PEER_BUDGET_MS` is counted over, in milliseconds. Our choice. */
export const DEFAULT_BUDGET_WINDOW_MS = 10_000;

/** Time a server gives one request, the firewall included. Rust's builder default was 10 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Time an "ask" rule waits for the application's answer before denying. Rust's firewall timeout was 10 s. */
export const DEFAULT_ASK_TIMEOUT_MS = 10_000;

/** Streams of our protocol a peer may open on one connection. Our choice: a client needs one; a few spare for reconnects. */
export const MAX_INBOUND_STREAMS = 8;

/**
 * Bytes of answers a server queues on one stream that the peer has not read yet; past it the server reads no
 * further request from that stream until they drain. Our choice: 1 MiB (one answer of any size still goes out),
 * so a peer that never reads holds about that, the transport's window and its requests in flight per stream.
 */
export const MAX_UNSENT_BYTES = 1024 * 1024;

/** Milliseconds a server waits for a stream to take an answer before it aborts the stream. Our choice: the request time. */
export const WRITE_STALL_MS = 10_000;

/**
 * Denied requests per second a peer may cause, after a burst of `DENIED_PEER_BURST`, before the server reads its
 * next request only once its bucket has refilled (limits.ts `DeniedPeerThrottle`); a peer's bucket is forgotten
 * after `DENIED_PEER_MEMORY_MS` without use. Allowed requests take nothing. Our choice: a peer with a wrong rule
 * still gets its denials at once, and a flood of denied requests costs the server about 20 a second.
 */
export const DENIED_PEER_RATE = 20;
export const DENIED_PEER_BURST = 20;
export const DENIED_PEER_MEMORY_MS = 10_000;

/** Largest request id; ids are JSON numbers, so they stay exact below 2^53, and u32 is plenty. */
export const MAX_REQUEST_ID = 0xffff_ffff;

/** Records per sync export request, halved when a batch would exceed the frame limit. Our choice. */
export const SYNC_BATCH_RECORDS = 256;

/** Where a Stronghold keeps its libp2p identity: a non-exportable Ed25519 seed. Remote requests may never touch it. */
export { IDENTITY_CLIENT } from '../client/stronghold.js';
export const IDENTITY_VAULT = 'identity';
export const IDENTITY_RECORD = 'ed25519';
