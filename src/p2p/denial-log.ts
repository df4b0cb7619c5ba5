/**
 * The firewall's denial log, which a peer cannot turn into a flood (docs/spec/p2p-protocol.md §5.3).
 *
 * Denials come from peers that may be unknown and hostile, and cost them one request each, so logging every one
 * lets any peer that finished Noise write to the server's log as fast as it can send. Here each peer gets at most
 * `burst` lines per window; the rest of its denials in that window are counted, and one summary line per peer
 * gives the count when the window ends. Beyond `maxPeers` peers tracked in one window, the others share a single
 * bucket (peer `*`), so memory and lines per window stay bounded whatever number of peer ids an attacker mints.
 * Lines hold peer ids, request types, paths and reasons, never secret data (the firewall's `Denial`).
 * @module
 */
import type { Denial } from './firewall.js';

/** Lines per peer per window. Our choice: enough to see what a misconfigured caller tries, too few to flood. */
export const DEFAULT_DENIAL_BURST = 5;
/** The window, in milliseconds. Our choice: a summary every 10 s at most per flooding peer. */
export const DEFAULT_DENIAL_WINDOW_MS = 10_000;
/** Peers tracked in one window before the others share one bucket. Our choice: bounds memory and lines per window. */
export const DEFAULT_DENIAL_MAX_PEERS = 256;

/** `text`: one `key=value` line per event, for people; `json`: one JSON object per line, for machines. */
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface DenialLogInit {
  /** Receives each line, with its trailing newline. */
  write: (line: string) => void;
  format?: LogFormat;
  burst?: number;
  windowMs?: number;
  maxPeers?: number;
  /** The text form of one denial (default `key=value` fields); the JSON form always has every field. */
  describe?: (denial: Denial) => string;
  /** Clock in ms (injected by tests). */
  now?: () => number;
  /** Runs `fn` after `ms` (injected by tests); default an unreferenced timer, so it never keeps a process alive. */
  schedule?: (fn: () => void, ms: number) => void;
}

interface PeerWindow {
  start: number;
  logged: number;
  suppressed: number;
}

/** The bucket of the peers beyond `maxPeers` in one window. */
const OTHER_PEERS = '*';

const describeDefault = (d: Denial): string => `peer=${d.peer} request=${d.request} client=${JSON.stringify(d.client)} reason=${d.reason}`;

/** Denials aggregated per peer and rate-limited; pass `log.denied` as the firewall's `onDenied`. */
export class DenialLog {
  readonly #write: (line: string) => void;
  readonly #format: LogFormat;
  readonly #burst: number;
  readonly #windowMs: number;
  readonly #maxPeers: number;
  readonly #describe: (d: Denial) => string;
  readonly #now: () => number;
  readonly #schedule: (fn: () => void, ms: number) => void;
  readonly #peers = new Map<string, PeerWindow>();
  #flushPending = false;

  constructor(init: DenialLogInit) {
    this.#write = init.write;
    this.#format = init.format ?? 'text';
    this.#burst = init.burst ?? DEFAULT_DENIAL_BURST;
    this.#windowMs = init.windowMs ?? DEFAULT_DENIAL_WINDOW_MS;
    this.#maxPeers = init.maxPeers ?? DEFAULT_DENIAL_MAX_PEERS;
    this.#describe = init.describe ?? describeDefault;
    this.#now = init.now ?? Date.now;
    this.#schedule = init.schedule ?? ((fn, ms) => void setTimeout(fn, ms).unref());
  }

  /** Logs or counts one denial. */
  readonly denied = (d: Denial): void => {
    const now = this.#now();
    let key = d.peer;
    let w = this.#peers.get(key);
    if (w !== undefined && now - w.start >= this.#windowMs) {
      this.#summarise(key, w);
      this.#peers.delete(key);
      w = undefined;
    }
    // Windows that ended still hold their slots until flushed: free them before lumping a new peer in with others.
    if (w === undefined && this.#peers.size >= this.#maxPeers) this.flush();
    if (w === undefined && this.#peers.size >= this.#maxPeers) {
      key = OTHER_PEERS;
      w = this.#peers.get(key);
    }
    if (w === undefined) {
      w = { start: now, logged: 0, suppressed: 0 };
      this.#peers.set(key, w);
    }
    if (w.logged < this.#burst) {
      w.logged++;
      this.#emit(this.#format === 'json'
        ? JSON.stringify({ time: new Date(now).toISOString(), event: 'denied', ...d })
        : `stronghold: denied: ${this.#describe(d)}`);
      return;
    }
    w.suppressed++;
    this.#scheduleFlush();
  };

  /** A summary is due when a window with suppressed denials ends, even if that peer then goes quiet. */
  #scheduleFlush(): void {
    if (this.#flushPending) return;
    this.#flushPending = true;
    this.#schedule(() => {
      this.#flushPending = false;
      this.flush();
      for (const w of this.#peers.values()) if (w.suppressed > 0) return this.#scheduleFlush();
    }, this.#windowMs);
  }

  /** Writes the summaries of windows that have ended (all of them with `all`, as when the server stops). */
  flush(all = false): void {
    const now = this.#now();
    for (const [peer, w] of this.#peers) {
      if (!all && now - w.start < this.#windowMs) continue;
      this.#summarise(peer, w);
      this.#peers.delete(peer);
    }
  }

  #summarise(peer: string, w: PeerWindow): void {
    if (w.suppressed === 0) return;
    const seconds = Math.round(this.#windowMs / 1000);
    this.#emit(this.#format === 'json'
      ? JSON.stringify({ time: new Date(this.#now()).toISOString(), event: 'denials-suppressed', peer, count: w.suppressed, windowMs: this.#windowMs })
      : `stronghold: denied: peer=${peer} suppressed=${w.suppressed} (more denials than the ${this.#burst} logged per peer in ${seconds} s)`);
  }

  #emit(line: string): void {
    try {
      this.#write(`${line}\n`);
    } catch {
      // a failing log must not turn a denial into another error
    }
  }
}
