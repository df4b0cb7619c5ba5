/**
 * `stronghold serve`: serves a snapshot over libp2p (`/stronghold/rpc/1.0.0`, src/p2p/) until SIGINT or
 * SIGTERM, then stops and saves. Prints the peer id and the dialable addresses. Every request passes the
 * firewall (`--firewall rules.json`, read again on SIGHUP; without it every peer is denied); denials are
 * logged on stderr, a few lines per peer per window and a count of the rest (`--log-format json` for machines).
 * Where the peers' procedures run (`--zone`): by default (`auto`) chains of small fixed cost (a few signatures)
 * on the server's event loop and every other chain in a pool of secure zones (`--zone-pool N` processes,
 * src/zone/pool.ts), so a long chain cannot stall other peers; `process` sends every chain to the pool; `inline`
 * runs everything on the event loop (the cost limits `--max-kdf-iterations`, `--max-chain-length` are then all
 * that bound a request). In a zone, `--timeout-ms` is a deadline that stops the work (the zone is killed and
 * replaced, the chain's writes are not kept), and a request answered Timeout while it waited never runs.
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
import type { RequestLimits } from '../../p2p/limits.js';
import { DEFAULT_BUDGET_WINDOW_MS, DEFAULT_MAX_CHAIN_LENGTH, DEFAULT_MAX_KDF_ITERATIONS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_PEER_BUDGET_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../../p2p/constants.js';
import { MAX_CHAIN_LENGTH } from '../../procedures/json.js';
import { DEFAULT_POOL_SIZE, MAX_POOL_SIZE, zonePool } from '../../zone/pool.js';
import { oneOf, optionalFlag, parseInteger, positionals, type Values } from '../args.js';
import type { Command } from '../command.js';
import { takeOverSignals } from '../interrupt.js';
import { requestWords } from '../messages.js';
import { usage } from '../output.js';
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

/** The cost-limit flags given, as `ServeInit.limits` (the rest keep their defaults). */
function limitFlags(values: Values): Partial<RequestLimits> {
  const out: Partial<RequestLimits> = {};
  const flags: [string, keyof RequestLimits, number][] = [
    ['max-chain-length', 'maxChainLength', MAX_CHAIN_LENGTH],
    ['max-kdf-iterations', 'maxKdfIterations', 0x7fff_ffff],
    ['peer-budget-ms', 'peerBudgetMs', 3_600_000],
    ['budget-window-ms', 'budgetWindowMs', 3_600_000],
  ];
  for (const [flag, option, max] of flags) {
    const v = optionalFlag(values, flag);
    if (v !== undefined) out[option] = parseInteger(v, flag, 1, max);
  }
  return out;
}

/** `--listen` values, or the loopback default. */
export function listenFlags(values: Record<string, unknown>): string[] {
  const v = values.listen;
  return Array.isArray(v) && v.length > 0 ? (v as string[]) : ['/ip4/127.0.0.1/tcp/0'];
}

