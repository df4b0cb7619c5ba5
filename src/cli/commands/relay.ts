/**
 * `stronghold relay`: runs a circuit relay v2 node until SIGINT or SIGTERM, so servers that cannot be dialled
 * directly can be reached through it. Relayed connections are not limited in data or time (src/p2p/relay.ts).
 * With `--snapshot`, the relay's identity (and so its address) comes from that snapshot and stays stable.
 * @module
 */
import { peerIdentity } from '../../p2p/identity.js';
import { relay as startRelay } from '../../p2p/relay.js';
import { optionalFlag, parseInteger, positionals } from '../args.js';
import type { Command } from '../command.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { listenFlags, untilSignal } from './serve.js';

export const relay: Command = {
  name: 'relay',
  summary: 'run a circuit relay v2 node until SIGINT/SIGTERM',
  usage: 'relay [--listen MULTIADDR]... [--snapshot FILE] [--max-reservations N]',
  flags: [
    ['--listen MULTIADDR', 'where to listen (repeatable; default /ip4/127.0.0.1/tcp/0)'],
    ['--snapshot FILE', 'take a stable identity from this snapshot (created in it on first use); default: a new one per run'],
    ['--max-reservations N', 'servers that may reserve a slot (default 128)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold relay --listen /ip4/0.0.0.0/tcp/4002',
  options: { listen: { type: 'string', multiple: true }, snapshot: { type: 'string' }, 'max-reservations': { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    positionals(args, []);
    const snapshot = optionalFlag(args.values, 'snapshot');
    const max = optionalFlag(args.values, 'max-reservations');
    const privateKey = snapshot === undefined ? undefined : await withSnapshot(ctx, snapshot, { write: true }, (sh) => peerIdentity(sh));
    const node = await startRelay({
      listen: listenFlags(args.values),
      ...(privateKey ? { privateKey } : {}),
      ...(max === undefined ? {} : { maxReservations: parseInteger(max, 'max-reservations', 1, 100_000) }),
    });
    const stopped = untilSignal();
    try {
      out.result([`peer id ${node.peerId}`, ...node.addresses().map((a) => `listening on ${a}`)], { peerId: node.peerId, addresses: node.addresses() });
      out.note('relaying; stop with Ctrl-C (SIGINT) or SIGTERM');
      await stopped;
    } finally {
      await node.stop();
    }
  },
};
