/**
 * White-box access for tests that check what the engine stores: reads and writes through the use gate under a
 * test rule that accepts every kind. Only tests hold a ClientDb or call `useInternal`; the package exports
 * neither.
 */
import { useInternal, type Stronghold } from '../src/client/stronghold.js';
import type { ClientDb } from '../src/engine/db.js';
import type { Location } from '../src/engine/location.js';
import { RECORD_KINDS, type AccessRules, type PolicyRequest, type RecordKind } from '../src/engine/policy.js';
import { nativeProvider } from '../src/crypto/native.js';
import { randomOf } from '../src/exec/chain.js';

const ANY: AccessRules = {
  procedure: 'test', internal: true,
  reads: { record: [...RECORD_KINDS, 'invalid'] },
  writes: { record: { kind: 'unknown', exportable: true } },
};

const random = randomOf(nativeProvider);

/** Opens the record at `loc` of `db` for `fn`, whatever its kind and policy. */
export function peek<T>(db: ClientDb, loc: Location, fn: (secret: Uint8Array) => T): T {
  const tx = db.transaction(random);
  try {
    return tx.step(ANY).use('record', loc, fn);
  } finally {
    tx.release();
  }
}

/** Opens the record at `loc` of client `id` of `sh` for `fn`. */
export function peekIn<T>(sh: Stronghold, id: Uint8Array, loc: Location, fn: (secret: Uint8Array) => T): T {
  return useInternal(sh, id, ANY, loc, () => {
    throw new Error('peekIn: no record there');
  }, fn);
}

/** Writes `secret` at `loc` as a record of `kind` (unknown by default), as a procedure declaring it would. */
export function plant(db: ClientDb, loc: Location, secret: Uint8Array, kind: Exclude<RecordKind, 'invalid'> = 'unknown', request?: PolicyRequest): void {
  const tx = db.transaction(random);
  try {
    tx.step({ ...ANY, writes: { record: { kind, exportable: true } } }).write('record', loc, secret, request);
  } finally {
    tx.release();
  }
}
