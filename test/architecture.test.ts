/**
 * The layers of docs/architecture.md, checked on the source: every import (static or dynamic) goes down the
 * table or stays in its own folder, so data flows one way and there is no cycle between layers. Layers of the
 * same rank (the zone, FROST and p2p, all above the client) do not import each other. The browser build (src/browser: storage
 * adapters, the worker zone, its entry) sits above the zone, whose wire form of calls it reuses, and below the facades.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Layer → rank, lowest first. `base` is src/errors.ts and src/assert.ts; `front` is src/index.ts; `platform` holds the
 * hash primitives that differ between Node and the browser build.
 */
const RANK: Record<string, number> = {
  base: 0, platform: 1, memory: 1, crypto: 2, snapshot: 2, engine: 3, procedures: 4, exec: 5, client: 6,
  zone: 7, frost: 7, p2p: 7, browser: 8, facades: 9, cli: 10, front: 11,
};

function layerOf(file: string): string {
  const rel = relative(SRC, file);
  if (!rel.includes('/')) return rel === 'index.ts' ? 'front' : 'base';
  return rel.split('/')[0]!;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('every import goes down the layers: no cycle, no upward arrow', () => {
  const wrong: string[] = [];
  for (const file of sources(SRC)) {
    const from = layerOf(file);
    assert.ok(from in RANK, `${relative(SRC, file)} is in no layer of the table`);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.[^'"]+)['"]/g)) {
      const to = layerOf(normalize(join(dirname(file), m[1]!)));
      if (to === from) continue;
      if (RANK[to]! >= RANK[from]!) wrong.push(`${relative(SRC, file)} (${from}) imports ${m[1]} (${to})`);
    }
  }
  assert.deepEqual(wrong, []);
});
