// The page side of bench/browser.ts: one timed unlock in the zone worker (worker start, file import, scrypt, decrypt).
import { StrongholdWorker } from '/bundle/stronghold.js';

export async function unlock(password) {
  const file = await (await fetch('/files/bench.stronghold')).blob();
  const t0 = performance.now();
  const sh = await StrongholdWorker.open({ path: 'bench.stronghold', password, file, readOnly: true });
  const ms = performance.now() - t0;
  await sh.close();
  return ms;
}
