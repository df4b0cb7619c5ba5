/**
 * The hostile peer of the attack benchmark (bench/attack.ts), a process of its own so that its work does not
 * share the legitimate caller's event loop. Until SIGTERM it runs, all at once, against ATTACK_ADDR:
 * (a) maximum-cost chains within the server's default limits (PBKDF2-HMAC-SHA512 at 1,000,000 iterations, and
 *     64 Ed25519 signatures over 7 KiB messages) from a peer allowed to use and write;
 * (b) a maximal frame (4 MiB) trickled in 64-byte writes, from an unknown peer, again and again;
 * (c) a flood of requests the firewall denies, 32 in flight, from the unknown peer;
 * (d) the maximum streams on one connection (8), each sent requests for a 1 MiB store value and never read.
 * On SIGTERM it prints what it did as one JSON line and exits.
 * @module
 */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import type { Libp2p, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { DEFAULT_MAX_MESSAGE_BYTES, MAX_INBOUND_STREAMS, PROTOCOL } from '../src/p2p/constants.js';
import { encodeLength, prefixed } from '../src/p2p/frames.js';
import { encodeFrame, requestHeader } from '../src/p2p/messages.js';
import { createNode } from '../src/p2p/node.js';
import { remote } from '../src/p2p/remote.js';

const addr = multiaddr(process.env.ATTACK_ADDR!);
const seed = (name: string): Uint8Array => Uint8Array.from(Buffer.from(process.env[name]!, 'hex'));
const counts: Record<string, number> = {};
const count = (k: string): void => {
  counts[k] = (counts[k] ?? 0) + 1;
};
let stopping = false;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const writerKey = await generateKeyPairFromSeed('Ed25519', seed('ATTACK_WRITER_SEED'));
const strangerKey = await generateKeyPairFromSeed('Ed25519', seed('ATTACK_STRANGER_SEED'));
const nodes: Libp2p[] = [];
const node = async (key: typeof writerKey): Promise<Libp2p> => {
  const n = await createNode({ privateKey: key, listen: [] });
  nodes.push(n);
  return n;
};

/** (a) Chains at the cost limits, 4 at a time. */
async function costChains(): Promise<void> {
  const r = await remote(null, addr, { node: await node(writerKey) });
  const c = r.client('wallet');
  const kdf = (i: number) => [{ type: 'Pbkdf2Hmac', hashType: 'sha512', password: '01', salt: '02', count: 1_000_000, output: { vault: 'scratch', record: `d${i}` } }];
  const msg = 'ab'.repeat(7 * 1024);
  const signs = Array.from({ length: 64 }, () => ({ type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k' }, msg }));
  await Promise.all(Array.from({ length: 4 }, async (_, lane) => {
    for (let i = 0; !stopping; i++) {
      try {
        await c.json.executeChain(i % 2 === 0 ? kdf(lane) : signs);
        count('cost: done');
      } catch (e) {
        count(`cost: ${(e as { code?: string }).code ?? 'error'}`);
        await sleep(5);
      }
    }
  }));
}

/** (b) One maximal frame in 64-byte writes, paced, over and over. */
async function trickle(n: Libp2p): Promise<void> {
  const chunk = new Uint8Array(64).fill(0x20);
  while (!stopping) {
    let stream: Stream;
    try {
      stream = await n.dialProtocol(addr, PROTOCOL);
    } catch {
      count('trickle: dial failed');
      await sleep(100);
      continue;
    }
    try {
      stream.send(encodeLength(DEFAULT_MAX_MESSAGE_BYTES));
      // A trickle: one 64-byte write per millisecond (the timer's resolution), 4 MiB in about 70 s.
      for (let sent = 0; sent < DEFAULT_MAX_MESSAGE_BYTES && !stopping; sent += 64) {
        if (!stream.send(chunk)) await stream.onDrain();
        count('trickle: chunks');
        await sleep(1);
      }
      count('trickle: frames');
      await stream.close();
    } catch {
      count('trickle: stream failed');
    }
  }
}

/** (c) Denied requests, 32 in flight. */
async function flood(n: Libp2p): Promise<void> {
  const r = await remote(null, addr, { node: n });
  const c = r.client('wallet');
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (!stopping) {
      try {
        await c.vaultExists('keys');
        count('flood: answered');
      } catch (e) {
        count(`flood: ${(e as { code?: string }).code ?? 'error'}`);
      }
    }
  }));
}

/** (d) The most streams a connection may have, each sent requests with 1 MiB answers, never read. */
async function neverRead(): Promise<void> {
  const n = await node(writerKey);
  const key = Buffer.from('big').toString('hex');
  while (!stopping) {
    const streams: Stream[] = [];
    for (let s = 0; s < MAX_INBOUND_STREAMS; s++) {
      try {
        const stream = await n.dialProtocol(addr, PROTOCOL);
        // Never read: nothing consumes what the server sends.
        stream.pause?.();
        streams.push(stream);
      } catch {
        count('never-read: dial refused');
      }
    }
    for (const [i, stream] of streams.entries()) {
      for (let id = 1; id <= 16 && !stopping; id++) {
        try {
          if (!stream.send(prefixed(encodeFrame(requestHeader(i * 100 + id, 'storeGet', { client: 'wallet', key }))))) {
            await Promise.race([stream.onDrain(), sleep(1000)]);
          }
          count('never-read: requests');
        } catch {
          count('never-read: stream failed');
          break;
        }
      }
    }
    // The server aborts streams that do not drain; open new ones after a while.
    for (let t = 0; t < 12 && !stopping; t++) await sleep(1000);
    for (const s of streams) s.abort(new Error('done'));
  }
}

process.on('SIGTERM', () => {
  stopping = true;
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  setTimeout(() => process.exit(0), 200);
});
const stranger = await node(strangerKey);
process.stdout.write('ready\n');
// ATTACK_ONLY=a,b,c,d runs some of them (to see what each costs); default all.
const only = process.env.ATTACK_ONLY?.split(',');
const attacks: [string, () => Promise<void>][] = [['a', costChains], ['b', () => trickle(stranger)], ['c', () => flood(stranger)], ['d', neverRead]];
await Promise.all(attacks.filter(([k]) => !only || only.includes(k)).map(([, run]) => run().catch((e: unknown) => {
  process.stderr.write(`hostile: ${e instanceof Error ? e.message : String(e)}\n`);
})));
