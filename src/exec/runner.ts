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

/** Where a Stronghold's procedures run. Made by `inlineRunner` or `processZone`; not implementable outside. */
export interface ProcedureRunner {
  /** @internal */
  run(db: ClientDb, calls: readonly ProcedureCall[]): Promise<unknown[]>;
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
    throw invalidArgument('runner', 'a runner made by inlineRunner() or processZone() (a runner receives every secret, so no other is accepted)');
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

/** Runs chains in this process with `provider` (`nativeProvider` or `nobleProvider`; in the browser build only `nobleProvider`). */
export function inlineRunner(provider: CryptoProvider = defaultProvider): ProcedureRunner {
  checkProvider(provider);
  return trustRunner({ run: (db: ClientDb, calls: readonly ProcedureCall[]) => runChain(db, provider, calls) });
}
