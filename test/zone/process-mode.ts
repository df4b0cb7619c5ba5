/**
 * `node --import tsx --import ./test/zone/process-mode.ts --test test/procedures/*.test.ts` runs the procedure
 * suite with every chain in the secure zone: imports of test/procedures/helpers.js from the procedure tests
 * resolve to test/zone/zone-harness.ts instead. The tests themselves are unchanged.
 */
import { registerHooks } from 'node:module';

const zoneHarness = new URL('./zone-harness.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === './helpers.js' && context.parentURL?.includes('/test/procedures/')) return { url: zoneHarness, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
