/**
 * Replays every saved fuzz input (test/fuzz-corpus/<target>/): each once made a parser crash, hang, throw an
 * untyped error or return an invalid result, and must now give a typed error or a valid result.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { corpusOf, judge } from './harness.js';
import { cleanupTargets, TARGETS } from './targets.js';

after(cleanupTargets);

describe('fuzz corpus', () => {
  for (const [name, target] of Object.entries(TARGETS)) {
    test(name, async (t) => {
      const why = await target.unavailable();
      if (why) {
        t.skip(why);
        return;
      }
      const entries = corpusOf(target);
      for (const { file, input } of entries) {
        const v = await judge(target, input);
        assert.ok(v.ok, `${name}/${file}: ${v.ok ? '' : `${v.kind}: ${v.message}`}`);
      }
      t.diagnostic(`${entries.length} saved inputs replayed`);
    });
  }
});
