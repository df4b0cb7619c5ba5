/**
 * Remote Ed25519Sign over loopback (issue 6): round trips per second with 1 and 16 requests in flight, and the
 * median latency with 1 in flight. One server, one caller, one stream; a warm-up precedes each measurement.
 */
import { Stronghold } from '../src/client/stronghold.js';
import { Location } from '../src/engine/location.js';
import { peerIdOf, remote, serve } from '../src/p2p/index.js';
import type { BenchOptions, Row } from './report.js';

const SIGN = { type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k' }, msg: '68656c6c6f' };

export async function benchP2p(opts: BenchOptions): Promise<Row[]> {
  const n = opts.quick ? 400 : 4000;
  const server = Stronghold.create();
  server.createClient('wallet').writeSecret(Location.generic('keys', 'k'), new Uint8Array(32).fill(7));
  const me = Stronghold.create();
  const s = await serve(server, { firewall: { rules: { default: 'deny', peers: { [await peerIdOf(me)]: 'allow' } } } });
  const r = await remote(me, s.addresses()[0]!);
  const c = r.client('wallet');
  try {
    for (let i = 0; i < 200; i++) await c.execute(SIGN);

    const latencies: number[] = [];
    let t = performance.now();
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await c.execute(SIGN);
      latencies.push(performance.now() - start);
    }
    const serial = n / ((performance.now() - t) / 1000);
    latencies.sort((a, b) => a - b);

    const inFlight = 16;
    t = performance.now();
    await Promise.all(Array.from({ length: inFlight }, async () => {
      for (let i = 0; i < n / inFlight; i++) await c.execute(SIGN);
    }));
    const parallel = n / ((performance.now() - t) / 1000);

    const note = `${n} signatures, loopback TCP + Noise + yamux, one stream`;
    return [
      { area: 'p2p', name: 'remote Ed25519Sign, 1 in flight', value: serial, unit: 'ops/s', note },
      { area: 'p2p', name: 'remote Ed25519Sign, 16 in flight', value: parallel, unit: 'ops/s', target: '>= 2,000/s', note },
      { area: 'p2p', name: 'remote Ed25519Sign median latency, 1 in flight', value: latencies[Math.floor(n / 2)]!, unit: 'ms', target: '< 2 ms', note: `p99 ${latencies[Math.floor(n * 0.99)]!.toFixed(2)} ms` },
    ];
  } finally {
    await r.close();
    await s.stop();
  }
}
