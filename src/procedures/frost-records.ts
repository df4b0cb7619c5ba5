/**
 * What the FROST procedures share (RFC 9591, ciphersuite FROST(Ed25519, SHA-512), via `@noble/curves`):
 * the vault record layouts of a signing share and of a nonce pair, the commitment list of the JSON form,
 * the sealing of a share to its participant, and the test-only randomness hook.
 *
 * Share record (non-exportable; usable by FrostCommit, FrostSign and FrostShareExport):
 * | bytes       | content                                                                |
 * |-------------|------------------------------------------------------------------------|
 * | 0..4        | magic `46 52 53 01` ("FRS", version 1)                                 |
 * | 4, 5, 6     | identifier, threshold t (MIN_PARTICIPANTS), n (MAX_PARTICIPANTS)       |
 * | 7..39       | signing share (scalar, little-endian)                                  |
 * | 39..71      | the participant's X25519 public key the share may be sealed to (zeros: none) |
 * | 71..71+32t  | the dealer's VSS commitments; the first is the group public key        |
 * | then 32n    | version 2 only (`46 52 53 02`, a share of the key generation): each participant's X25519 key, the only keys the repair messages of this share are sealed to |
 *
 * Nonce record (non-exportable; usable by FrostSign only; revoked and collected by the first FrostSign):
 * | 0..4 magic `46 52 4e 01` ("FRN") | 4 identifier | 5..37 group public key | 37..69 hiding | 69..101 binding | 101..133 tag |
 * The tag is HMAC-SHA512 (first 32 bytes) keyed with the signing share over a label, the handle's vault and record
 * ids and bytes 0..101: only FrostCommit, holding the share, can make a record FrostSign accepts. Without it, a peer
 * allowed to write the nonce vault (as FrostCommit's output requires) could plant nonces it knows and read the share
 * off the signature share.
 * @module
 */
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { describePath, parseHex, toHex } from '../assert.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { Location } from '../engine/location.js';
import { invalidArgument } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import * as f from './fields.js';

/** Largest n: identifiers are one byte in the records. Our choice; RFC 9591 allows up to the group order. */
export const MAX_PARTICIPANTS = 255;

const SHARE_MAGIC = [0x46, 0x52, 0x53, 0x01] as const;
const SHARE_V2 = 0x02;
const NONCE_MAGIC = [0x46, 0x52, 0x4e, 0x01] as const;
const SHARE_HEADER = 71;
const NONCE_BODY = 101;
/** The length of a nonce record: body and tag. */
export const NONCE_RECORD_BYTES = NONCE_BODY + 32;
const NONCE_TAG_LABEL = new TextEncoder().encode('stronghold-ts FROST nonces v1');
const NO_RECIPIENT = new Uint8Array(32);

/** A participant's round-one commitment: public. */
export interface FrostCommitment {
  identifier: number;
  hiding: Uint8Array;
  binding: Uint8Array;
}

/** The public package of a key set (what FrostKeygen returns and the coordinator needs). */
export interface FrostGroup {
  threshold: number;
  participants: number;
  groupPublicKey: Uint8Array;
  /** The dealer's VSS commitments (t points); `commitments[0]` is the group public key. */
  commitments: Uint8Array[];
  /** Verifying share of participant i at index i-1. */
  verifyingShares: Uint8Array[];
}

/** The share record, decoded. `signingShare` is a view into the opened record, valid inside `use` only. */
export interface ShareRecord {
  identifier: number;
  threshold: number;
  participants: number;
  signingShare: Uint8Array;
  recipient: Uint8Array | null;
  commitments: Uint8Array[];
  /** The X25519 keys of participants 1..n that the key generation used (version 2), or null (a dealt share). */
  peers?: Uint8Array[] | null;
}

/** noble's identifier: the scalar as hex. */
export const idOf = (n: number): string => ed25519_FROST.Identifier.fromNumber(n);

export type Rng = (n?: number) => Uint8Array<ArrayBuffer>;
let testRandomness: ((n: number) => Uint8Array) | null = null;

/**
 * Test-only: replaces the randomness of FrostKeygen, FrostCommit and the share sealing (null restores it),
 * so that the RFC 9591 vectors can be reproduced. Never reachable from the JSON form or a peer.
 */
export function setFrostRandomnessForTests(rng: ((n: number) => Uint8Array) | null): void {
  testRandomness = rng;
}

