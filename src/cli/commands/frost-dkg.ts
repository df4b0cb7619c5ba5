/**
 * `stronghold frost dkg`, `frost refresh`, `frost repair` and `frost abort`: dealer-free threshold keys across
 * Strongholds served by `stronghold serve` (docs/threshold.md). The local snapshot only provides the coordinator's
 * p2p identity that the participants' firewalls name; the coordinator relays public and sealed messages and holds
 * no secret. Output as `frost keygen`: the group key, the identifiers and where each share went (`--json`: the
 * group package and the participants, which `frost sign --group` reads).
 * @module
 */
import { unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { invalidArgument } from '../../errors.js';
import { abortKeyGeneration, DEFAULT_DKG_VAULT, generateKey, refreshShares, repairShare, type KeyMember } from '../../frost/dkg.js';
import type { DealtShare } from '../../frost/dealer.js';
import type { JsonLocation } from '../../frost/participant.js';
import { groupToJSON, parseGroup, type FrostGroup } from '../../frost/public.js';
import { optionalFlag, parseInteger, requireFlag, type Parsed } from '../args.js';
import type { Command, Context } from '../command.js';
import { readFileFlag } from '../files.js';
import { CliError, EXIT, hex, usage } from '../output.js';
import { OPEN_FLAGS } from '../session.js';
import { withIdentity } from './id.js';
import { claim, COMMON, COMMON_FLAGS, MAX_GROUP_FILE_BYTES, withPeers } from './frost.js';

/** The participants: the positional addresses and any `--participants`, in order. */
function addresses(args: Parsed): string[] {
  const v = (args.values as Record<string, unknown>).participants;
  const flagged = (Array.isArray(v) ? (v as string[]) : []).flatMap((s) => s.split(','));
  const list = [...args.positionals, ...flagged].map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw usage('give the participants\' addresses (MULTIADDR …/p2p/<peer id>), as arguments or with --participants');
  return list;
}

/** A run name: what the round-state records are called; letters, digits, `-` and `_`. */
function runName(args: Parsed): string | undefined {
  const run = optionalFlag(args.values, 'run');
  if (run !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(run)) throw usage('--run takes 1..64 letters, digits, - or _');
  return run;
}

interface GroupFile {
  group: FrostGroup;
  participants: { identifier: number; peer: string; share: JsonLocation }[];
}

/** The file `frost keygen --out` or `frost dkg --out` wrote: the group package and who holds which share. */
async function readGroupFile(path: string): Promise<GroupFile> {
  const bytes = await readFileFlag(path, MAX_GROUP_FILE_BYTES, 'group');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
  } catch {
    throw invalidArgument('group', 'a JSON file written by `frost keygen --out` or `frost dkg --out`');
  }
  const group = parseGroup(json?.group);
  const list = Array.isArray(json.participants) ? json.participants : [];
  const participants = list.map((p: unknown, i) => {
    const o = (p ?? {}) as Record<string, unknown>;
    const share = (o.share ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(o.identifier) || typeof o.peer !== 'string' || typeof share.vault !== 'string' || typeof share.record !== 'string') {
      throw invalidArgument(`group.participants[${i}]`, 'an object {identifier, peer, share: {vault, record}}');
    }
    return { identifier: o.identifier as number, peer: o.peer, share: { vault: share.vault, record: share.record } };
  });
  return { group, participants };
}

/** The group file's entry for `addr`. */
function entryOf(file: GroupFile, addr: string): GroupFile['participants'][number] {
  const e = file.participants.find((p) => p.peer === addr);
  if (!e) throw usage(`${addr} is not a participant of the --group file`, 'give the addresses the key set was made with');
  return e;
}

