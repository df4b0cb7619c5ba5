/**
 * Shared set-up of the DKG, refresh and repair tests: one ClientDb per participant with an X25519 key, the relay a
 * coordinator does between the rounds (through the procedures only), the vault fingerprint that shows a refused
 * step changed nothing, and a provider whose 64-byte draws (the DKG's scalars, and only those) come from a queue:
 * the test-only randomness. Production code cannot reach it: a Stronghold accepts only nativeProvider or
 * nobleProvider, and the procedures draw nothing but from their context's provider.
 */
import assert from 'node:assert/strict';
import { runChain } from '../../src/exec/chain.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { ClientDb } from '../../src/engine/db.js';
import type { Location } from '../../src/engine/location.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { FROST_KEY_PROCEDURES } from '../../src/procedures/policy.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { frostDkgRound1 } from '../../src/procedures/frost-dkg-round1.js';
import { frostDkgRound2, type FrostDkgRound2Output } from '../../src/procedures/frost-dkg-round2.js';
import { frostDkgRound3, type FrostDkgRound3Output } from '../../src/procedures/frost-dkg-round3.js';
import type { DkgRound1Package } from '../../src/procedures/frost-dkg-records.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { at } from '../procedures/helpers.js';

export const KEY = at('x25519', 'frost-keys');
export const STATE = at('dkg', 'frost-dkg');
export const SHARE = at('share', 'frost-shares');

export interface Party {
  id: number;
  db: ClientDb;
  provider: CryptoProvider;
  pk: Uint8Array;
  run<O>(call: ProcedureCall<any, O>): Promise<O>;
}

/** A provider that answers 64-byte requests from `draws` (each a 32-byte scalar, padded to 64) and the rest from `base`. */
export function scalarQueue(base: CryptoProvider, draws: Uint8Array[]): CryptoProvider & { left(): number } {
  return {
    ...base,
    name: `${base.name}+queue`,
    randomFill(out: Uint8Array): Uint8Array {
      if (out.length !== 64 || draws.length === 0) return base.randomFill(out);
      const next = draws.shift()!;
      out.fill(0);
      out.set(next, 0);
      return out;
    },
    left: () => draws.length,
  };
}

export async function parties(n: number, provider: (id: number) => CryptoProvider): Promise<Party[]> {
  const out: Party[] = [];
  for (let id = 1; id <= n; id++) {
    const db = new ClientDb(new Uint8Array(24).fill(id));
    const p = provider(id);
    const run = async <O>(call: ProcedureCall<any, O>): Promise<O> => (await runChain(db, p, [call]))[0] as O;
    await run(generateKey({ keyType: 'x25519', output: KEY, policy: { allowed: FROST_KEY_PROCEDURES } }));
    const pk = await run(publicKey({ keyType: 'x25519', privateKey: KEY }));
    out.push({ id, db, provider: p, pk, run });
  }
  return out;
}

export async function round1(ps: Party[], t: number, n: number, opts: { refresh?: boolean; state?: Location } = {}): Promise<DkgRound1Package[]> {
  const members = ps.map((p) => p.id);
  const recipients = ps.map((p) => p.pk);
  const out: DkgRound1Package[] = [];
  for (const p of ps) out.push(await p.run(frostDkgRound1({ identifier: p.id, threshold: t, participants: n, members, recipients, refresh: opts.refresh ?? false, state: opts.state ?? STATE })));
  return out;
}

export const others = (r1: DkgRound1Package[], id: number): DkgRound1Package[] => r1.filter((p) => p.identifier !== id);

export async function round2(ps: Party[], r1: DkgRound1Package[]): Promise<FrostDkgRound2Output[]> {
  const out: FrostDkgRound2Output[] = [];
  for (const p of ps) out.push(await p.run(frostDkgRound2({ state: STATE, packages: others(r1, p.id) })));
  return out;
}

export const sharesFor = (r2: FrostDkgRound2Output[], id: number): { from: number; sealed: Uint8Array }[] =>
  r2.flatMap((o) => o.shares.filter((s) => s.to === id).map((s) => ({ from: s.from, sealed: s.sealed })));

export async function round3(ps: Party[], r1: DkgRound1Package[], r2: FrostDkgRound2Output[], opts: { refresh?: boolean; output?: Location } = {}): Promise<FrostDkgRound3Output[]> {
  const out: FrostDkgRound3Output[] = [];
  for (const p of ps) {
    out.push(await p.run(frostDkgRound3({
      state: STATE, key: KEY, packages: others(r1, p.id), shares: sharesFor(r2, p.id), output: opts.output ?? SHARE,
      ...(opts.refresh ? { share: SHARE } : {}),
    })));
  }
  return out;
}

/** The whole key generation among `ps`. */
export async function dkg(ps: Party[], t: number): Promise<FrostDkgRound3Output[]> {
  const r1 = await round1(ps, t, ps.length);
  return round3(ps, r1, await round2(ps, r1));
}

/** Every record of the client with its blob id and revocation, and the change counter: equal iff nothing changed. */
export function fingerprint(db: ClientDb): string {
  const hx = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  return JSON.stringify({ changes: db.changes, vaults: db.hierarchy().map((v) => [hx(v.vaultId), v.records.map((r) => [hx(r.id), hx(r.blobId), r.revoked]).sort()]).sort() });
}

/** The error `p` rejects with (fails if it resolves). */
export async function refused(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a refusal');
}