/** The random source the procedures use: the provider's, unless a test replaced it. */
export function frostRng(provider: CryptoProvider): Rng {
  return (n = 32) => (testRandomness ? Uint8Array.from(testRandomness(n)) : (provider.randomFill(new Uint8Array(n)) as Uint8Array<ArrayBuffer>));
}

/** A share record's bytes (the caller wipes them). */
export function encodeShare(s: ShareRecord): Uint8Array {
  const peers = s.peers ?? [];
  const out = new Uint8Array(SHARE_HEADER + 32 * s.commitments.length + 32 * peers.length);
  out.set(SHARE_MAGIC, 0);
  if (s.peers) out[3] = SHARE_V2;
  out[4] = s.identifier;
  out[5] = s.threshold;
  out[6] = s.participants;
  out.set(s.signingShare, 7);
  out.set(s.recipient ?? NO_RECIPIENT, 39);
  s.commitments.forEach((c, i) => out.set(c, SHARE_HEADER + 32 * i));
  peers.forEach((k, i) => out.set(k, SHARE_HEADER + 32 * (s.commitments.length + i)));
  return out;
}

/** Reads a share record (views into `secret`); a record of another shape is InvalidArgument naming `field`. */
export function decodeShare(secret: Uint8Array, field: string, procedure: string): ShareRecord {
  const bad = (): never => {
    throw invalidArgument(field, 'a FROST share record (written by FrostKeygen or FrostShareImport)', procedure);
  };
  if (secret.length < SHARE_HEADER + 64 || SHARE_MAGIC.some((b, i) => i < 3 && secret[i] !== b)) bad();
  const v2 = secret[3] === SHARE_V2;
  if (!v2 && secret[3] !== SHARE_MAGIC[3]) bad();
  const [identifier, threshold, participants] = [secret[4]!, secret[5]!, secret[6]!];
  if (threshold < 2 || participants < threshold || identifier < 1 || identifier > participants) bad();
  const peersAt = SHARE_HEADER + 32 * threshold;
  if (secret.length !== peersAt + (v2 ? 32 * participants : 0)) bad();
  const recipient = secret.subarray(39, 71);
  return {
    identifier, threshold, participants,
    signingShare: secret.subarray(7, 39),
    recipient: recipient.every((b) => b === 0) ? null : Uint8Array.from(recipient),
    commitments: Array.from({ length: threshold }, (_, i) => Uint8Array.from(secret.subarray(SHARE_HEADER + 32 * i, SHARE_HEADER + 32 * (i + 1)))),
    peers: v2 ? Array.from({ length: participants }, (_, i) => Uint8Array.from(secret.subarray(peersAt + 32 * i, peersAt + 32 * (i + 1)))) : null,
  };
}

/** noble's public package for a share record (verifying shares are not needed to sign). */
export function publicOf(s: ShareRecord): { signers: { min: number; max: number }; commitments: Uint8Array[]; verifyingShares: Record<string, Uint8Array> } {
  return { signers: { min: s.threshold, max: s.participants }, commitments: s.commitments, verifyingShares: {} };
}

/** The tag of a nonce record body at `handle`, keyed with the signing share. */
function nonceTag(provider: CryptoProvider, signingShare: Uint8Array, handle: Location, body: Uint8Array): Uint8Array {
  const data = new Uint8Array(NONCE_TAG_LABEL.length + handle.vaultId.length + handle.recordId.length + body.length);
  let at = 0;
  for (const part of [NONCE_TAG_LABEL, handle.vaultId, handle.recordId, body]) {
    data.set(part, at);
    at += part.length;
  }
  const mac = provider.hmac('sha512', signingShare, data);
  wipe(data);
  const tag = mac.slice(0, 32);
  wipe(mac);
  return tag;
}

/** A nonce record for the share (identifier, group key, signing share) at `handle`. The caller wipes it. */
export function encodeNonces(provider: CryptoProvider, share: ShareRecord, handle: Location, hiding: Uint8Array, binding: Uint8Array): Uint8Array {
  const out = new Uint8Array(NONCE_RECORD_BYTES);
  out.set(NONCE_MAGIC, 0);
  out[4] = share.identifier;
  out.set(share.commitments[0]!, 5);
  out.set(hiding, 37);
  out.set(binding, 69);
  out.set(nonceTag(provider, share.signingShare, handle, out.subarray(0, NONCE_BODY)), NONCE_BODY);
  return out;
}

/**
 * Reads the nonce record at `handle` into fresh copies of the two nonces (the caller wipes them), after checking
 * that `share` wrote it there; anything else is InvalidArgument `nonces`.
 */
