/**
 * Chained execution. `runChain` runs procedures in order over one `ClientDb`, through a `ProcedureContext`
 * that enforces record policies on every read and logs every write. Later steps see earlier outputs by
 * location; outputs are returned in order.
 *
 * On failure the chain is undone as far as the engine allows, then the error is thrown:
 * - every record the chain *created* is revoked and its vault garbage-collected (Rust only revokes, and
 *   forgets AesKeyWrapDecrypt and ConcatSecret outputs). Collecting a vault also removes records that were
 *   already revoked there before the chain: they were unusable anyway.
 * - every record the chain *overwrote* gets its previous secret and policy back. Before the first overwrite
 *   the old secret is copied into guarded memory (wiped and freed when the chain ends), because a failed
 *   chain should leave the vault as it found it, not destroy a key the caller had before.
 * - RevokeData and GarbageCollect steps that ran are not undone (as in Rust); a vault the chain created stays, empty.
 *
 * The error: a StrongholdError keeps its own `code` (InvalidArgument, PolicyViolation, RecordNotFound...),
 * with `details.step` (0-based) and `details.procedure` added and the original as `cause`, so callers switch
 * on the code they would get from a single procedure; record errors also get `details.field`. Anything else
 * becomes `ProcedureFailed`.
 * @module
 */
import { describePath } from '../assert.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { ClientDb } from '../engine/db.js';
import { vaultId } from '../engine/ids.js';
import { Location } from '../engine/location.js';
import { invalidArgument, isStrongholdError, StrongholdError } from '../errors.js';
import { GuardedPool, type GuardedBuffer } from '../memory/guarded.js';
import { checkUse, decodePolicy, encodePolicy } from '../procedures/policy.js';
import type { ProcedureCall, ProcedureContext, RecordPolicy } from '../procedures/types.js';

/** Holds the previous secrets of overwritten records while a chain runs; pooled, since allocations are scarce. */
const savedPool = new GuardedPool();

interface Written {
  loc: Location;
  /** The record that was there before the chain's first write to it, or null if the chain created it. */
  previous: { secret: GuardedBuffer; hint: Uint8Array } | null;
}

class ChainContext implements ProcedureContext {
  readonly provider: CryptoProvider;
  readonly #db: ClientDb;
  readonly #written = new Map<string, Written>();

  constructor(db: ClientDb, provider: CryptoProvider) {
    this.#db = db;
    this.provider = provider;
  }

  policyOf(loc: Location): RecordPolicy {
    return decodePolicy(this.#db.recordInfo(loc).hint);
  }

  use<T>(procedure: string, loc: Location, fn: (secret: Uint8Array) => T): T {
    checkUse(procedure, loc, this.policyOf(loc));
    return this.#db.use(loc, fn);
  }

  useMany<T>(procedure: string, locs: Location[], fn: (secrets: Uint8Array[]) => T): T {
    for (const loc of locs) checkUse(procedure, loc, this.policyOf(loc));
    return this.#db.useMany(locs, fn);
  }

  write(loc: Location, secret: Uint8Array, policy: RecordPolicy): void {
    const key = `${Buffer.from(loc.vaultId).toString('hex')}/${Buffer.from(loc.recordId).toString('hex')}`;
    const hint = encodePolicy(policy, this.provider.randomFill(new Uint8Array(15)));
    if (this.#written.has(key)) return this.#db.write(loc, secret, hint);
    const previous = this.#db.recordExists(loc) ? this.#save(loc) : null;
    try {
      this.#db.write(loc, secret, hint);
    } catch (e) {
      if (previous) savedPool.release(previous.secret);
      throw e;
    }
    this.#written.set(key, { loc, previous });
  }

  #save(loc: Location): { secret: GuardedBuffer; hint: Uint8Array } {
    const { hint, length } = this.#db.recordInfo(loc);
    const saved = savedPool.acquire(length);
    try {
      this.#db.use(loc, (s) => saved.write((m) => m.set(s)));
    } catch (e) {
      savedPool.release(saved);
      throw e;
    }
    saved.length = length;
    return { secret: saved, hint };
  }

  revoke(loc: Location): void {
    this.#db.revoke(loc);
  }

  garbageCollect(vaultPath: Uint8Array): number {
    return this.#db.garbageCollect(vaultId(vaultPath), describePath(vaultPath));
  }

  recordExists(loc: Location): boolean {
    return this.#db.recordExists(loc);
  }

  versionOf(loc: Location): string {
    return this.#db.recordVersion(loc);
  }

  /** Best effort: each undo step is independent, so one failure does not stop the others. */
  rollback(): void {
    const written = [...this.#written.values()];
    const vaults = new Map<string, Location>();
    for (const w of written) {
      if (w.previous) continue;
      try {
        this.#db.revoke(w.loc);
      } catch {
        // already gone (a later step revoked and collected it)
      }
      vaults.set(Buffer.from(w.loc.vaultId).toString('hex'), w.loc);
    }
    for (const loc of vaults.values()) {
      try {
        this.#db.garbageCollect(loc.vaultId, loc.vault);
      } catch {
        // vault vanished: nothing to collect
      }
    }
    for (const w of written) {
      if (!w.previous) continue;
      const { secret, hint } = w.previous;
      try {
        secret.read((s) => this.#db.write(w.loc, s, hint));
      } catch {
        // a later step revoked the record without collecting it; it stays revoked
      }
    }
  }

  /** Wipes and frees the saved copies of overwritten records. */
  release(): void {
    for (const w of this.#written.values()) if (w.previous) savedPool.release(w.previous.secret);
    this.#written.clear();
  }
}

/**
 * The input field (`privateKey`, `input.seed`...) holding the location an engine error names: the one with
 * that vault and record, or for VaultNotFound the first in that vault. Looks one object level deep.
 */
function fieldOf(input: unknown, vault: string, record: string | undefined): string | undefined {
  const entries = (o: unknown, prefix: string): [string, unknown][] =>
    typeof o === 'object' && o !== null && !(o instanceof Uint8Array) && !(o instanceof Location)
      ? Object.entries(o).map(([k, v]) => [`${prefix}${k}`, v])
      : [];
  for (const [path, v] of entries(input, '').flatMap(([k, v]) => [[k, v] as [string, unknown], ...entries(v, `${k}.`)])) {
    if (v instanceof Location && v.vault === vault && (record === undefined || v.record === record)) return path;
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
export async function runChain(db: ClientDb, provider: CryptoProvider, calls: readonly ProcedureCall[]): Promise<unknown[]> {
  if (!Array.isArray(calls)) throw invalidArgument('calls', 'an array of procedure calls');
  calls.forEach((c, i) => {
    if (typeof c?.procedure?.run !== 'function') throw invalidArgument(`calls[${i}]`, 'a procedure call built by a procedure builder or parseProcedure');
  });
  const ctx = new ChainContext(db, provider);
  const outputs: unknown[] = [];
  try {
    for (let step = 0; step < calls.length; step++) {
      const { procedure, input } = calls[step]!;
      try {
        outputs.push(await procedure.run(ctx, input));
      } catch (err) {
        ctx.rollback();
        throw atStep(err, step, procedure.type, input);
      }
    }
    return outputs;
  } finally {
    ctx.release();
  }
}
