/**
 * `stronghold store get|set|rm|ls`: the client's persisted key/value store (non-secret data, optional TTL).
 * Keys are given as text; values as text or `--value-hex`. `get` prints the raw value (or hex with `--hex`).
 * @module
 */
import { parseDuration, parseHexFlag, optionalFlag, positionals, requireFlag, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT, hex, usage } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { keyText } from './ls.js';

const CLIENT_FLAG = ['--client C', 'the client path'] as const;

function keyNotFound(key: string, client: string): CliError {
  return new CliError('KeyNotFound', `client '${client}' has no store key '${key.slice(0, 80)}'`, EXIT.notFound, `stronghold store ls <snapshot> --client ${client}`);
}

/** Positionals after the snapshot: exactly `names`, or with `optional` also one more. */
function storeArgs(args: Parsed, names: string[], optional?: string): string[] {
  if (optional !== undefined && args.positionals.length === names.length) return args.positionals;
  return positionals(args, optional === undefined ? names : [...names, optional]);
}

export const storeGet: Command = {
  name: 'store get',
  summary: 'print the value of a store key',
  usage: 'store get <snapshot> --client C KEY [--hex]',
  flags: [CLIENT_FLAG, ['--hex', 'print the value as hex (the default prints its raw bytes)'], ...OPEN_FLAGS],
  example: 'stronghold store get wallet.stronghold --client iota_seed coin_type --hex',
  options: { client: { type: 'string' }, hex: { type: 'boolean' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path, key] = positionals(args, ['snapshot', 'KEY']);
    const client = requireFlag(args.values, 'client');
    const value = await withSnapshot(ctx, path!, { write: false }, (sh) => clientOf(sh, client).store.get(key!));
    if (value === null) throw keyNotFound(key!, client);
    if (out.json) out.result('', { client, key, value: hex(value) });
    else if (args.values.hex === true) out.result(hex(value), null);
    else await out.resultBytes(value);
  },
};

export const storeSet: Command = {
  name: 'store set',
  summary: 'set a store key (created with the client if needed)',
  usage: 'store set <snapshot> --client C KEY (VALUE | --value-hex HEX) [--ttl 10m]',
  flags: [
    ['--client C', 'the client path (created if the snapshot does not have it)'],
    ['--value-hex HEX', 'the value as hex instead of a VALUE argument'],
    ['--ttl D', 'time to live: 500ms, 30s, 10m, 2h, 7d (default: none)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold store set wallet.stronghold --client app last-sync 2026-11-23 --ttl 7d',
  options: { client: { type: 'string' }, 'value-hex': { type: 'string' }, ttl: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path, key, text] = storeArgs(args, ['snapshot', 'KEY'], 'VALUE');
    const client = requireFlag(args.values, 'client');
    const valueHex = optionalFlag(args.values, 'value-hex');
    if ((text === undefined) === (valueHex === undefined)) throw usage('give exactly one of VALUE and --value-hex HEX');
    const value = valueHex !== undefined ? parseHexFlag(valueHex, 'value-hex') : new TextEncoder().encode(text);
    const ttl = optionalFlag(args.values, 'ttl');
    const ttlMs = ttl === undefined ? undefined : parseDuration(ttl, 'ttl');
    await withSnapshot(ctx, path!, { write: true }, (sh) => {
      clientOf(sh, client, true).store.insert(key!, value, ttlMs === undefined ? {} : { ttlMs });
    });
    out.result(`set ${key}${ttl === undefined ? '' : ` (expires in ${ttl})`}`, { client, key, bytes: value.length, ttlMs: ttlMs ?? null });
  },
};

export const storeRm: Command = {
  name: 'store rm',
  summary: 'remove a store key',
  usage: 'store rm <snapshot> --client C KEY',
  flags: [CLIENT_FLAG, ...OPEN_FLAGS],
  example: 'stronghold store rm wallet.stronghold --client app last-sync',
  options: { client: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path, key] = positionals(args, ['snapshot', 'KEY']);
    const client = requireFlag(args.values, 'client');
    await withSnapshot(ctx, path!, { write: true }, (sh) => {
      const store = clientOf(sh, client).store;
      // Checked first so that a missing key changes nothing and the file is not rewritten.
      if (!store.has(key!)) throw keyNotFound(key!, client);
      store.delete(key!);
    });
    out.result(`removed ${key}`, { client, key });
  },
};

/** `in 6d 23h`, `in 59s`: the largest unit of a remaining time and the next, for people (JSON gives the instant). */
function remaining(ms: number): string {
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const i = units.findIndex(([, size]) => ms >= size);
  if (i < 0) return 'in less than 1s';
  const [unit, size] = units[i]!;
  const n = Math.floor(ms / size);
  const next = units[i + 1];
  const rest = next === undefined ? 0 : Math.floor((ms - n * size) / next[1]);
  return `in ${n}${unit}${rest > 0 ? ` ${rest}${next![0]}` : ''}`;
}

export const storeLs: Command = {
  name: 'store ls',
  summary: 'list the store keys of a client, with when they expire',
  usage: 'store ls <snapshot> --client C',
  flags: [CLIENT_FLAG, ...OPEN_FLAGS],
  example: 'stronghold store ls wallet.stronghold --client iota_seed',
  options: { client: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const client = requireFlag(args.values, 'client');
    const entries = await withSnapshot(ctx, path!, { write: false }, (sh) => clientOf(sh, client).store.keysWithExpiry());
    const now = Date.now();
    const listed = entries.map((e) => ({ key: hex(e.key), text: keyText(e.key), expiresAt: e.expiresAt === null ? null : new Date(e.expiresAt).toISOString() }));
    out.result(listed.map((k, i) => {
      const at = entries[i]!.expiresAt;
      return `${k.text ?? `0x${k.key}`}${at === null ? '' : `  expires ${k.expiresAt} (${remaining(at - now)})`}`;
    }), { client, keys: listed });
  },
};
