/**
 * `stronghold frost keygen` and `stronghold frost sign`: threshold Ed25519 (FROST, RFC 9591) across Strongholds
 * served by `stronghold serve` (docs/threshold.md). The local snapshot only provides the p2p identity that the
 * participants' firewalls name; keygen deals from it (its copies of the shares are destroyed, never saved), and
 * sign coordinates without any secret.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { invalidArgument } from '../../errors.js';
import { signWithParticipants } from '../../frost/coordinator.js';
import { dealShares, DEFAULT_SHARE_VAULT } from '../../frost/dealer.js';
import { DEFAULT_NONCE_VAULT, participant, type JsonLocation } from '../../frost/participant.js';
import { groupToJSON, parseGroup } from '../../frost/public.js';
import { remote as connect, type RemoteStronghold } from '../../p2p/remote.js';
import type { Stronghold } from '../../client/stronghold.js';
import { optionalFlag, parseInteger, parseVaultRecord, positionals, requireFlag, type Values } from '../args.js';
import type { Command } from '../command.js';
import { readFileFlag, readMessageFlags } from '../files.js';
import { CliError, EXIT, hex, usage } from '../output.js';
import { OPEN_FLAGS, OPEN_OPTIONS } from '../session.js';
import { withIdentity } from './id.js';
import { MAX_MESSAGE_BYTES } from './sign.js';

/** Largest group file; a 255-participant package is about 20 KB. Our choice. */
export const MAX_GROUP_FILE_BYTES = 1024 * 1024;

/** `--participants`, repeatable and comma-separated, in order. */
export function participantsFlag(values: Values): string[] {
  const v = (values as Record<string, unknown>).participants;
  const list = (Array.isArray(v) ? (v as string[]) : []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw usage('give the participants with --participants MULTIADDR (repeat it, or separate with commas)');
  return list;
}

/** Dials every address from `sh`'s identity; closes them all when `fn` ends. */
export async function withPeers<T>(sh: Stronghold, addrs: string[], values: Values, fn: (peers: RemoteStronghold[]) => Promise<T>): Promise<T> {
  const timeout = optionalFlag(values, 'timeout-ms');
  const init = timeout === undefined ? {} : { requestTimeoutMs: parseInteger(timeout, 'timeout-ms', 1, 3_600_000) };
  const peers: RemoteStronghold[] = [];
  try {
    for (const addr of addrs) peers.push(await connect(sh, addr, init));
    return await fn(peers);
  } finally {
    await Promise.allSettled(peers.map((p) => p.close()));
  }
}



/** Creates `path` for writing; refuses an existing file. */
export async function claim(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx');
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error';
    if (code === 'EEXIST') throw new CliError('FileExists', `--out ${path} exists; refusing to overwrite it`, EXIT.refused);
    throw new CliError('Io', `cannot write --out ${path} (${code})`, EXIT.other);
  }
}

export const COMMON = {
  participants: { type: 'string', multiple: true }, client: { type: 'string' }, 'timeout-ms': { type: 'string' }, ...OPEN_OPTIONS,
} as const;
export const COMMON_FLAGS = [
  ['--participants MULTIADDR', 'a participant served by `stronghold serve` (…/p2p/<peer id>); repeat it, or separate with commas'],
  ['--client C', 'the client path on every participant'],
  ['--timeout-ms N', 'time to wait for one answer (default 11000)'],
] as const;

