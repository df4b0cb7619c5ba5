/**
 * `stronghold serve`: serves a snapshot over libp2p (`/stronghold/rpc/1.0.0`, src/p2p/) until SIGINT or
 * SIGTERM, then stops and saves. Prints the peer id and the dialable addresses. Every request passes the
 * firewall (`--firewall rules.json`, read again on SIGHUP; without it every peer is denied); denials are
 * logged on stderr, a few lines per peer per window and a count of the rest (`--log-format json` for machines).
 * @module
 */
import { inlineRunner } from '../../exec/runner.js';
import type { Stronghold } from '../../client/stronghold.js';
import { nativeProvider } from '../../crypto/native.js';
import { DurableFrostRunner } from '../../frost/persist.js';
import { DenialLog, LOG_FORMATS } from '../../p2p/denial-log.js';
import { loadFirewallRules, type Denial } from '../../p2p/firewall.js';
import { waitForCircuitAddress } from '../../p2p/relay.js';
import { serve as serveStronghold } from '../../p2p/server.js';
import { oneOf, optionalFlag, parseInteger, positionals } from '../args.js';
import type { Command } from '../command.js';
import { takeOverSignals } from '../interrupt.js';
import { requestWords } from '../messages.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

/** Why the firewall said no, as the operator who wrote the rules thinks of it. */
const DENIAL_WORDS: Record<Denial['reason'], string> = {
  rule: 'no rule of --firewall allows it',
  'ask-refused': 'refused when asked',
  'ask-timeout': 'nobody answered when asked',
  'reserved-client': 'that client holds the server\'s own identity',
};

/** Resolves on the first SIGINT or SIGTERM (and stops listening for them). */
export function untilSignal(): Promise<string> {
  takeOverSignals();
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `--listen` values, or the loopback default. */
export function listenFlags(values: Record<string, unknown>): string[] {
  const v = values.listen;
  return Array.isArray(v) && v.length > 0 ? (v as string[]) : ['/ip4/127.0.0.1/tcp/0'];
}

export const serve: Command = {
  name: 'serve',
  summary: 'serve a snapshot to peers over libp2p until SIGINT/SIGTERM, then save',
  usage: 'serve <snapshot> [--listen MULTIADDR]... [--relay MULTIADDR] [--firewall rules.json] [--max-in-flight N] [--timeout-ms N] [--log-format text|json]',
  flags: [
    ['--listen MULTIADDR', 'where to listen (repeatable; default /ip4/127.0.0.1/tcp/0; /ws for WebSockets)'],
    ['--relay MULTIADDR', 'also reserve a slot on this circuit relay (…/p2p/<relay id>) and print the relayed address'],
    ['--firewall F', 'JSON rule file {"default": rule, "peers": {"<peer id>": rule}} (docs/spec/p2p-protocol.md), read again on SIGHUP; default: deny all'],
    ['--max-in-flight N', 'requests one peer may have in flight (default 32)'],
    ['--timeout-ms N', 'time one request may take (default 10000)'],
    ['--log-format F', 'denial lines on stderr: text (default, key=value) or json (one object per line); at most 5 per peer per 10 s, then a count'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold serve wallet.stronghold --listen /ip4/127.0.0.1/tcp/4001 --firewall rules.json',
  options: {
    listen: { type: 'string', multiple: true }, relay: { type: 'string' }, firewall: { type: 'string' },
    'max-in-flight': { type: 'string' }, 'timeout-ms': { type: 'string' }, 'log-format': { type: 'string' }, ...OPEN_OPTIONS,
  },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const file = optionalFlag(args.values, 'firewall');
    const rules = file === undefined ? { default: 'deny' as const, peers: {} } : await loadFirewallRules(file);
    const relayAddr = optionalFlag(args.values, 'relay');
    const listen = [...listenFlags(args.values), ...(relayAddr === undefined ? [] : [`${relayAddr}/p2p-circuit`])];
    const inFlight = optionalFlag(args.values, 'max-in-flight');
    const timeout = optionalFlag(args.values, 'timeout-ms');
    const denials = new DenialLog({
      write: (line) => out.streams.stderr.write(line),
      format: oneOf(optionalFlag(args.values, 'log-format') ?? 'text', LOG_FORMATS, 'log-format'),
      describe: (d) => `peer=${d.peer} request=${d.request} client=${JSON.stringify(d.client)} reason=${d.reason} (may not ${requestWords(d.request)} client: ${DENIAL_WORDS[d.reason]})`,
    });
    // FROST steps a peer runs here are saved before they are answered (src/frost/persist.ts): nonce safety.
    const runner = new DurableFrostRunner(inlineRunner(nativeProvider));
    await withSnapshot(ctx, path!, { write: true, options: { runner } }, async (sh: Stronghold) => {
      runner.attach(sh);
      const server = await serveStronghold(sh, {
        listen,
        firewall: { rules, onDenied: denials.denied },
        ...(inFlight === undefined ? {} : { maxInFlight: parseInteger(inFlight, 'max-in-flight', 1, 4096) }),
        ...(timeout === undefined ? {} : { requestTimeoutMs: parseInteger(timeout, 'timeout-ms', 1, 3_600_000) }),
      });
      const stopped = untilSignal();
      // Rules change at runtime: SIGHUP reads the rule file again (a bad file keeps the rules in force).
      const reload = (): void => {
        if (file === undefined) return;
        loadFirewallRules(file).then((r) => {
          server.firewall.setRules(r);
          out.note(`reloaded ${file}`);
        }, (e: unknown) => out.note(`kept the previous rules: ${file} is not valid (${(e as { message?: string }).message ?? 'error'})`));
      };
      process.on('SIGHUP', reload);
      try {
        // A relayed address exists only once the relay has granted the reservation.
        if (listen.some((a) => a.includes('/p2p-circuit'))) await waitForCircuitAddress(server.node);
        const addresses = server.addresses();
        out.result([`peer id ${server.peerId}`, ...addresses.map((a) => `listening on ${a}`)], { peerId: server.peerId, addresses });
        out.note('serving; stop with Ctrl-C (SIGINT) or SIGTERM, the snapshot is saved on exit');
        await stopped;
      } finally {
        process.off('SIGHUP', reload);
        await server.stop();
        // What was suppressed in the last windows is reported before exit, not lost.
        denials.flush(true);
      }
      // withSnapshot now saves what changed: a new identity, what peers wrote.
    });
  },
};
