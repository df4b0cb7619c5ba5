/**
 * The nonce-safety rule, on the Stronghold side: a nonce handle signs at most once, also across a crash.
 *
 * FrostSign destroys the nonce record (in memory) before it computes the share (src/procedures/frost-sign.ts);
 * only a save makes that durable. A `DurableFrostRunner` wraps the Stronghold's procedure runner, and for a chain
 * with FrostSign steps it:
 * 1. refuses a handle that carries a used mark (`RecordRevoked`);
 * 2. writes the used mark of every handle into the client's store, and saves the snapshot: the mark is on disk
 *    before any share exists;
 * 3. runs the chain (the nonces are revoked and collected, the share computed);
 * 4. saves again (the nonce bytes are now gone from the file too), and only then returns the outputs, to the local
 *    caller or to the p2p server that answers a peer.
 * A crash before 2 completes leaves no share; a crash at any later point leaves the mark, so a reloaded snapshot
 * never lets the handle sign again. A failed save is an error and nothing is returned. FrostCommit and
 * FrostShareImport results are saved before they are returned too (a handle or share the caller was told about
 * exists on disk).
 *
 * The marks live in the client's store under `stronghold-ts/frost-used/`: a peer that may write the store could
 * delete them, so a firewall should not grant a coordinator `store.write`.
 * @module
 */
import { checkRunner, inlineRunner, trustRunner, type ProcedureRunner, type RunOptions } from '../exec/runner.js';
import { Stronghold, type OpenOptions, type Password } from '../client/stronghold.js';
import { nativeProvider } from '../crypto/native.js';
import type { ClientDb } from '../engine/db.js';
import type { Location } from '../engine/location.js';
import { StrongholdError } from '../errors.js';
import type { FrostSignInput } from '../procedures/frost-sign.js';
import type { ProcedureCall } from '../procedures/types.js';

/**
 * The FROST steps whose effect must be durable before their result is released. Not FrostKeygen: the dealer's
 * copies are meant to be destroyed once delivered, never written to disk.
 */
const DURABLE = new Set(['FrostCommit', 'FrostSign', 'FrostShareImport']);

const MARK_PREFIX = 'stronghold-ts/frost-used/';
const markKey = (loc: Location): string => `${MARK_PREFIX}${loc.vaultKey}/${loc.recordKey}`;

/** Test-only crash points: each is awaited at that point of a FrostSign chain. */
export interface CrashPoints {
  /** After the used marks are on disk, before the chain runs. */
  afterMark?: () => Promise<void> | void;
  /** After the chain ran (the shares exist in memory), before the second save. */
  beforeSave?: () => Promise<void> | void;
}

/** A procedure runner that makes FROST steps durable before their results leave (see the module doc). */
export class DurableFrostRunner implements ProcedureRunner {
  readonly #inner: ProcedureRunner;
  #sh: Stronghold | null = null;
  #saving: Promise<void> = Promise.resolve();
  /** Test-only; see `CrashPoints`. */
  crashPoints: CrashPoints = {};

  constructor(inner: ProcedureRunner) {
    this.#inner = checkRunner(inner);
    trustRunner(this);
  }

  /** Binds the Stronghold whose snapshot is saved. Until then (and for in-memory Strongholds) nothing is saved. */
  attach(sh: Stronghold): void {
    this.#sh = sh;
  }

  async run(db: ClientDb, calls: readonly ProcedureCall[], options?: RunOptions): Promise<unknown[]> {
    if (!calls.some((c) => DURABLE.has(c.procedure.type))) return this.#inner.run(db, calls, options);
    const handles = calls.filter((c) => c.procedure.type === 'FrostSign').map((c) => (c.input as FrostSignInput).nonces);
    if (handles.length > 0) {
      const used = handles.find((loc) => db.store.has(markKey(loc)));
      if (used) {
        throw new StrongholdError('RecordRevoked', `FrostSign: the nonce handle '${used.record}' in vault '${used.vault}' was already used`, { vault: used.vault, record: used.record });
      }
      for (const loc of handles) db.store.insert(markKey(loc), Uint8Array.of(1));
      await this.#save();
      await this.crashPoints.afterMark?.();
    }
    let outputs: unknown[];
    try {
      outputs = await this.#inner.run(db, calls, options);
    } catch (e) {
      // The chain may have consumed its handles: keep that on disk too, but report the chain's error.
      await this.#save().catch(() => {});
      throw e;
    }
    await this.crashPoints.beforeSave?.();
    await this.#save();
    return outputs;
  }

  #save(): Promise<void> {
    const sh = this.#sh;
    if (!sh || sh.path === null) return Promise.resolve();
    // Saves run one after another; each starts after this chain's changes, so it includes them.
    const next = this.#saving.catch(() => {}).then(() => sh.save());
    this.#saving = next;
    return next;
  }

  async close(): Promise<void> {
    await this.#saving.catch(() => {});
    await this.#inner.close?.();
  }
}

/**
 * Opens a snapshot whose FROST steps are durable before they return (see the module doc). Use it for every
 * Stronghold that holds shares, also the one a p2p server serves. To run procedures in the secure zone, pass
 * `runner: processZone()`: it is wrapped (`sh.runner` is the `DurableFrostRunner`).
 * @example const sh = await openFrostStronghold('alice.stronghold', password, { create: true })
 */
export async function openFrostStronghold(path: string, password: Password, options: OpenOptions = {}): Promise<Stronghold> {
  const runner = new DurableFrostRunner(options.runner ?? inlineRunner(options.provider ?? nativeProvider));
  const sh = await Stronghold.open(path, password, { ...options, runner });
  runner.attach(sh);
  return sh;
}
