/**
 * A signing participant as the coordinator sees it: a Stronghold reached through the JSON form of procedures,
 * either over `/stronghold/rpc/1.0.0` (a `RemoteClient`'s `json` is a `ProcedureExecutor`) or in this process
 * (`localExecutor`). The participant's share and nonces never leave its vault; what crosses is the commitment,
 * the signing package and the signature share, all public. Every answer is parsed strictly: it may come from a
 * peer.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { parseHex } from '../assert.js';
import type { Client } from '../client/client.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { bytesEqual, commitmentToJSON, identifier, type FrostCommitment } from '../procedures/frost-records.js';
import { parseProcedure, resultToJSON } from '../procedures/json.js';
import type { SignatureShare } from './public.js';

/** Runs one procedure in its JSON form and returns its JSON result. `RemoteClient.json` has this shape. */
export interface ProcedureExecutor {
  execute(procedure: Record<string, unknown>): Promise<unknown>;
}

/** A location in the JSON form (paths as text). */
export interface JsonLocation {
  vault: string;
  record: string;
}

/** The executor of a local client: the same JSON in and out as a remote peer. */
export function localExecutor(client: Client): ProcedureExecutor {
  return {
    async execute(json) {
      const call = parseProcedure(json);
      return resultToJSON(call, await client.execute(call));
    },
  };
}

/** Round one's answer: the commitment and the handle to sign with. */
export interface Committed {
  commitment: FrostCommitment;
  nonces: JsonLocation;
}

/** One participant of a signing session, as the coordinator drives it. */
export interface FrostParticipant {
  /** How errors name this participant: a peer id, a multiaddr or a label. */
  readonly name: string;
  commit(): Promise<Committed>;
  sign(nonces: JsonLocation, message: Uint8Array, commitments: readonly FrostCommitment[]): Promise<SignatureShare>;
  /** Revokes a handle that will not be signed with (an aborted session). */
  discard(nonces: JsonLocation): Promise<void>;
}

/** Where a participant keeps its share and nonce handles. */
export interface ParticipantInit {
  name: string;
  /** The location of the participant's share in its Stronghold. */
  share: JsonLocation;
  /** The vault for nonce handles; default `frost-nonces`. Keep it for nonces only: FrostSign collects it. */
  nonceVault?: string;
}

/** The vault of nonce handles, unless `ParticipantInit.nonceVault` says otherwise. */
export const DEFAULT_NONCE_VAULT = 'frost-nonces';

function object(value: unknown, peer: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(peer, what);
  return value as Record<string, unknown>;
}

/**
 * A commitment as RFC 9591 §3.1 DeserializeElement accepts it: a canonical point of the prime-order subgroup, not
 * the identity. Checked here so that a participant sending a bad point is named in round one, rather than making
 * every other participant fail in round two.
 */
function point(bytes: Uint8Array): Uint8Array {
  const p = ed25519.Point.fromBytes(bytes);
  if (p.is0() || !p.isTorsionFree() || !bytesEqual(p.toBytes(), bytes)) throw invalidArgument('commitment', 'a point of the prime-order subgroup');
  return bytes;
}

const malformed = (peer: string, what: string): StrongholdError<'RemoteError'> =>
  new StrongholdError('RemoteError', `${peer} answered ${what} with a malformed result`, { peer, reason: `malformed ${what} result` });

/** A participant driven through `exec`. Each `commit` picks a fresh random handle in the nonce vault. */
export function participant(exec: ProcedureExecutor, init: ParticipantInit): FrostParticipant {
  const { name, share } = init;
  const nonceVault = init.nonceVault ?? DEFAULT_NONCE_VAULT;
  return {
    name,
    async commit() {
      const nonces = { vault: nonceVault, record: randomBytes(16).toString('hex') };
      const out = object(await exec.execute({ type: 'FrostCommit', share, nonces }), name, 'FrostCommit');
      try {
        const commitment = {
          identifier: identifier(out.identifier, 'identifier', 'FrostCommit'),
          hiding: point(parseHex(out.hiding, { field: 'hiding', length: 32 })),
          binding: point(parseHex(out.binding, { field: 'binding', length: 32 })),
        };
        return { commitment, nonces };
      } catch {
        // The handle exists, but no session will sign with it.
        await exec.execute({ type: 'RevokeData', location: nonces, shouldGc: true }).catch(() => {});
        throw malformed(name, 'FrostCommit');
      }
    },
    async sign(nonces, message, commitments) {
      const out = object(await exec.execute({
        type: 'FrostSign', share, nonces, message: Buffer.from(message).toString('hex'), commitments: commitments.map(commitmentToJSON),
      }), name, 'FrostSign');
      try {
        return { identifier: identifier(out.identifier, 'identifier', 'FrostSign'), signatureShare: parseHex(out.signatureShare, { field: 'signatureShare', length: 32 }) };
      } catch {
        throw malformed(name, 'FrostSign');
      }
    },
    async discard(nonces) {
      await exec.execute({ type: 'RevokeData', location: nonces, shouldGc: true });
    },
  };
}

/** Throws unless every item is a distinct object with a distinct name (participants, receivers). */
export function assertDistinct(items: readonly { readonly name: string }[], field = 'participants'): void {
  const names = new Set<string>();
  for (const [i, p] of items.entries()) {
    if (names.has(p.name) || items.indexOf(p) !== i) throw invalidArgument(`${field}[${i}]`, `distinct entries ("${p.name.slice(0, 64)}" appears twice)`);
    names.add(p.name);
  }
}