export const serve: Command = {
  name: 'serve',
  summary: 'serve a snapshot to peers over libp2p until SIGINT/SIGTERM, then save',
  usage: 'serve <snapshot> [--listen MULTIADDR]... [--relay MULTIADDR] [--firewall rules.json] [--zone auto|process|inline] [--zone-pool N] [--max-in-flight N] [--timeout-ms N] [--max-chain-length N] [--max-kdf-iterations N] [--peer-budget-ms N] [--budget-window-ms N] [--log-format text|json]',
  flags: [
    ['--listen MULTIADDR', 'where to listen (repeatable; default /ip4/127.0.0.1/tcp/0; /ws for WebSockets)'],
    ['--relay MULTIADDR', 'also reserve a slot on this circuit relay (…/p2p/<relay id>) and print the relayed address'],
    ['--firewall F', 'JSON rule file {"default": rule, "peers": {"<peer id>": rule}} (docs/spec/p2p-protocol.md), read again on SIGHUP; default: deny all'],
    ['--zone auto|process|inline', 'where procedures run: auto (default) small fixed-cost chains in the server process, the rest in a pool of secure zones; process every chain in the pool; inline every chain in the server process'],
    ['--zone-pool N', `secure zone processes of the pool (default ${DEFAULT_POOL_SIZE} here, at most ${MAX_POOL_SIZE}); one peer holds at most N - 1 of them`],
    ['--max-in-flight N', `requests one peer may have in flight (default ${DEFAULT_MAX_IN_FLIGHT})`],
    ['--timeout-ms N', `time one request may take (default ${DEFAULT_REQUEST_TIMEOUT_MS}); in a zone the deadline that stops the chain and keeps none of its writes`],
    ['--max-chain-length N', `procedures in one execute request (default ${DEFAULT_MAX_CHAIN_LENGTH}, at most ${MAX_CHAIN_LENGTH})`],
    ['--max-kdf-iterations N', `PBKDF2 iterations one execute request may ask for, over its chain (default ${DEFAULT_MAX_KDF_ITERATIONS})`],
    ['--peer-budget-ms N', `execution time one peer may use per window while others wait (default ${DEFAULT_PEER_BUDGET_MS})`],
    ['--budget-window-ms N', `the window of --peer-budget-ms (default ${DEFAULT_BUDGET_WINDOW_MS})`],
    ['--log-format F', 'denial lines on stderr: text (default, key=value) or json (one object per line); at most 5 per peer per 10 s, then a count'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold serve wallet.stronghold --listen /ip4/127.0.0.1/tcp/4001 --firewall rules.json',
  options: {
    listen: { type: 'string', multiple: true }, relay: { type: 'string' }, firewall: { type: 'string' },
    zone: { type: 'string' }, 'zone-pool': { type: 'string' }, 'max-in-flight': { type: 'string' }, 'timeout-ms': { type: 'string' },
    'max-chain-length': { type: 'string' }, 'max-kdf-iterations': { type: 'string' }, 'peer-budget-ms': { type: 'string' },
    'budget-window-ms': { type: 'string' }, 'log-format': { type: 'string' }, ...OPEN_OPTIONS,
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
    const timeoutMs = timeout === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : parseInteger(timeout, 'timeout-ms', 1, 3_600_000);
    const zone = oneOf(optionalFlag(args.values, 'zone') ?? 'auto', ['auto', 'process', 'inline'] as const, 'zone');
    const poolFlag = optionalFlag(args.values, 'zone-pool');
    const poolSize = poolFlag === undefined ? DEFAULT_POOL_SIZE : parseInteger(poolFlag, 'zone-pool', 1, MAX_POOL_SIZE);
    if (poolFlag !== undefined && zone === 'inline') throw usage('--zone-pool needs --zone auto or process', 'inline runs no zone');
    const limits = limitFlags(args.values);
    if (limits.peerBudgetMs !== undefined && limits.peerBudgetMs > (limits.budgetWindowMs ?? DEFAULT_BUDGET_WINDOW_MS)) {
      throw usage('--peer-budget-ms must not exceed --budget-window-ms', `the window is ${limits.budgetWindowMs ?? DEFAULT_BUDGET_WINDOW_MS} ms`);
    }
    // FROST steps a peer runs here are saved before they are answered (src/frost/persist.ts): nonce safety.
    // In a zone, the request's deadline is the chain's: past it the zone is killed and nothing it wrote is kept.
    const pool = zone === 'inline' ? null : zonePool({ size: poolSize, timeoutMs, inline: zone === 'auto' ? 'cheap' : 'none' });
    // The zones start while the server does, so the first long chain does not wait for one (a failure to start
    // is the first such chain's error).
    pool?.start().catch(() => {});
    const runner = new DurableFrostRunner(pool ?? inlineRunner(nativeProvider));
    await withSnapshot(ctx, path!, { write: true, options: { runner } }, async (sh: Stronghold) => {
      runner.attach(sh);
      const server = await serveStronghold(sh, {
        listen,
        firewall: { rules, onDenied: denials.denied },
        ...(inFlight === undefined ? {} : { maxInFlight: parseInteger(inFlight, 'max-in-flight', 1, 4096) }),
        // The request's deadline also stops its chain in a zone (the dispatcher aborts it), waiting or running.
        requestTimeoutMs: timeoutMs,
        limits,
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
