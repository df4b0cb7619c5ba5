/**
 * Dealing a key set to participants' Strongholds (trusted dealer, RFC 9591 Appendix C).
 *
 * 1. Each receiver gives the X25519 public key of a key in its own vault (created there if missing, with
 *    GenerateKey: the secret never leaves it).
 * 2. The dealer runs FrostKeygen in its own vault, binding share i to receiver i's key.
 * 3. For each receiver: FrostShareExport seals share i to that key (ephemeral X25519, HKDF-SHA256,
 *    XChaCha20-Poly1305), and the receiver runs FrostShareImport, which opens it in its vault, checks it against
 *    the dealer's commitments and stores it non-exportable. Over p2p this travels inside Noise as well.
 * 4. The dealer checks each receiver's answer against the public package, then revokes and collects its own copies.
 *    The dealer's shares are never saved by this module; save the dealer's Stronghold afterwards if you keep it.
 *
 * If a receiver fails, the dealer's copies are destroyed all the same and the error names the receiver: the
 * ceremony is abandoned (shares already delivered belong to a key set fewer than n will ever hold).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { parseHex } from '../assert.js';
import type { Client } from '../client/client.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { frostKeygen } from '../procedures/frost-keygen.js';
import { bytesEqual, MAX_PARTICIPANTS, type FrostGroup } from '../procedures/frost-records.js';
import { frostShareExport } from '../procedures/frost-share-export.js';
import { FROST_KEY_PROCEDURES } from '../procedures/policy.js';
import { assertDistinct, type JsonLocation, type ProcedureExecutor } from './participant.js';

/** Where a receiver keeps its sealing key and the share it gets. */
export interface ShareReceiver {
  /** How errors name this receiver: a peer id, a multiaddr or a label. */
  readonly name: string;
  readonly exec: ProcedureExecutor;
  /** The receiver's X25519 key (created if missing); default `{vault: 'frost-keys', record: 'x25519'}`. */
  readonly key?: JsonLocation;
  /** Where the receiver stores its share; default `{vault: 'frost-shares', record: <group public key hex>}`. */
  readonly share?: JsonLocation;
}

/** Where one receiver stored its share. */
export interface DealtShare {
  name: string;
  identifier: number;
  /** Where the receiver stored it. */
  share: JsonLocation;
}

/** The public package and where each share went. */
export interface DealResult {
  group: FrostGroup;
  shares: DealtShare[];
}

/** A receiver's X25519 sealing key, unless `ShareReceiver.key` says otherwise. */
export const DEFAULT_KEY: JsonLocation = Object.freeze({ vault: 'frost-keys', record: 'x25519' });
/** The vault receivers store shares in (record: the group public key in hex), unless `ShareReceiver.share` says otherwise. */
export const DEFAULT_SHARE_VAULT = 'frost-shares';

function receiverError(name: string, step: string, e: unknown): StrongholdError<'RemoteError'> {
  const why = isStrongholdError(e) ? e.code : 'failed';
  return new StrongholdError('RemoteError', `receiver ${name} failed at ${step} (${why})`, { peer: name, reason: `${step}: ${why}` }, { cause: e });
}

/** The X25519 public key of `r`'s sealing key, created in its vault if missing. */
export async function sealingKey(r: ShareReceiver): Promise<Uint8Array> {
  const key = r.key ?? DEFAULT_KEY;
  const pub = { type: 'PublicKey', keyType: 'x25519', privateKey: key };
  let out: unknown;
  try {
    out = await r.exec.execute(pub);
  } catch (e) {
    if (!isStrongholdError(e, 'RecordNotFound') && !isStrongholdError(e, 'VaultNotFound')) throw receiverError(r.name, 'PublicKey', e);
    try {
      // Confined to the FROST procedures, which refuse a key that X25519DiffieHellman could also use.
      await r.exec.execute({ type: 'GenerateKey', keyType: 'x25519', output: key, policy: { allowed: FROST_KEY_PROCEDURES } });
      out = await r.exec.execute(pub);
    } catch (e2) {
      throw receiverError(r.name, 'GenerateKey', e2);
    }
  }
  try {
    return parseHex(out, { field: 'publicKey', length: 32 });
  } catch {
    throw receiverError(r.name, 'PublicKey', invalidArgument('publicKey', '32 bytes of hex'));
  }
}

/**
 * Deals a `threshold`-of-`receivers.length` key set from `dealer` to `receivers` (receiver i gets share i+1).
 * The dealer works in `options.dealerVault` (default: a fresh random name), which is emptied at the end.
 * @throws StrongholdError `InvalidArgument`, `RemoteError` naming the receiver
 */
export async function dealShares(dealer: Client, threshold: number, receivers: readonly ShareReceiver[], options: { dealerVault?: string } = {}): Promise<DealResult> {
  const n = receivers.length;
  if (n < 2 || n > MAX_PARTICIPANTS) throw invalidArgument('receivers', `2..${MAX_PARTICIPANTS} receivers, got ${n}`);
  if (!Number.isSafeInteger(threshold) || threshold < 2 || threshold > n) throw invalidArgument('threshold', `an integer 2..${n}`);
  assertDistinct(receivers, 'receivers');

  const recipients: Uint8Array[] = [];
  for (const [i, r] of receivers.entries()) {
    const key = await sealingKey(r);
    const same = recipients.findIndex((k) => bytesEqual(k, key));
    // One Stronghold reached twice would hold two shares: that is fewer independent participants than n.
    if (same >= 0) throw invalidArgument(`receivers[${i}]`, `distinct Strongholds (${r.name} has the sealing key of ${receivers[same]!.name})`);
    recipients.push(key);
  }

  const vault = options.dealerVault ?? `frost-dealer-${randomBytes(8).toString('hex')}`;
  const outputs = receivers.map((_, i) => ({ vault, record: `share-${i + 1}` }));
  const group = await dealer.execute(frostKeygen({ threshold, participants: n, outputs, recipients }));
  const gpk = Buffer.from(group.groupPublicKey).toString('hex');
  const shares: DealtShare[] = [];
  try {
    for (const [i, r] of receivers.entries()) {
      const sealed = await dealer.execute(frostShareExport({ share: outputs[i]! }));
      const share = r.share ?? { vault: DEFAULT_SHARE_VAULT, record: gpk };
      let info: unknown;
      try {
        info = await r.exec.execute({ type: 'FrostShareImport', sealed: Buffer.from(sealed).toString('hex'), key: r.key ?? DEFAULT_KEY, output: share });
      } catch (e) {
        throw receiverError(r.name, 'FrostShareImport', e);
      }
      const o = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>;
      const expected = Buffer.from(group.verifyingShares[i]!).toString('hex');
      if (o.identifier !== i + 1 || o.groupPublicKey !== gpk || o.verifyingShare !== expected) {
        throw receiverError(r.name, 'FrostShareImport', invalidArgument('result', 'the identifier, group key and verifying share dealt'));
      }
      shares.push({ name: r.name, identifier: i + 1, share });
    }
  } finally {
    for (const loc of outputs) dealer.vault(vault).revokeSecret(loc.record);
    dealer.garbageCollect(vault);
  }
  return { group, shares };
}
