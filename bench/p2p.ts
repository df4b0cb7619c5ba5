/**
 * Remote Ed25519Sign over loopback (issue 6): round trips per second with 1 and 16 requests in flight, and the
 * median latency with 1 in flight, with typed calls (issue 14: the outputs come back typed), then with the JSON form. One server, one caller, one stream, a warm-up first. Throughputs are the
 * median of several runs (the spread is kept); the latency is the median of every round trip of those runs.
 */
import { Stronghold } from '../src/client/stronghold.js';
import { Location } from '../src/engine/location.js';
import { peerIdOf, remote, serve } from '../src/p2p/index.js';
import { ed25519Sign } from '../src/procedures/ed25519-sign.js';
import type { BenchOptions, Row } from './report.js';

/** The typed call a local client takes; its output comes back as the signature's bytes (remote parity). */
const SIGN = ed25519Sign({ privateKey: Location.generic('keys', 'k'), msg: new TextEncoder().encode('hello') });
/** The same signature in the JSON form (what the command line sends): hex in, hex out. */
const SIGN_JSON = { type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k' }, msg: '68656c6c6f' };
const IN_FLIGHT = 16;

function median(values: number[]): { value: number; min: number; max: number } {
  const v = [...values].sort((a, b) => a - b);
  return { value: v[Math.floor(v.length / 2)]!, min: v[0]!, max: v[v.length - 1]! };
}

export async function benchP2p(opts: BenchOptions): Promise<Row[]> {
  const n = opts.quick ? 400 : 3000;
  const runs = opts.quick ? 1 : 3;
  const server = Stronghold.create();
  server.createClient('wallet').writeSecret(Location.generic('keys', 'k'), new Uint8Array(32).fill(7));
  const me = Stronghold.create();
  const s = await serve(server, { firewall: { rules: { default: 'deny', peers: { [await peerIdOf(me)]: 'allow' } } } });
  const r = await remote(me, s.addresses()[0]!);
  const c = r.client('wallet');
  try {
    for (let i = 0; i < 300; i++) await c.execute(SIGN);
    const serial: number[] = [];
    const parallel: number[] = [];
    const latencies: number[] = [];
    for (let run = 0; run < runs; run++) {
      let t = performance.now();
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await c.execute(SIGN);
        latencies.push(performance.now() - start);
      }
      serial.push(n / ((performance.now() - t) / 1000));
      t = performance.now();
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = 0; i < n / IN_FLIGHT; i++) await c.execute(SIGN);
      }));
      parallel.push(n / ((performance.now() - t) / 1000));
    }
    // The JSON form in the same run, alternating with the typed form above run by run would cost twice the
    // time; one batch after it is enough to see what the typed outputs cost.
    const json: number[] = [];
    const jsonParallel: number[] = [];
    for (let run = 0; run < runs; run++) {
      let t = performance.now();
      for (let i = 0; i < n; i++) await c.json.execute(SIGN_JSON);
      json.push(n / ((performance.now() - t) / 1000));
      t = performance.now();
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = 0; i < n / IN_FLIGHT; i++) await c.json.execute(SIGN_JSON);
      }));
      jsonParallel.push(n / ((performance.now() - t) / 1000));
    }
    latencies.sort((a, b) => a - b);
    const note = `${n} signatures per run, typed calls and outputs, loopback TCP + Noise + yamux, one stream, in-process inline server`;
    const jsonNote = `${n} signatures per run, the JSON form (hex in and out), same run`;
    return [
      { area: 'p2p', name: 'remote Ed25519Sign, 1 in flight, JSON form', ...median(json), runs, unit: 'ops/s', note: jsonNote },
      { area: 'p2p', name: `remote Ed25519Sign, ${IN_FLIGHT} in flight, JSON form`, ...median(jsonParallel), runs, unit: 'ops/s', note: jsonNote },
      { area: 'p2p', name: 'remote Ed25519Sign, 1 in flight', ...median(serial), runs, unit: 'ops/s', note },
      { area: 'p2p', name: `remote Ed25519Sign, ${IN_FLIGHT} in flight`, ...median(parallel), runs, unit: 'ops/s', target: '>= 2,000/s', note },
      {
        area: 'p2p', name: 'remote Ed25519Sign median latency, 1 in flight', value: latencies[Math.floor(latencies.length / 2)]!, unit: 'ms', target: '< 2 ms',
        note: `p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(2)} ms over ${latencies.length} round trips`,
      },
    ];
  } finally {
    await r.close();
    await s.stop();
  }
}
