/**
 * Chained execution. `runChain` runs procedures in order over one client, each step through the engine's use
 * gate under that procedure's declared rules (engine/gate.ts), so a step can open only the records its fields
 * accept and writes only what its rules say. Later steps see earlier outputs by location; outputs are returned
 * in order.
 *
 * Only calls that a procedure builder or the JSON parser made, of procedures in the catalogue, run: an object
 * shaped like a procedure never gets a context.
 *
 * On failure the chain is undone as far as the engine allows (the gate's rollback: created records are revoked
 * and collected, overwritten ones get their previous secret and hint back; RevokeData and GarbageCollect steps
 * stay done, as in Rust), then the error is thrown: a StrongholdError keeps its own `code` (InvalidArgument,
 * PolicyViolation, RecordNotFound...), with `details.step` (0-based) and `details.procedure` added and the
 * original as `cause`, so callers switch on the code they would get from a single procedure; record errors also
 * get `details.field`. Anything else becomes `ProcedureFailed`.
 * @module
 */
import { describePath } from '../assert.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { ClientDb } from '../engine/db.js';
import type { Step, Transaction } from '../engine/gate.js';
import type { PolicyRequest } from '../engine/policy.js';
import { vaultId } from '../engine/ids.js';
import { Location } from '../engine/location.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { isCall } from '../procedures/fields.js';
import { isRegistered } from '../procedures/registry.js';
import type { Procedure, ProcedureContext } from '../procedures/types.js';

const randoms = new WeakMap<CryptoProvider, (n: number) => Uint8Array>();

/** Fresh random bytes from `provider` (for hint padding), one function per provider. */
export function randomOf(provider: CryptoProvider): (n: number) => Uint8Array {
  let random = randoms.get(provider);
  if (!random) randoms.set(provider, (random = (n) => provider.randomFill(new Uint8Array(n))));
  return random;
}

/** One step's context: the gate's step for this procedure, and the transaction's record operations. */
class StepContext implements ProcedureContext {
  readonly provider: CryptoProvider;
  readonly #tx: Transaction;
  readonly #step: Step;

  constructor(tx: Transaction, procedure: Procedure, provider: CryptoProvider) {
    this.provider = provider;
    this.#tx = tx;
    this.#step = tx.step(procedure.rules);
  }

  use<T>(access: string, loc: Location, fn: (secret: Uint8Array) => T): T {
    return this.#step.use(access, loc, fn);
  }

  useMany<T>(reads: readonly (readonly [string, Location])[], fn: (secrets: Uint8Array[]) => T): T {
    return this.#step.useMany(reads, fn);
  }

  write(access: string, loc: Location, secret: Uint8Array, request?: PolicyRequest): void {
    this.#step.write(access, loc, secret, request);
  }

  revoke(loc: Location): void {
    this.#tx.revoke(loc);
  }

  garbageCollect(vaultPath: Uint8Array): number {
    return this.#tx.garbageCollect(vaultId(vaultPath), describePath(vaultPath));
  }

  recordExists(loc: Location): boolean {
    return this.#tx.recordExists(loc);
  }

  versionOf(loc: Location): string {
    return this.#tx.versionOf(loc);
  }
}

/**
 * The input field (`privateKey`, `input.seed`...) holding the location an engine error names: the one with
 * that vault and record, or for VaultNotFound the first in that vault. Looks one object level deep.
 */
function fieldOf(input: unknown, vault: string, record: string | undefined): string | undefined {
  const entries = (o: unknown, prefix: string): [string, unknown][] =>
    typeof o === 'object' && o !== null && !(o instanceof Uint8Array) && !Location.is(o)
      ? Object.entries(o).map(([k, v]) => [`${prefix}${k}`, v])
      : [];
  for (const [path, v] of entries(input, '').flatMap(([k, v]) => [[k, v] as [string, unknown], ...entries(v, `${k}.`)])) {
    if (Location.is(v) && v.vault === vault && (record === undefined || v.record === record)) return path;
  }
  return undefined;
}

const RECORD_ERRORS = new Set(['RecordNotFound', 'RecordRevoked', 'VaultNotFound', 'CorruptRecord']);

/**
 * Adds the failing step to the error, keeping its code (see the module comment). Engine errors about a
 * record also get `details.field`, the input field that named it.
 */
function atStep(err: unknown, step: number, procedure: string, input: unknown): StrongholdError {
  if (isStrongholdError(err)) {
    const d = err.details as { vault?: string; record?: string; field?: string };
    let field = d.field;
    if (field === undefined && RECORD_ERRORS.has(err.code) && d.vault !== undefined) {
      field = fieldOf(input, d.vault, d.record);
    }
    const details = { ...(err.details as object), step, procedure, ...(field === undefined ? {} : { field }) } as never;
    return new StrongholdError(err.code, `step ${step} (${procedure}): ${err.message}`, details, { cause: err });
  }
  const reason = err instanceof Error ? err.name : 'unknown error';
  return new StrongholdError('ProcedureFailed', `step ${step} (${procedure}) failed: ${reason}`, { procedure, step, reason }, { cause: err });
}

/**
 * Runs `calls` in order against `db`; returns one output per call. On failure, undoes the chain's writes
 * and throws the step's error with `details.step` and `details.procedure`.
 */
export async function runChain(db: ClientDb, provider: CryptoProvider, calls: readonly unknown[]): Promise<unknown[]> {
  if (!Array.isArray(calls)) throw invalidArgument('calls', 'an array of procedure calls');
  calls.forEach((c, i) => {
    if (!isCall(c) || !isRegistered(c.procedure)) throw invalidArgument(`calls[${i}]`, 'a procedure call built by a procedure builder or parseProcedure');
  });
  const tx = db.transaction(randomOf(provider));
  const outputs: unknown[] = [];
  try {
    for (let step = 0; step < calls.length; step++) {
      const { procedure, input } = calls[step] as { procedure: Procedure; input: unknown };
      try {
        outputs.push(await procedure.run(new StepContext(tx, procedure, provider), input));
      } catch (err) {
        tx.rollback();
        throw atStep(err, step, procedure.type, input);
      }
    }
    return outputs;
  } finally {
    tx.release();
  }
}
