/**
 * A scan of a process's memory for byte strings: every readable mapping, read through /proc/<pid>/maps and
 * /proc/<pid>/mem (a heap snapshot would leave out the bytes of Buffers and typed arrays). Linux only; the process
 * must be this one's child (ptrace access).
 * @module
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface Needle {
  name: string;
  bytes: Buffer;
}

const CHUNK = 8 * 1024 * 1024;

/** Every needle found in a readable mapping of `pid`, with the mapping it was found in. */
export function scanProcess(pid: number, needles: readonly Needle[]): string[] {
  const found: string[] = [];
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const mem = openSync(`/proc/${pid}/mem`, 'r');
  const longest = Math.max(...needles.map((n) => n.bytes.length));
  const chunk = Buffer.allocUnsafe(CHUNK + longest);
  let scanned = 0;
  try {
    for (const line of maps) {
      const [range, perms, , , , name = ''] = line.split(/\s+/);
      if (!perms?.startsWith('r') || name === '[vvar]' || name === '[vsyscall]') continue;
      const [start, end] = range!.split('-').map((h) => BigInt(`0x${h}`)) as [bigint, bigint];
      // Chunks overlap by the longest needle, so that none is missed across a boundary.
      for (let at = start; at < end; at += BigInt(CHUNK)) {
        const want = Number(end - at < BigInt(chunk.length) ? end - at : BigInt(chunk.length));
        let got: number;
        try {
          got = readSync(mem, chunk, 0, want, at);
        } catch {
          continue; // a mapping that cannot be read (device memory, a race with unmapping)
        }
        scanned += got;
        const view = chunk.subarray(0, got);
        for (const n of needles) if (view.indexOf(n.bytes) >= 0) found.push(`${n.name} in ${name || 'anonymous'} ${perms}`);
      }
    }
  } finally {
    closeSync(mem);
  }
  assert.ok(scanned > 10 * 1024 * 1024, `scanned ${scanned} bytes`);
  return [...new Set(found)];
}
