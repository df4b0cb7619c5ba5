/**
 * The client's stream multiplexer: one stream to the server carries many requests, each with its own id, and
 * the answers are matched back by id in any order. A request that gets no answer within its time fails with
 * `Timeout`; when the stream fails or closes, every request on it fails with the reason, and the channel takes
 * no more (remote.ts then opens a new one). A frame whose request gave up before it was written is never sent.
 * @module
 */
import type { Stream } from '@libp2p/interface';
import { isStrongholdError, StrongholdError } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { MAX_REQUEST_ID } from './constants.js';
import { encodeFrame, parseResponse, protocolError, requestHeader, type RequestBody, type RequestType } from './messages.js';
import { readFrames, writeFrame } from './frames.js';

/** A response's result and blob (empty when none). */
export interface Answer {
  result: unknown;
  blob: Uint8Array;
}

interface Pending {
  resolve(a: Answer): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

/** One stream to the server and the requests in flight on it. */
export class Channel {
  readonly #stream: Stream;
  readonly #maxMessageBytes: number;
  readonly #pending = new Map<number, Pending>();
  readonly #peer: string;
  #nextId = 1;
  #writes: Promise<void> = Promise.resolve();
  failed: StrongholdError | null = null;

  constructor(stream: Stream, peer: string, maxMessageBytes: number) {
    this.#stream = stream;
    this.#peer = peer;
    this.#maxMessageBytes = maxMessageBytes;
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    try {
      for await (const frame of readFrames(this.#stream, this.#maxMessageBytes)) {
        const res = parseResponse(frame);
        if (!res.ok && res.id === null) {
          this.#stream.abort(res.error);
          return this.#fail(res.error);
        }
        const id = res.id as number;
        const p = this.#pending.get(id);
        if (!p) continue;
        this.#pending.delete(id);
        clearTimeout(p.timer);
        if (res.ok) p.resolve({ result: res.result, blob: res.blob });
        else p.reject(res.error);
      }
    } catch (e) {
      this.#stream.abort(e instanceof Error ? e : new Error('malformed response'));
      return this.#fail(isStrongholdError(e) ? (e as StrongholdError) : protocolError('malformed response'));
    }
    this.#fail(new StrongholdError('RemoteError', 'the connection to the server closed', { peer: this.#peer, reason: 'stream closed' }));
  }

  #fail(err: StrongholdError): void {
    this.failed ??= err;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
  }

  request(type: RequestType, body: RequestBody, blob: Uint8Array | undefined, timeoutMs: number): Promise<Answer> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.#nextId;
    this.#nextId = this.#nextId >= MAX_REQUEST_ID ? 1 : this.#nextId + 1;
    const frame = encodeFrame(requestHeader(id, type, body), blob);
    // A frame still queued when its request gives up is never sent (it would go out wiped).
    let abandoned = false;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new StrongholdError('Timeout', `no answer to ${type} within ${timeoutMs} ms`, { operation: type, ms: timeoutMs }));
      }, timeoutMs).unref();
      this.#pending.set(id, { resolve, reject, timer });
      this.#writes = this.#writes.then(() => (abandoned ? undefined : writeFrame(this.#stream, frame))).catch((e: unknown) => {
        this.#fail(new StrongholdError('RemoteError', 'could not send to the server', { peer: this.#peer, reason: 'write failed' }, { cause: e }));
      });
    }).finally(() => {
      abandoned = true;
      // The frame may hold a secret; it has been handed to the stream by now, or it never will be.
      if (blob) wipe(frame);
    });
  }

  async close(): Promise<void> {
    await this.#writes;
    await this.#stream.close().catch(() => this.#stream.abort(new Error('close failed')));
  }
}