export function decodeNonces(provider: CryptoProvider, secret: Uint8Array, share: ShareRecord, handle: Location, procedure: string): { hiding: Uint8Array; binding: Uint8Array } {
  const bad = (): never => {
    throw invalidArgument('nonces', 'a nonce handle that FrostCommit made with this share', procedure);
  };
  if (secret.length !== NONCE_RECORD_BYTES || NONCE_MAGIC.some((b, i) => secret[i] !== b)) bad();
  const tag = nonceTag(provider, share.signingShare, handle, secret.subarray(0, NONCE_BODY));
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= tag[i]! ^ secret[NONCE_BODY + i]!;
  if (diff !== 0) bad();
  // The tag covers these, so they only fail for a record of another key set that shares this share's bytes.
  if (secret[4] !== share.identifier || !bytesEqual(secret.subarray(5, 37), share.commitments[0]!)) bad();
  return { hiding: Uint8Array.from(secret.subarray(37, 69)), binding: Uint8Array.from(secret.subarray(69, 101)) };
}

/** An identifier 1..MAX_PARTICIPANTS. */
export function identifier(value: unknown, field: string, procedure: string): number {
  return f.int(value, field, procedure, 1, MAX_PARTICIPANTS);
}

/** A 32-byte encoded point (not decoded here: noble rejects invalid points when it uses them). */
export const point = (value: unknown, field: string, procedure: string): Uint8Array => f.bytes(value, field, procedure, { length: 32 });

/**
 * A commitment list: 1..MAX_PARTICIPANTS entries with distinct identifiers. Returned sorted by identifier,
 * the order RFC 9591 §4.3 encodes.
 */
export function commitmentList(value: unknown, field: string, procedure: string, fromJson: boolean): FrostCommitment[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARTICIPANTS) {
    throw invalidArgument(field, `an array of 1..${MAX_PARTICIPANTS} commitments {"identifier", "hiding", "binding"}`, procedure);
  }
  const seen = new Set<number>();
  const list = value.map((v: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(at, 'an object {"identifier", "hiding", "binding"}', procedure);
    const o = v as f.Json;
    if (fromJson) f.onlyFields(o, ['identifier', 'hiding', 'binding'], procedure);
    const id = identifier(o.identifier, `${at}.identifier`, procedure);
    if (seen.has(id)) throw invalidArgument(`${at}.identifier`, `distinct identifiers (${id} appears twice)`, procedure);
    seen.add(id);
    const bytesOf = (k: 'hiding' | 'binding'): Uint8Array => (fromJson ? parseHex(o[k], { field: `${at}.${k}`, procedure, length: 32 }) : point(o[k], `${at}.${k}`, procedure));
    return { identifier: id, hiding: bytesOf('hiding'), binding: bytesOf('binding') };
  });
  return list.sort((a, b) => a.identifier - b.identifier);
}

/** A commitment in the JSON form. */
export const commitmentToJSON = (c: FrostCommitment): { identifier: number; hiding: string; binding: string } => ({
  identifier: c.identifier, hiding: hex(c.hiding), binding: hex(c.binding),
});

/** Lowercase hex of public bytes. */
export const hex = toHex;

/** noble's form of a commitment list. */
export const toNoble = (list: readonly FrostCommitment[]): { identifier: string; hiding: Uint8Array; binding: Uint8Array }[] =>
  list.map((c) => ({ identifier: idOf(c.identifier), hiding: c.hiding, binding: c.binding }));

/** scalar · B, encoded: the verifying share of a signing share, the commitment of a nonce. Public. */
export function timesBase(scalar: Uint8Array): Uint8Array {
  return ed25519.Point.BASE.multiply(ed25519_FROST.utils.Fn.fromBytes(scalar)).toBytes();
}

/** Equality of public bytes (early exit: never use on secrets). */
export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, k) => x === b[k]);

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** A path as the JSON form has it: UTF-8 text (a path that is not UTF-8 shows as `0x` hex, for reading only). */
function pathJSON(path: Uint8Array): string {
  try {
    return utf8.decode(path);
  } catch {
    return describePath(path);
  }
}

/** A Location in the JSON form. */
export const locationJSON = (loc: Location): { vault: string; record: string } | { vault: string; counter: number } =>
  loc.recordPath ? { vault: pathJSON(loc.vaultPath), record: pathJSON(loc.recordPath) } : { vault: pathJSON(loc.vaultPath), counter: loc.counter! };

