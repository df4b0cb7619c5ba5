/**
 * The secure zone's wire protocol (docs/spec/zone-protocol.md): the sealed channel between host and zone,
 * and the envelope that carries one message with its binary attachments.
 *
 * Channel: each side makes an ephemeral X25519 key pair (the host before it starts the zone). The shared
 * secret goes through HKDF-SHA256 (salt = host public key || zone public key) into one key per direction.
 * Every frame is `version (1) || counter (8, LE) || XChaCha20-Poly1305(ciphertext || tag)` with the nonce
 * `0^16 || counter` and the first 9 bytes as associated data. A receiver accepts only the next counter, so a
 * replayed, reordered, dropped or forged frame fails, and the two directions never share a key, so a frame
 * cannot be reflected back to its sender. Any failure ends the channel: there is no resynchronisation.
 *
 * Envelope (the plaintext of a frame): `u32 LE json length || JSON || attachments`, where the JSON's
 * `blobs` field lists the attachment lengths in order. Secrets (vault keys, mnemonics, message bytes) travel
 * only as attachments, never as JSON text, because JavaScript strings cannot be wiped.
 * @module
 */
import { hkdfSync } from 'node:crypto';
import { StrongholdError } from '../errors.js';
import { GuardedBuffer, wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';

/** Protocol version: the first byte of every frame and the `v` of the hello. */
export const ZONE_PROTOCOL_VERSION = 1;
/** Largest frame either side sends or accepts (a whole touched vault travels in one frame). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Largest JSON part of an envelope: calls and metadata only, never secrets. */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;
/** Most attachments in one envelope. */
export const MAX_BLOBS = 4096;

const HEADER_BYTES = 9;
const TAG_BYTES = 16;
const NONCE_BYTES = 24;
const KEY_BYTES = 32;
const INFO = { hostToZone: 'stronghold-zone/1 host->zone', zoneToHost: 'stronghold-zone/1 zone->host' } as const;

export type Role = 'host' | 'zone';

function protocolError(reason: string): StrongholdError<'ProtocolError'> {
  return new StrongholdError('ProtocolError', `zone channel: ${reason}`, { reason });
}

/** An ephemeral X25519 key pair; the secret half lives in guarded memory. */
export class EphemeralKey {
  readonly publicKey: Uint8Array;
  readonly #secret: GuardedBuffer;

  private constructor(publicKey: Uint8Array, secret: GuardedBuffer) {
    this.publicKey = publicKey;
    this.#secret = secret;
  }

  static generate(): EphemeralKey {
    const secret = GuardedBuffer.alloc(KEY_BYTES);
    const publicKey = new Uint8Array(KEY_BYTES);
    secret.write((sk) => {
      sodium.randombytes_buf(sk);
      sodium.crypto_scalarmult_base(publicKey, sk);
    });
    secret.length = KEY_BYTES;
    return new EphemeralKey(publicKey, secret);
  }

  /**
   * The channel between this key and the peer's public key. Frees the secret half: a key pair makes one channel.
   * @throws StrongholdError `ProtocolError` for a malformed or low-order peer key
   */
  channel(role: Role, peerPublic: Uint8Array): SealedChannel {
    if (!(peerPublic instanceof Uint8Array) || peerPublic.length !== KEY_BYTES) throw protocolError('the peer public key is not 32 bytes');
    const keys = GuardedBuffer.alloc(2 * KEY_BYTES);
    try {
      keys.write((out) => {
        const shared = out.subarray(0, KEY_BYTES);
        // libsodium refuses (throws) when the result is all zero, i.e. for a low-order peer key.
        let ok = true;
        try {
          this.#secret.read((sk) => sodium.crypto_scalarmult(shared, sk, peerPublic));
        } catch {
          ok = false;
        }
        if (!ok || sodium.sodium_is_zero(shared)) throw protocolError('the peer public key has low order');
        const [hostPub, zonePub] = role === 'host' ? [this.publicKey, peerPublic] : [peerPublic, this.publicKey];
        const salt = Buffer.concat([hostPub, zonePub]);
        const derive = (info: string): Uint8Array => new Uint8Array(hkdfSync('sha256', shared, salt, info, KEY_BYTES));
        const h2z = derive(INFO.hostToZone);
        const z2h = derive(INFO.zoneToHost);
        // Layout: [send key | receive key], so both sides index the same way.
        out.set(role === 'host' ? h2z : z2h, 0);
        out.set(role === 'host' ? z2h : h2z, KEY_BYTES);
        wipe(h2z, z2h);
      });
      keys.length = 2 * KEY_BYTES;
    } catch (e) {
      keys.free();
      throw e;
    } finally {
      this.destroy();
    }
    return new SealedChannel(keys);
  }

  destroy(): void {
    this.#secret.free();
  }
}

/** One side of an established channel: seals outgoing frames, opens incoming ones in strict order. */
export class SealedChannel {
  readonly #keys: GuardedBuffer;
  /** The keys, readable for the channel's life; see the constructor. */
  readonly #view: Uint8Array;
  readonly #close: () => void;
  #sent = 0n;
  #received = 0n;
  #broken = false;
  readonly #nonce = new Uint8Array(NONCE_BYTES);

  /** @internal Use `EphemeralKey.channel`. */
  constructor(keys: GuardedBuffer) {
    this.#keys = keys;
    // The keys stay read-only (still mlocked, guard-paged and out of core dumps) while the channel lives, instead of
    // being opened per frame: four protection changes per request cost more than a signature here.
    let view: Uint8Array | null = null;
    let close: () => void = () => {};
    void keys.read((k) => {
      view = k;
      return new Promise<void>((resolve) => (close = resolve));
    });
    this.#view = view!;
    this.#close = close;
  }

  #nonceFor(counter: bigint): Uint8Array {
    new DataView(this.#nonce.buffer).setBigUint64(16, counter, true);
    return this.#nonce;
  }

  /** A frame carrying `plaintext` (the caller wipes its plaintext). */
  seal(plaintext: Uint8Array): Uint8Array {
    if (this.#broken || this.#keys.isFreed) throw protocolError('the channel is closed');
    const total = HEADER_BYTES + plaintext.length + TAG_BYTES;
    if (total > MAX_FRAME_BYTES) throw protocolError(`a frame of ${total} bytes exceeds ${MAX_FRAME_BYTES}`);
    const counter = this.#sent++;
    const frame = new Uint8Array(total);
    frame[0] = ZONE_PROTOCOL_VERSION;
    new DataView(frame.buffer).setBigUint64(1, counter, true);
    const body = frame.subarray(HEADER_BYTES, HEADER_BYTES + plaintext.length);
    const tag = frame.subarray(HEADER_BYTES + plaintext.length);
    const nonce = this.#nonceFor(counter);
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(body, tag, plaintext, frame.subarray(0, HEADER_BYTES), null, nonce, this.#view.subarray(0, KEY_BYTES));
    return frame;
  }

  /**
   * The plaintext of the next frame (the caller wipes it). Any failure closes the channel for good.
   * @throws StrongholdError `ProtocolError` (details.reason: malformed, version, replayed or reordered, forged)
   */
  open(frame: unknown): Uint8Array {
    if (this.#broken || this.#keys.isFreed) throw protocolError('the channel is closed');
    try {
      if (!(frame instanceof Uint8Array) || frame.length < HEADER_BYTES + TAG_BYTES || frame.length > MAX_FRAME_BYTES) throw protocolError('malformed frame');
      if (frame[0] !== ZONE_PROTOCOL_VERSION) throw protocolError(`unsupported frame version ${frame[0]}`);
      const counter = new DataView(frame.buffer, frame.byteOffset, frame.length).getBigUint64(1, true);
      if (counter !== this.#received) throw protocolError(counter < this.#received ? 'replayed frame' : 'reordered or dropped frame');
      const n = frame.length - HEADER_BYTES - TAG_BYTES;
      const plain = new Uint8Array(n);
      const nonce = this.#nonceFor(counter);
      try {
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(plain, null, frame.subarray(HEADER_BYTES, HEADER_BYTES + n),
          frame.subarray(HEADER_BYTES + n), frame.subarray(0, HEADER_BYTES), nonce, this.#view.subarray(KEY_BYTES));
      } catch {
        wipe(plain);
        throw protocolError('forged or corrupted frame');
      }
      this.#received++;
      return plain;
    } catch (e) {
      this.#broken = true;
      throw e;
    }
  }

  get isClosed(): boolean {
    return this.#broken || this.#keys.isFreed;
  }

  /** Wipes the keys. */
  destroy(): void {
    this.#close();
    this.#keys.free();
  }
}

/** A decoded envelope: the JSON message and its attachments (views into the plaintext). */
export interface Envelope<M = Record<string, unknown>> {
  msg: M;
  blobs: Uint8Array[];
}

/** Builds the plaintext of a frame: the JSON message (without secrets) and the attachments. The caller wipes it. */
export function encodeEnvelope(msg: Record<string, unknown>, blobs: readonly Uint8Array[]): Uint8Array {
  if (blobs.length > MAX_BLOBS) throw protocolError(`more than ${MAX_BLOBS} attachments`);
  const json = Buffer.from(JSON.stringify({ ...msg, blobs: blobs.map((b) => b.length) }), 'utf8');
  if (json.length > MAX_JSON_BYTES) throw protocolError(`a message of ${json.length} bytes exceeds ${MAX_JSON_BYTES}`);
  const out = new Uint8Array(4 + json.length + blobs.reduce((n, b) => n + b.length, 0));
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = 4 + json.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * Splits a frame's plaintext into the message and attachment views. Strict: lengths must add up exactly.
 * @throws StrongholdError `ProtocolError`
 */
export function decodeEnvelope(plain: Uint8Array): Envelope {
  if (plain.length < 4) throw protocolError('envelope too short');
  const jsonLength = new DataView(plain.buffer, plain.byteOffset, plain.length).getUint32(0, true);
  if (jsonLength > MAX_JSON_BYTES || 4 + jsonLength > plain.length) throw protocolError('envelope JSON length out of range');
  let msg: unknown;
  try {
    msg = JSON.parse(Buffer.from(plain.buffer, plain.byteOffset + 4, jsonLength).toString('utf8'));
  } catch {
    throw protocolError('envelope JSON does not parse');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw protocolError('envelope message is not an object');
  const lengths = (msg as { blobs?: unknown }).blobs;
  if (!Array.isArray(lengths) || lengths.length > MAX_BLOBS || !lengths.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw protocolError('envelope attachment list is malformed');
  }
  const blobs: Uint8Array[] = [];
  let at = 4 + jsonLength;
  for (const n of lengths as number[]) {
    if (at + n > plain.length) throw protocolError('an attachment runs past the envelope');
    blobs.push(plain.subarray(at, at + n));
    at += n;
  }
  if (at !== plain.length) throw protocolError('trailing bytes after the attachments');
  return { msg: msg as Record<string, unknown>, blobs };
}

/** The hello the zone sends in clear: its protocol version and ephemeral public key. */
export interface ZoneHello {
  t: 'hello';
  v: number;
  pub: string;
}

export function isZoneHello(m: unknown): m is ZoneHello {
  const h = m as Partial<ZoneHello> | null;
  return typeof h === 'object' && h !== null && h.t === 'hello' && typeof h.v === 'number' && typeof h.pub === 'string' && /^[0-9a-f]{64}$/.test(h.pub);
}

/** Test hooks the worker runs only when started with `STRONGHOLD_ZONE_TEST_HOOKS=1`. */
export const TEST_HOOKS = ['segv', 'write-file', 'read-file', 'spawn', 'worker', 'hang', 'retain-next'] as const;
export type TestHook = (typeof TEST_HOOKS)[number];
