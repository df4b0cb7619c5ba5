/**
 * Where procedure chains run: inline in this process, or in the secure zone (src/zone), or wrapped by a layer
 * that makes FROST steps durable (src/frost/persist.ts). A runner receives the engine of a client, so only
 * runners this package makes are accepted: each registers itself here, and a Stronghold refuses any other
 * object (an application's own runner would be handed every secret).
 * @module
 */
import { defaultProvider, KNOWN_PROVIDER_NAMES, knownProviders } from '../crypto/default.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { ClientDb } from '../engine/db.js';
import { invalidArgument } from '../errors.js';
import type { ProcedureCall } from '../procedures/types.js';
import { runChain } from './chain.js';

/** How one chain is run. */
export interface RunOptions {
  /**
   * A chain whose signal is aborted before it starts never starts: it fails with the signal's reason. A p2p
   * server aborts a request it answered with Timeout, so a chain still waiting for a zone does not run later.
   */
  signal?: AbortSignal;
  /** Whom the chain runs for (a peer id): a zone pool shares its zones among callers (src/zone/pool.ts). */
  caller?: string;
}

/** Where a Stronghold's procedures run. Made by `inlineRunner`, `processZone` or `zonePool`; not implementable outside. */
export interface ProcedureRunner {
  /** @internal */
  run(db: ClientDb, calls: readonly ProcedureCall[], options?: RunOptions): Promise<unknown[]>;
  /** Releases what the runner holds (a child process). */
  close?(): Promise<void>;
}

const trusted = new WeakSet<object>();

/** @internal Marks a runner of this package as one a Stronghold accepts. */
export function trustRunner<R extends ProcedureRunner>(runner: R): R {
  trusted.add(runner);
  return runner;
}

/** @internal The runner itself, if this package made it; InvalidArgument otherwise. */
export function checkRunner(runner: unknown): ProcedureRunner {
  if (typeof runner !== 'object' || runner === null || !trusted.has(runner)) {
    throw invalidArgument('runner', 'a runner made by inlineRunner(), processZone() or zonePool() (a runner receives every secret, so no other is accepted)');
  }
  return runner as ProcedureRunner;
}

/** The provider itself if it is one of this package's; a provider is handed every secret it works on. */
export function checkProvider(provider: unknown): CryptoProvider {
  if (!knownProviders.includes(provider as CryptoProvider)) {
    throw invalidArgument('provider', `${KNOWN_PROVIDER_NAMES} (a provider receives every secret it works on, so no other is accepted)`);
  }
  return provider as CryptoProvider;
}

/** Rejects with the signal's reason when it is aborted already: a chain that must not start. */
export function abortedBefore(options: RunOptions | undefined): Promise<never> | null {
  const signal = options?.signal;
  return signal?.aborted ? Promise.reject(signal.reason) : null;
}

/** Runs chains in this process with `provider` (`nativeProvider` or `nobleProvider`; in the browser build only `nobleProvider`). */
export function inlineRunner(provider: CryptoProvider = defaultProvider): ProcedureRunner {
  checkProvider(provider);
  return trustRunner({
    run: (db: ClientDb, calls: readonly ProcedureCall[], options?: RunOptions) => abortedBefore(options) ?? runChain(db, provider, calls),
  });
}
