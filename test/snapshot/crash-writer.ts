/**
 * Child process for the crash-safety test in file.test.ts (not a test itself). Started with
 * `fork(thisFile, [path, first], { execArgv: ['--import', 'tsx'] })`, it takes the writer lock of `path`
 * and saves versions first, first + 1, ... with `writeFileAtomic` until it is killed, reporting each
 * completed save to the parent. `versionBytes(n)` is deterministic, so the parent can recompute any version.
 * @module
 */
import { writeFileAtomic, acquireSnapshotLock } from '../../src/snapshot/file.js';
import { writeSnapshot } from '../../src/snapshot/codec.js';
import type { SnapshotState } from '../../src/snapshot/state.js';

/** The snapshot key of every version (not a secret: test data). */
export const CRASH_KEY = new Uint8Array(32).fill(0x42);

function filled(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i * 131) & 0xff;
  return out;
}

/** Version n: a W = 0 snapshot whose store says n, with a size between 1 KB and ~150 KB (one to three age chunks). */
export async function versionBytes(n: number): Promise<Uint8Array> {
  const label = new Uint8Array(4);
  new DataView(label.buffer).setUint32(0, n);
  const state: SnapshotState = {
    clients: [{
      id: filled(24, 1),
      keystore: [],
      vaults: [],
      store: {
        entries: [{ key: Uint8Array.from([0x6e, ...label]), value: filled(1000 + ((n * 7919) % 150_000), n), expiration: null }],
        scanFreq: null,
        createdAt: { secs: 1_700_000_000n, nanos: 0 },
        lastScanAt: null,
      },
    }],
  };
  return writeSnapshot(state, CRASH_KEY, { workFactor: 0, random: { salt: filled(16, n), fileKey: filled(16, n + 1), payloadNonce: filled(16, n + 2) } });
}

/** The version number a file's state carries. */
export function versionOf(state: SnapshotState): number {
  const key = state.clients[0]!.store.entries[0]!.key;
  return new DataView(key.buffer, key.byteOffset + 1, 4).getUint32(0);
}

async function main(path: string, first: number): Promise<void> {
  await acquireSnapshotLock(path);
  for (let n = first; ; n++) {
    await writeFileAtomic(path, await versionBytes(n));
    process.send?.({ written: n });
  }
}

if (process.send && process.argv[2]) {
  main(process.argv[2], Number(process.argv[3])).catch((e: unknown) => {
    process.send?.({ error: (e as { code?: string }).code ?? String(e) });
    process.exit(1);
  });
}
