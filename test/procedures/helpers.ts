/**
 * Shared set-up for the procedure tests: a fresh ClientDb per test, `run` over `runChain`, and the two
 * providers every suite runs against (the swap that issue 4 item 5 asks to prove).
 */
import { createHmac } from 'node:crypto';
import { runChain } from '../../src/exec/chain.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { ClientDb } from '../../src/engine/db.js';
import { Location } from '../../src/engine/location.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { peek } from '../engine-access.js';

export const PROVIDERS: readonly CryptoProvider[] = [nativeProvider, nobleProvider];

export interface Harness {
  db: ClientDb;
  provider: CryptoProvider;
  /** Runs one call, returns its output. */
  run<O>(call: ProcedureCall<any, O>): Promise<O>;
  run(call: ProcedureCall<any, any>): Promise<unknown>;
  chain(calls: ProcedureCall<any, any>[]): Promise<unknown[]>;
}

export function harness(provider: CryptoProvider): Harness {
  const db = new ClientDb(new Uint8Array(24).fill(7));
  return {
    db,
    provider,
    async run<O>(call: ProcedureCall<any, O>): Promise<O> {
      const [out] = await runChain(db, provider, [call]);
      return out as O;
    },
    chain: (calls) => runChain(db, provider, calls),
  };
}

/** A generic location in vault `v`. */
export const at = (record: string, vault = 'v'): Location => Location.generic(vault, record);

/** HMAC-SHA256 through node:crypto: the independent check of a stored key, compared with the Hmac procedure. */
export function nodeHmac(key: Uint8Array, msg: Uint8Array, hash = 'sha256'): string {
  return createHmac(hash, key).update(msg).digest('hex');
}

export const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Resolves to the thrown error (fails if nothing was thrown). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** The secret stored at `loc`, copied out through the test's view of the engine (test/engine-access.ts). */
export function stored(h: Harness, loc: Location): Uint8Array {
  return peek(h.db, loc, (s) => Uint8Array.from(s));
}
