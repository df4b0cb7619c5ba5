/**
 * Every fuzz target for a bounded number of inputs (CI). Every outcome must be a typed error or a valid
 * result within the target's time bound; a failure saves its shrunk input under test/fuzz-corpus/<target>/.
 * The seed is fixed so CI is reproducible; `FUZZ_SEED` and `FUZZ_RUNS` change it, and `npm run fuzz` runs for
 * as long as you like (docs/proof-suite.md).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fuzz } from './harness.js';
import { cleanupTargets, TARGETS } from './targets.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS: Record<string, number> = { snapshot: 3000, 'procedure-json': 3000, 'p2p-frames': 3000, 'firewall-rules': 3000, 'cli-args': 1000 };

after(cleanupTargets);

describe('fuzz targets', () => {
  for (const [name, target] of Object.entries(TARGETS)) {
    test(name, async (t) => {
      const why = await target.unavailable();
      if (why) {
        t.skip(why);
        return;
      }
      const runs = Number(process.env.FUZZ_RUNS ?? RUNS[name] ?? 300);
      const r = await fuzz(target, { runs, seed: SEED });
      t.diagnostic(`${r.runs} inputs, seed ${SEED}; outcomes ${JSON.stringify(r.outcomes)}`);
      if (r.failure) {
        const v = r.failure.verdict;
        assert.fail(`${name}: ${v.ok ? 'failed' : `${v.kind}: ${v.message}`} (seed ${r.failure.seed}${r.failure.path ? `, path ${r.failure.path}` : ''}${r.failure.saved ? `, saved ${r.failure.saved}` : ''})`);
      }
      assert.equal(r.runs, runs);
      // Evidence that inputs get past the first check: some are accepted, some are refused.
      assert.ok(Object.keys(r.outcomes).length >= 2, `${name}: only ${Object.keys(r.outcomes).join(', ')}`);
    });
  }
});
