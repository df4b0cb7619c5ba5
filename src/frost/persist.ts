/**
 * The nonce-safety rule, on the Stronghold side: a signature share leaves a participant only after the snapshot
 * in which its nonce handle is gone is on disk.
 *
 * FrostSign destroys the nonce record in memory before it computes the share (src/procedures/frost-sign.ts). A
 * `DurableFrostRunner` wraps the Stronghold's procedure runner: when a chain has a FROST step, it saves the
 * snapshot before the chain's outputs are returned to anyone (the local caller, or the p2p server that answers a
 * peer). So if the process dies before the save, the share dies with it and the reloaded snapshot still holds the
 * unused nonces; if it dies after, the reloaded snapshot holds no nonces for that handle. Either way, at most one
 * share per nonce pair is ever seen outside. A failed save is an error, and the share is not returned.
 * @module
 */
import type { ClientDb } from '../engine/db.js';
import type { ProcedureRunner } from '../client/client.js';
import { inlineRunner } from '../client/client.js';
import { Stronghold, type OpenOptions, type Password } from '../client/stronghold.js';
import { nativeProvider } from '../crypto/native.js';
import { invalidArgument } from '../errors.js';
import type { ProcedureCall } from '../procedures/types.js';

/**
 * The FROST steps whose effect must be durable before their result is released. Not FrostKeygen: the dealer's
 * copies are meant to be destroyed once delivered, never written to disk.
 */
const DURABLE = new Set(['FrostCommit', 'FrostSign', 'FrostShareImport']);

/** Test-only: called after a FROST chain ran and before its snapshot is saved (a crash point). */
export type BeforeSaveHook = (calls: readonly ProcedureCall[]) => Promise<void> | void;

export class DurableFrostRunner implements ProcedureRunner {
  readonly #inner: ProcedureRunner;
  #sh: Stronghold | null = null;
  #saving: Promise<void> = Promise.resolve();
  /** Test-only crash point; see `BeforeSaveHook`. */
  beforeSave: BeforeSaveHook | null = null;

  constructor(inner: ProcedureRunner) {
    this.#inner = inner;
  }

  /** Binds the Stronghold whose snapshot is saved. Until then (and for in-memory Strongholds) nothing is saved. */
  attach(sh: Stronghold): void {
    this.#sh = sh;
  }

  async run(db: ClientDb, calls: readonly ProcedureCall[]): Promise<unknown[]> {
    if (!calls.some((c) => DURABLE.has(c.procedure.type))) return this.#inner.run(db, calls);
    let outputs: unknown[];
    try {
      outputs = await this.#inner.run(db, calls);
    } catch (e) {
      // A failed FrostSign may still have consumed its handle: keep that too, but report the chain's error.
      await this.#save().catch(() => {});
      throw e;
    }
    await this.beforeSave?.(calls);
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
 * Stronghold that holds shares, also the one a p2p server serves. To run procedures in the secure zone, pass the
 * zone's runner as `runner`: it is wrapped.
 * @example const sh = await openFrostStronghold('alice.stronghold', password, { create: true })
 */
export async function openFrostStronghold(path: string, password: Password, options: OpenOptions = {}): Promise<Stronghold> {
  if (options.zone === 'process' && !options.runner) throw invalidArgument('zone', "'inline', or a runner (the zone's) passed as `runner`");
  const runner = new DurableFrostRunner(options.runner ?? inlineRunner(options.provider ?? nativeProvider));
  const sh = await Stronghold.open(path, password, { ...options, runner });
  runner.attach(sh);
  return sh;
}
