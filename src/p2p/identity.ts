/**
 * The persistent libp2p identity of a Stronghold: an Ed25519 seed stored in the snapshot itself, in client
 * `stronghold-p2p`, vault `identity`, record `ed25519`, as a non-exportable record that no procedure may use.
 * It is created on first use (marking the Stronghold as changed: save it to keep the peer id), so the peer id
 * is stable across restarts and the key is protected like every other secret while at rest.
 *
 * The seed is read only through the engine's use gate, under the identity's own rules, and handed to `@libp2p/crypto`, which keeps the
 * expanded key in an ordinary JS object for as long as the libp2p node runs: JS memory we cannot wipe or lock.
 * Remote requests may never name the identity client (the firewall refuses it whatever the rules say).
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey } from '@libp2p/interface';
import { useInternal, type Stronghold } from '../client/stronghold.js';
import { clientId } from '../engine/ids.js';
import { Location } from '../engine/location.js';
import { StrongholdError } from '../errors.js';
import type { AccessRules } from '../engine/policy.js';
import { secretBytes } from '../memory/guarded.js';
import { IDENTITY_CLIENT, IDENTITY_RECORD, IDENTITY_VAULT } from './constants.js';

const SEED_BYTES = 32;
const IDENTITY_LOCATION = Location.generic(IDENTITY_VAULT, IDENTITY_RECORD);

/**
 * The identity's own use of the gate: it reads only identity records (and `unknown`, as versions before record
 * kinds wrote it), and writes one that is never exportable and that no procedure may use.
 */
const IDENTITY_RULES: AccessRules = {
  procedure: 'p2p identity', internal: true,
  reads: { identity: ['p2p-identity', 'unknown'] },
  writes: { identity: { kind: 'p2p-identity', exportable: false, allowed: [] } },
};

/**
 * The Stronghold's libp2p private key, created and stored on first use.
 * @throws StrongholdError `Locked`, `CorruptRecord`
 * @example const key = await peerIdentity(sh); console.log(peerIdFromPrivateKey(key).toString())
 */
export async function peerIdentity(sh: Stronghold): Promise<PrivateKey> {
  // Only this module reaches the identity client, through the engine; the API refuses to load or create it.
  const path = new TextEncoder().encode(IDENTITY_CLIENT);
  const create = (): Uint8Array => {
    const seed = secretBytes(SEED_BYTES);
    randomFillSync(seed);
    return seed;
  };
  return useInternal(sh, clientId(path), IDENTITY_RULES, IDENTITY_LOCATION, create, async (seed) => {
    if (seed.length !== SEED_BYTES) {
      throw new StrongholdError('CorruptRecord', `the p2p identity record holds ${seed.length} bytes, not ${SEED_BYTES}`, { vault: IDENTITY_VAULT, record: IDENTITY_RECORD });
    }
    return generateKeyPairFromSeed('Ed25519', seed);
  });
}

/** True when `sh` already holds its p2p identity (so `peerIdentity` changes nothing). */
export function hasPeerIdentity(sh: Stronghold): boolean {
  return sh.hasClient(IDENTITY_CLIENT);
}

/** The peer id (base58) of the Stronghold's identity; creates the identity on first use. */
export async function peerIdOf(sh: Stronghold): Promise<string> {
  return peerIdFromPrivateKey(await peerIdentity(sh)).toString();
}