export const frostKeygen: Command = {
  name: 'frost keygen',
  summary: 'deal a t-of-n threshold Ed25519 key (FROST) to served Strongholds, one sealed share each',
  usage: 'frost keygen <snapshot> --threshold T --participants MULTIADDR... --client C [--out FILE]',
  flags: [
    ['--threshold T', 'how many participants must sign (2..n)'],
    ...COMMON_FLAGS,
    ['--out FILE', 'also write the result (the public key set, for `frost sign --group`) to FILE; refuses to overwrite'],
    ...OPEN_FLAGS,
  ],
  example: [
    'stronghold id dealer.stronghold     # allow this peer id in each participant\'s firewall: frost-keys use+write, frost-shares write',
    'stronghold frost keygen dealer.stronghold --threshold 2 --client wallet --out group.json \\',
    '  --participants /ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA... --participants /ip4/127.0.0.1/tcp/4002/p2p/12D3KooWB... \\',
    '  --participants /ip4/127.0.0.1/tcp/4003/p2p/12D3KooWC...',
  ].join('\n'),
  options: { threshold: { type: 'string' }, out: { type: 'string' }, ...COMMON },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const addrs = participantsFlag(args.values);
    const threshold = parseInteger(requireFlag(args.values, 'threshold'), 'threshold', 2, Math.max(2, addrs.length));
    const clientPath = requireFlag(args.values, 'client');
    const outFile = optionalFlag(args.values, 'out');
    // The file is claimed before dealing, so that a dealt key set is never lost for want of a place to write it.
    const file = outFile === undefined ? null : await claim(outFile);
    let value: Record<string, unknown>;
    let result: Awaited<ReturnType<typeof dealShares>>;
    try {
      result = await withIdentity(ctx, path!, (sh) => withPeers(sh, addrs, args.values, async (peers) => {
        const dealerClient = `frost-dealer-${randomBytes(8).toString('hex')}`;
        try {
          return await dealShares(sh.createClient(dealerClient), threshold, peers.map((p, i) => ({ name: addrs[i]!, exec: p.client(clientPath).json })));
        } finally {
          sh.purgeClient(dealerClient);
        }
      }));
      value = {
        group: groupToJSON(result.group),
        participants: result.shares.map((s) => ({ identifier: s.identifier, peer: s.name, client: clientPath, share: s.share })),
      };
      await file?.writeFile(`${JSON.stringify(value, null, 2)}\n`);
      await file?.close();
    } catch (e) {
      await file?.close().catch(() => {});
      if (file) await unlink(outFile!).catch(() => {});
      throw e;
    }
    out.result([
      `group public key ${hex(result.group.groupPublicKey)}`,
      `threshold ${result.group.threshold} of ${result.group.participants}`,
      ...result.shares.map((s) => `share ${s.identifier} -> ${s.name} (client ${clientPath}, ${s.share.vault}/${s.share.record})`),
    ], value);
  },
};

export const frostSign: Command = {
  name: 'frost sign',
  summary: 'sign a message with t participants of a threshold key (FROST coordinator; holds no secret)',
  usage: 'frost sign --snapshot FILE --group FILE --participants MULTIADDR... --client C (--message-hex HEX | --message-file F) [--share V/R] [--nonce-vault V]',
  flags: [
    ['--snapshot FILE', 'the local snapshot holding this coordinator\'s peer identity (created in it on first use)'],
    ['--group FILE', 'the key set\'s public package: the file `frost keygen --out` wrote (or its "group" object)'],
    ...COMMON_FLAGS,
    ['--share V/R', `the share record on every participant (default ${DEFAULT_SHARE_VAULT}/<group public key hex>, where keygen puts it)`],
    ['--nonce-vault V', `where participants keep the nonce handles of this session (default ${DEFAULT_NONCE_VAULT}; their firewalls must allow it)`],
    ['--message-hex HEX', 'the message as hex'],
    ['--message-file F', 'the message is the bytes of F'],
    ...OPEN_FLAGS,
  ],
  example: [
    'stronghold id coordinator.stronghold  # allow this peer id in each participant\'s firewall: frost-shares use, frost-nonces use+write+revoke',
    'stronghold frost sign --snapshot coordinator.stronghold --group group.json --client wallet --message-hex 68656c6c6f \\',
    '  --participants /ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA... --participants /ip4/127.0.0.1/tcp/4003/p2p/12D3KooWC...',
  ].join('\n'),
  options: {
    snapshot: { type: 'string' }, group: { type: 'string' }, share: { type: 'string' }, 'nonce-vault': { type: 'string' }, 'message-hex': { type: 'string' }, 'message-file': { type: 'string' }, ...COMMON,
  },
  async run(ctx) {
    const { args, out } = ctx;
    positionals(args, []);
    const snapshot = requireFlag(args.values, 'snapshot');
    const addrs = participantsFlag(args.values);
    const clientPath = requireFlag(args.values, 'client');
    const groupBytes = await readFileFlag(requireFlag(args.values, 'group'), MAX_GROUP_FILE_BYTES, 'group');
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(groupBytes));
    } catch {
      throw invalidArgument('group', 'a JSON file written by `frost keygen --out`');
    }
    const group = parseGroup(typeof json === 'object' && json !== null && 'group' in json ? (json as { group: unknown }).group : json);
    const s = optionalFlag(args.values, 'share');
    const share: JsonLocation = s === undefined ? { vault: DEFAULT_SHARE_VAULT, record: hex(group.groupPublicKey) } : parseVaultRecord(s, 'share');
    const nonceVault = optionalFlag(args.values, 'nonce-vault') ?? DEFAULT_NONCE_VAULT;
    const message = await readMessageFlags(args.values, MAX_MESSAGE_BYTES);
    const result = await withIdentity(ctx, snapshot, (sh) => withPeers(sh, addrs, args.values, (peers) =>
      signWithParticipants(group, peers.map((p, i) => participant(p.client(clientPath).json, { name: addrs[i]!, share, nonceVault })), message)));
    const signature = hex(result.signature);
    out.result(signature, { signature, groupPublicKey: hex(group.groupPublicKey), signers: result.signers });
  },
};
