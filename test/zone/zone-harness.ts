/**
 * The procedure tests' harness with every chain run in the secure zone (`ZoneRunner.run` on the harness's
 * ClientDb) instead of inline. `process-mode.ts` swaps it in for test/procedures/helpers.ts, so the procedure
 * suite runs unchanged in process mode. The zone always uses the native provider, so only that provider's
 * round of each suite runs here (the noble round would repeat it exactly).
 */
import { nativeProvider } from '../../src/crypto/native.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { ZoneRunner } from '../../src/zone/host.js';
import { harness as inlineHarness, type Harness } from '../procedures/helpers.js';

export * from '../procedures/helpers.js';

export const PROVIDERS: readonly CryptoProvider[] = [nativeProvider];

/** One zone per test file (the next request after a crash starts a new one). */
export const zoneRunner = new ZoneRunner();

export function harness(provider: CryptoProvider): Harness {
  const h = inlineHarness(provider);
  const chain = (calls: ProcedureCall<any, any>[]): Promise<unknown[]> => zoneRunner.run(h.db, calls);
  return {
    db: h.db,
    provider,
    run: (async (call: ProcedureCall<any, any>) => (await chain([call]))[0]) as Harness['run'],
    chain,
  };
}