// Sealing to a participant: ephemeral X25519, HKDF-SHA256, XChaCha20-Poly1305 (docs/threshold.md). A share export
// uses SEAL_INFO and no context; the DKG and repair messages use their own labels and bind their session as context.
const SEAL_INFO = new TextEncoder().encode('stronghold-ts FROST share v1');
const SEAL_OVERHEAD = 32 + 24 + 16;
const NO_CONTEXT = new Uint8Array(0);

function sealKey(provider: CryptoProvider, shared: Uint8Array, epk: Uint8Array, rpk: Uint8Array, info: Uint8Array): Uint8Array {
  const salt = new Uint8Array(64);
  salt.set(epk, 0);
  salt.set(rpk, 32);
  return provider.hkdf('sha256', shared, salt, info, 32);
}

const sealAad = (rpk: Uint8Array, info: Uint8Array, context: Uint8Array): Uint8Array => {
  const aad = new Uint8Array(info.length + 32 + context.length);
  aad.set(info, 0);
  aad.set(rpk, info.length);
  aad.set(context, info.length + 32);
  return aad;
};

/**
 * `epk || nonce || ciphertext || tag`: `plaintext` encrypted to the X25519 public key `rpk`, under the label `info`
 * and bound to `context` (both must be given again to open it). `rng` supplies the ephemeral key and the nonce.
 */
export function sealBytes(provider: CryptoProvider, rng: Rng, rpk: Uint8Array, plaintext: Uint8Array, procedure: string, info: Uint8Array, context: Uint8Array): Uint8Array {
  const esk = rng(32);
  try {
    const epk = provider.x25519PublicKey(esk);
    const shared = provider.x25519(esk, rpk);
    if (!shared) throw invalidArgument('recipient', 'an X25519 public key that is not of low order', procedure);
    const key = sealKey(provider, shared, epk, rpk, info);
    wipe(shared);
    const nonce = rng(24);
    const { ciphertext, tag } = provider.aeadEncrypt('xchacha20poly1305', key, nonce, plaintext, sealAad(rpk, info, context));
    wipe(key);
    const out = new Uint8Array(SEAL_OVERHEAD + ciphertext.length);
    out.set(epk, 0);
    out.set(nonce, 32);
    out.set(ciphertext, 56);
    out.set(tag, 56 + ciphertext.length);
    return out;
  } finally {
    wipe(esk);
  }
}

/** Opens what `sealBytes` made, with the receiver's X25519 secret key; null when it does not authenticate. The caller wipes the result. */
export function openBytes(provider: CryptoProvider, sk: Uint8Array, sealed: Uint8Array, info: Uint8Array, context: Uint8Array): Uint8Array | null {
  if (sealed.length < SEAL_OVERHEAD) return null;
  const rpk = provider.x25519PublicKey(sk);
  const epk = sealed.subarray(0, 32);
  const shared = provider.x25519(sk, epk);
  if (!shared) return null;
  const key = sealKey(provider, shared, epk, rpk, info);
  wipe(shared);
  const ct = sealed.subarray(56, sealed.length - 16);
  try {
    return provider.aeadDecrypt('xchacha20poly1305', key, sealed.subarray(32, 56), ct, sealed.subarray(sealed.length - 16), sealAad(rpk, info, context));
  } finally {
    wipe(key);
  }
}

/** The length of `sealBytes` over `n` bytes. */
export const sealedLength = (n: number): number => SEAL_OVERHEAD + n;

/** `epk || nonce || ciphertext || tag`: the share record encrypted to the X25519 public key `rpk`. */
export function sealTo(provider: CryptoProvider, rpk: Uint8Array, record: Uint8Array, procedure: string): Uint8Array {
  return sealBytes(provider, frostRng(provider), rpk, record, procedure, SEAL_INFO, NO_CONTEXT);
}

/** Opens a sealed share with the receiver's X25519 secret key; null when it does not authenticate. The caller wipes the result. */
export function openSealed(provider: CryptoProvider, sk: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  return openBytes(provider, sk, sealed, SEAL_INFO, NO_CONTEXT);
}

/** Smallest and largest sealed share (t = 2 and t = MAX_PARTICIPANTS). */
export const SEALED_MIN = SEAL_OVERHEAD + SHARE_HEADER + 64;
export const SEALED_MAX = SEAL_OVERHEAD + SHARE_HEADER + 32 * MAX_PARTICIPANTS;