/** Writes the result to `--out` (claimed before the run, removed if it fails) and prints it as `frost keygen` does. */
async function finish(ctx: Context, clientPath: string, work: (file: FileHandle | null) => Promise<{ group: FrostGroup; shares: DealtShare[] }>): Promise<void> {
  const outFile = optionalFlag(ctx.args.values, 'out');
  const file = outFile === undefined ? null : await claim(outFile);
  let value: Record<string, unknown>;
  let result: { group: FrostGroup; shares: DealtShare[] };
  try {
    result = await work(file);
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
  ctx.out.result([
    `group public key ${hex(result.group.groupPublicKey)}`,
    `threshold ${result.group.threshold} of ${result.group.participants}`,
    ...result.shares.map((s) => `share ${s.identifier} -> ${s.name} (client ${clientPath}, ${s.share.vault}/${s.share.record})`),
  ], value);
}

const RUN_FLAG = ['--run NAME', `the run's name: its round state is ${DEFAULT_DKG_VAULT}/NAME on every participant (default: a fresh one, printed first); run again with the same name to resume`] as const;
const FIREWALL = `frost-keys use+write, ${DEFAULT_DKG_VAULT} use+write+revoke, frost-shares use+write+revoke`;

export const frostDkg: Command = {
  name: 'frost dkg',
  summary: 'generate a t-of-n threshold Ed25519 key (FROST) among served Strongholds, with no dealer',
  usage: 'frost dkg --snapshot FILE --threshold T --client C [--out FILE] [--run NAME] MULTIADDR...',
  flags: [
    ['--snapshot FILE', 'the local snapshot holding this coordinator\'s peer identity (created in it on first use)'],
    ['--threshold T', 'how many participants must sign (2..n)'],
    ...COMMON_FLAGS,
    ['--out FILE', 'also write the result (the public key set, for `frost sign --group`) to FILE; refuses to overwrite'],
    RUN_FLAG,
    ...OPEN_FLAGS,
  ],
  example: [
    `stronghold id coordinator.stronghold     # allow this peer id in each participant's firewall: ${FIREWALL}`,
    'stronghold frost dkg --snapshot coordinator.stronghold --threshold 2 --client wallet --out group.json \\',
    '  /ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA... /ip4/127.0.0.1/tcp/4002/p2p/12D3KooWB... /ip4/127.0.0.1/tcp/4003/p2p/12D3KooWC...',
  ].join('\n'),
  options: { snapshot: { type: 'string' }, threshold: { type: 'string' }, out: { type: 'string' }, run: { type: 'string' }, ...COMMON },
  async run(ctx) {
    const { args, out } = ctx;
    const snapshot = requireFlag(args.values, 'snapshot');
    const addrs = addresses(args);
    const threshold = parseInteger(requireFlag(args.values, 'threshold'), 'threshold', 2, Math.max(2, addrs.length));
    const clientPath = requireFlag(args.values, 'client');
    const run = runName(args) ?? randomBytes(8).toString('hex');
    await finish(ctx, clientPath, async () => {
      out.note(`run ${run}: if this stops before it finishes, run it again with --run ${run}, or \`stronghold frost abort --run ${run}\``);
      return withIdentity(ctx, snapshot, (sh) => withPeers(sh, addrs, args.values, (peers) =>
        generateKey(threshold, peers.map((p, i): KeyMember => ({ name: addrs[i]!, exec: p.client(clientPath).json })), { run })));
    });
  },
};

export const frostRefresh: Command = {
  name: 'frost refresh',
  summary: 'give participants new shares of the same threshold key (the old shares stop working)',
  usage: 'frost refresh --snapshot FILE --group FILE --client C [--out FILE] [--run NAME] MULTIADDR...',
  flags: [
    ['--snapshot FILE', 'the local snapshot holding this coordinator\'s peer identity'],
    ['--group FILE', 'the file `frost dkg --out` (or `frost keygen --out`) wrote: the key set and who holds which share'],
    ...COMMON_FLAGS,
    ['--out FILE', 'write the new public key set (new verifying shares, same group key) to FILE; refuses to overwrite'],
    RUN_FLAG,
    ...OPEN_FLAGS,
  ],
  example: 'stronghold frost refresh --snapshot coordinator.stronghold --group group.json --client wallet --out group-2.json \\\n  /ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA... /ip4/127.0.0.1/tcp/4002/p2p/12D3KooWB... /ip4/127.0.0.1/tcp/4003/p2p/12D3KooWC...',
  options: { snapshot: { type: 'string' }, group: { type: 'string' }, out: { type: 'string' }, run: { type: 'string' }, ...COMMON },
  async run(ctx) {
    const { args, out } = ctx;
    const snapshot = requireFlag(args.values, 'snapshot');
    const file = await readGroupFile(requireFlag(args.values, 'group'));
    const addrs = addresses(args);
    const clientPath = requireFlag(args.values, 'client');
    const entries = addrs.map((a) => entryOf(file, a));
    const run = runName(args) ?? randomBytes(8).toString('hex');
    await finish(ctx, clientPath, async () => {
      out.note(`run ${run}: if this stops before it finishes, run it again with --run ${run}, or \`stronghold frost abort --run ${run}\``);
      return withIdentity(ctx, snapshot, (sh) => withPeers(sh, addrs, args.values, (peers) =>
        refreshShares(file.group, peers.map((p, i): KeyMember => ({ name: addrs[i]!, exec: p.client(clientPath).json, identifier: entries[i]!.identifier, share: entries[i]!.share })), { run })));
    });
  },
};

export const frostRepair: Command = {
  name: 'frost repair',
  summary: 'rebuild a participant\'s lost share from a threshold of the others (no one learns it)',
  usage: 'frost repair --snapshot FILE --group FILE --client C --for MULTIADDR [--out FILE] MULTIADDR...',
  flags: [
    ['--snapshot FILE', 'the local snapshot holding this coordinator\'s peer identity'],
    ['--group FILE', 'the file `frost dkg --out` wrote: the key set and who holds which share'],
    ['--for MULTIADDR', 'the participant whose share is rebuilt (it keeps its X25519 key in frost-keys/x25519)'],
    ...COMMON_FLAGS,
    ['--out FILE', 'also write the result to FILE; refuses to overwrite'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold frost repair --snapshot coordinator.stronghold --group group.json --client wallet \\\n  --for /ip4/127.0.0.1/tcp/4003/p2p/12D3KooWC... /ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA... /ip4/127.0.0.1/tcp/4002/p2p/12D3KooWB...',
  options: { snapshot: { type: 'string' }, group: { type: 'string' }, for: { type: 'string' }, out: { type: 'string' }, ...COMMON },
  async run(ctx) {
    const { args } = ctx;
    const snapshot = requireFlag(args.values, 'snapshot');
    const file = await readGroupFile(requireFlag(args.values, 'group'));
    const helpers = addresses(args);
    const target = requireFlag(args.values, 'for');
    if (helpers.includes(target)) throw usage('--for names the participant being repaired; it cannot also help');
    const clientPath = requireFlag(args.values, 'client');
    const all = [...helpers, target];
    const entries = all.map((a) => entryOf(file, a));
    await finish(ctx, clientPath, () => withIdentity(ctx, snapshot, (sh) => withPeers(sh, all, args.values, async (peers) => {
      const member = (i: number): KeyMember & { identifier: number } => ({ name: all[i]!, exec: peers[i]!.client(clientPath).json, identifier: entries[i]!.identifier, share: entries[i]!.share });
      const repaired = await repairShare(file.group, helpers.map((_, i) => member(i)), member(helpers.length));
      return { group: file.group, shares: [repaired] };
    })));
  },
};

export const frostAbort: Command = {
  name: 'frost abort',
  summary: 'destroy the round state of an unfinished `frost dkg` or `frost refresh` on every participant',
  usage: 'frost abort --snapshot FILE --run NAME --client C MULTIADDR...',
  flags: [
    ['--snapshot FILE', 'the local snapshot holding this coordinator\'s peer identity'],
    ['--run NAME', 'the run to abort (as `frost dkg` printed it)'],
    ...COMMON_FLAGS,
    ...OPEN_FLAGS,
  ],
  example: 'stronghold frost abort --snapshot coordinator.stronghold --run 3f9c0a1b2c3d4e5f --client wallet /ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA... /ip4/127.0.0.1/tcp/4002/p2p/12D3KooWB...',
  options: { snapshot: { type: 'string' }, run: { type: 'string' }, ...COMMON },
  async run(ctx) {
    const { args, out } = ctx;
    const snapshot = requireFlag(args.values, 'snapshot');
    const run = runName(args) ?? requireFlag(args.values, 'run');
    const addrs = addresses(args);
    const clientPath = requireFlag(args.values, 'client');
    const result = await withIdentity(ctx, snapshot, (sh) => withPeers(sh, addrs, args.values, (peers) =>
      abortKeyGeneration(peers.map((p, i) => ({ name: addrs[i]!, exec: p.client(clientPath).json })), run)));
    if (result.failed.length > 0) throw new CliError('AbortIncomplete', `the round state of run ${run} may remain on ${result.failed.join(', ')}; run frost abort again for them`, EXIT.other);
    out.result(result.aborted.map((a) => `aborted run ${run} on ${a}`), { run, aborted: result.aborted });
  },
};
