/**
 * Denial logs cannot be flooded: an unknown peer sending denied requests as fast as it can gets a few lines and a
 * count, per peer and per window, in text or JSON lines. The clock and the timer are injected: no waiting.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DenialLog } from '../../src/p2p/denial-log.js';
import { Firewall, type Denial } from '../../src/p2p/firewall.js';
import { decodeFrame, encodeFrame, parseRequest, requestHeader } from '../../src/p2p/messages.js';

const UNKNOWN = '12D3KooWGzh5ZJ6R9RZxrtRYqhiSKyKk8Yw3fjKZ9fj6Hd6K6fA1';
const OTHER = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK';

const f = decodeFrame(encodeFrame(requestHeader(1, 'vaultExists', { client: 'wallet', vault: 'keys' })));
const request = parseRequest(1, f.header, f.blob);

async function flood(fw: Firewall, peer: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await fw.check(peer, request).then(() => assert.fail('allowed'), () => {});
}

/** A log with a hand-driven clock and timer. */
function harness(format: 'text' | 'json' = 'text') {
  const lines: string[] = [];
  let now = 1_000_000;
  const timers: (() => void)[] = [];
  const log = new DenialLog({ write: (l) => lines.push(l), format, now: () => now, schedule: (fn) => void timers.push(fn) });
  return {
    lines, log, timers,
    advance(ms: number) { now += ms; },
    fire() { for (const t of timers.splice(0)) t(); },
  };
}

describe('denial log', () => {
  test('the firewall\'s default log: 1,000 denials of an unknown peer write a few lines and a count, not 1,000 lines', async () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let fw: Firewall;
    try {
      fw = new Firewall();
      await flood(fw, UNKNOWN, 1000);
    } finally {
      process.stderr.write = write;
    }
    assert.ok(written.length <= 5, `${written.length} lines for 1,000 denials`);
    assert.ok(written.every((l) => l.includes(`peer=${UNKNOWN}`) && l.endsWith('\n')));
  });

  test('per peer: burst lines, then one summary with the count of what was suppressed when the window ends', async () => {
    const h = harness();
    const fw = new Firewall({ onDenied: h.log.denied });
    await flood(fw, UNKNOWN, 1000);
    await flood(fw, OTHER, 2);
    assert.equal(h.lines.length, 7);
    assert.equal(h.lines.filter((l) => l.includes(OTHER)).length, 2);
    assert.equal(h.lines[0], `stronghold: denied: peer=${UNKNOWN} request=vaultExists client="wallet" reason=rule\n`);
    // The timer was set for the window's end; firing it early (before the clock moves) writes nothing.
    assert.equal(h.timers.length, 1);
    h.log.flush();
    assert.equal(h.lines.length, 7);
    h.advance(10_000);
    h.fire();
    assert.equal(h.lines.length, 8);
    assert.match(h.lines[7]!, new RegExp(`^stronghold: denied: peer=${UNKNOWN} suppressed=995 `));
    // A new window logs again.
    await flood(fw, UNKNOWN, 1);
    assert.equal(h.lines.length, 9);
  });

  test('--log-format json: one object per line, with the suppressed count; every line parses', async () => {
    const h = harness('json');
    const fw = new Firewall({ onDenied: h.log.denied });
    await flood(fw, UNKNOWN, 50);
    h.log.flush(true);
    const events = h.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(events.length, 6);
    assert.deepEqual({ ...events[0], time: undefined }, { time: undefined, event: 'denied', peer: UNKNOWN, request: 'vaultExists', client: 'wallet', accesses: [{ op: 'list', vault: 'keys' }], reason: 'rule' });
    assert.deepEqual({ ...events[5], time: undefined }, { time: undefined, event: 'denials-suppressed', peer: UNKNOWN, count: 45, windowMs: 10_000 });
    assert.equal(events.reduce((n, e) => n + (e.event === 'denied' ? 1 : (e.count as number)), 0), 50);
  });

  test('many peer ids: past maxPeers in one window they share one bucket, so lines stay bounded', () => {
    const lines: string[] = [];
    const log = new DenialLog({ write: (l) => lines.push(l), maxPeers: 4, burst: 1, now: () => 0, schedule: () => {} });
    const denial = (peer: string): Denial => ({ peer, request: 'vaultExists', client: 'wallet', accesses: [], reason: 'rule' });
    for (let i = 0; i < 1000; i++) log.denied(denial(`peer${i}`));
    log.flush(true);
    // 4 peers of their own + 1 line for the shared bucket + its summary.
    assert.equal(lines.length, 6);
    assert.match(lines.at(-1)!, /peer=\* suppressed=995 /);
  });
});
