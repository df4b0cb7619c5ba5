/**
 * `stronghold remote <multiaddr> --snapshot FILE <run|pubkey|sign|ls>`: the local commands, run on a served
 * Stronghold (src/p2p/remote.ts). The caller's peer identity is the one stored in FILE (created there on
 * first use, then saved), so the server's firewall can name it; `stronghold id FILE` prints it.
 * `run`, `pubkey` and `sign` take the flags of their local forms; `ls` lists the ids of the vaults the server's
 * firewall lets the caller list (a Stronghold keeps ids, not names), or with `--vault V` that vault's records.
 * @module
 */
import { invalidArgument } from '../../errors.js';
import { wipe } from '../../memory/guarded.js';
import { remote as connect } from '../../p2p/remote.js';
import { oneOf, optionalFlag, parseInteger, parseVaultRecord, positionals, requireFlag, type Values } from '../args.js';
import type { Command, Context } from '../command.js';
import { readFileFlag, readMessageFlags } from '../files.js';
import { hex, usage } from '../output.js';
import { readStdin } from '../password.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { withIdentity } from './id.js';
import { KEY_TYPES } from './key-generate.js';
import { MAX_CHAIN_JSON_BYTES } from './run.js';
import { MAX_MESSAGE_BYTES } from './sign.js';

const SUBCOMMANDS = ['run', 'pubkey', 'sign', 'ls', 'pull'] as const;
type Sub = (typeof SUBCOMMANDS)[number];
const SIGN_TYPES = ['ed25519', 'secp256k1-keccak', 'secp256k1-sha256'] as const;

/** Flags each subcommand accepts (besides --snapshot and the common ones). */
const SUB_FLAGS: Record<Sub, readonly string[]> = {
  run: ['client', 'file'],
  pubkey: ['client', 'key', 'type'],
  sign: ['client', 'key', 'type', 'message-hex', 'message-file'],
  ls: ['client', 'vault'],
  pull: ['client', 'vault', 'into', 'rename', 'replace'],
};
const ALL_SUB_FLAGS = new Set(Object.values(SUB_FLAGS).flat());


async function chainJSON(ctx: Context, file: string | undefined): Promise<Record<string, unknown>[]> {
  let bytes: Uint8Array;
  if (file !== undefined) bytes = await readFileFlag(file, MAX_CHAIN_JSON_BYTES, 'file');
  else if (ctx.input.stdin.isTTY === true) throw usage('no procedures given', 'pipe a JSON array on standard input, or pass --file F');
  else bytes = await readStdin(ctx.input, MAX_CHAIN_JSON_BYTES, 'the procedures');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // The parser's message quotes the input, which may hold a mnemonic.
    throw invalidArgument('chain', 'a JSON array of procedure objects (the input is not valid UTF-8 JSON)');
  } finally {
    wipe(bytes);
  }
  if (!Array.isArray(json)) throw invalidArgument('chain', 'a JSON array of procedure objects');
  return json as Record<string, unknown>[];
}

function checkFlags(sub: Sub, values: Values): void {
  for (const flag of ALL_SUB_FLAGS) {
    if (values[flag] !== undefined && !SUB_FLAGS[sub].includes(flag)) throw usage(`remote ${sub} does not take --${flag}`, 'see stronghold remote --help');
  }
}

export const remote: Command = {
  name: 'remote',
  summary: 'run, pubkey, sign, ls or pull (sync) on a Stronghold served by `stronghold serve`',
  usage: 'remote <multiaddr> --snapshot FILE (run --client C [--file F] | pubkey --client C --key V/R [--type T] | sign --client C --key V/R [--type T] (--message-hex HEX | --message-file F) | ls --client C [--vault V] | pull --client C [--into C2] [--vault V]... [--rename FROM=TO]... [--replace])',
  flags: [
    ['--snapshot FILE', 'the local snapshot holding this caller\'s peer identity (created in it on first use)'],
    ['--client C', 'the client path on the server'],
    ['--key V/R', 'pubkey, sign: the private key record on the server'],
    ['--type T', 'pubkey: ed25519 (default), x25519 or secp256k1; sign: ed25519 (default), secp256k1-keccak or secp256k1-sha256'],
    ['--message-hex HEX', 'sign: the message as hex'],
    ['--message-file F', 'sign: the message is the bytes of F'],
    ['--file F', 'run: read the JSON chain from F instead of standard input'],
    ['--vault V', 'ls: list this vault\'s records (default: the ids of every vault this peer may list); pull: a vault to pull (repeatable; default every vault the server offers)'],
    ['--into C', 'pull: the local client to merge into (default the same path as --client; created if missing)'],
    ['--rename FROM=TO', 'pull: store the records of server vault FROM in local vault TO (repeatable)'],
    ['--replace', 'pull: replace local records that differ (default: keep the local version)'],
    ['--timeout-ms N', 'time to wait for an answer (default 11000)'],
    ...OPEN_FLAGS,
  ],
  example: [
    'stronghold id caller.stronghold                # give this peer id to the server\'s firewall rules',
    'stronghold remote /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... --snapshot caller.stronghold \\',
    '  sign --client wallet --key keys/k0 --message-hex 68656c6c6f',
  ].join('\n'),
  options: {
    snapshot: { type: 'string' }, client: { type: 'string' }, key: { type: 'string' }, type: { type: 'string' },
    'message-hex': { type: 'string' }, 'message-file': { type: 'string' }, file: { type: 'string' }, vault: { type: 'string', multiple: true },
    into: { type: 'string' }, rename: { type: 'string', multiple: true }, replace: { type: 'boolean' },
    'timeout-ms': { type: 'string' }, ...OPEN_OPTIONS,
  },
  async run(ctx) {
    const { args, out } = ctx;
    const [addr, subName] = positionals(args, ['multiaddr', 'subcommand']);
    const sub = oneOf(subName!, SUBCOMMANDS, 'subcommand');
    checkFlags(sub, args.values);
    out.steps = sub === 'run';
    const snapshot = requireFlag(args.values, 'snapshot');
    const clientPath = requireFlag(args.values, 'client');
    const timeout = optionalFlag(args.values, 'timeout-ms');
    const chain = sub === 'run' ? await chainJSON(ctx, optionalFlag(args.values, 'file')) : null;
    let msg: Uint8Array | null = null;
    if (sub === 'sign') msg = await readMessageFlags(args.values, MAX_MESSAGE_BYTES);
    if (sub === 'pull') return pull(ctx, addr!, snapshot, clientPath, timeout);
    await withIdentity(ctx, snapshot, async (sh) => {
      const r = await connect(sh, addr!, timeout === undefined ? {} : { requestTimeoutMs: parseInteger(timeout, 'timeout-ms', 1, 3_600_000) });
      try {
        const c = r.client(clientPath);
        if (sub === 'run') {
          const results = (await c.json.executeChain(chain!)).map((result, i) => ({ type: String(chain![i]!.type), result }));
          out.result(results.map((x, i) => `[${i}] ${x.type}: ${x.result === null ? 'ok' : JSON.stringify(x.result)}`), { peer: r.peerId, results });
        } else if (sub === 'pubkey') {
          const key = parseVaultRecord(requireFlag(args.values, 'key'), 'key');
          const keyType = oneOf(optionalFlag(args.values, 'type') ?? 'ed25519', KEY_TYPES, 'type');
          const pub = String(await c.json.execute({ type: 'PublicKey', keyType, privateKey: key }));
          out.result(pub, { peer: r.peerId, client: clientPath, key, type: keyType, publicKey: pub });
        } else if (sub === 'sign') {
          const key = parseVaultRecord(requireFlag(args.values, 'key'), 'key');
          const t = optionalFlag(args.values, 'type');
          const type = t === undefined ? 'ed25519' : oneOf(t, SIGN_TYPES, 'type');
          const procedure = type === 'ed25519'
            ? { type: 'Ed25519Sign', privateKey: key, msg: hex(msg!) }
            : { type: 'Secp256k1EcdsaSign', flavor: type === 'secp256k1-keccak' ? 'keccak256' : 'sha256', privateKey: key, msg: hex(msg!) };
          const signature = String(await c.json.execute(procedure));
          out.result(signature, { peer: r.peerId, client: clientPath, key, type, signature });
        } else {
          const vaults = args.values.vault as unknown as string[] | undefined;
          if (vaults === undefined) {
            const ids = await c.listVaults();
            out.result(ids.length === 0 ? ['(no vaults this peer may list)'] : ids.map((id) => `vault ${id}`), { peer: r.peerId, client: clientPath, vaults: ids });
            return;
          }
          if (vaults.length !== 1) throw usage('remote ls takes at most one --vault V');
          const vault = vaults[0]!;
          const records = (await c.listRecords(vault)).map((x) => ({ id: x.id, hint: hex(x.hint), length: x.length }));
          out.result(records.length === 0 ? ['(no records)'] : records.map((x) => `record ${x.id}  ${x.length} bytes  hint ${x.hint}`), { peer: r.peerId, client: clientPath, vault, records });
        }
      } finally {
        await r.close();
      }
    });
  },
};

/** `remote ... pull`: sync into the caller's snapshot, which is opened for writing and saved. */
async function pull(ctx: Context, addr: string, snapshot: string, clientPath: string, timeout: string | undefined): Promise<void> {
  const { args, out } = ctx;
  const vaults = args.values.vault as unknown as string[] | undefined;
  const rename = ((args.values.rename as unknown as string[] | undefined) ?? []).map((pair): [string, string] => {
    const i = pair.indexOf('=');
    if (i <= 0 || i === pair.length - 1) throw usage(`--rename must be FROM=TO, got "${pair.slice(0, 40)}"`);
    return [pair.slice(0, i), pair.slice(i + 1)];
  });
  const into = optionalFlag(args.values, 'into') ?? clientPath;
  const policy = args.values.replace === true ? 'replace' as const : 'keep' as const;
  const result = await withSnapshot(ctx, snapshot, { write: true }, async (sh) => {
    const r = await connect(sh, addr, timeout === undefined ? {} : { requestTimeoutMs: parseInteger(timeout, 'timeout-ms', 1, 3_600_000) });
    try {
      const res = await r.client(clientPath).pull(into, { policy, rename, ...(vaults ? { vaults } : {}) });
      // Merged records do not mark the Stronghold as changed: save explicitly.
      await sh.save();
      return { peer: r.peerId, ...res };
    } finally {
      await r.close();
    }
  });
  // The server never offers what it must not send, so the caller cannot count it; say so instead of a bare 0.
  const notSent = 'non-exportable and revoked records are never sent, and vaults the server\'s firewall does not let this peer sync are not offered';
  out.result([
    `pulled ${result.merged} record(s) into client ${into} (${result.kept} kept as they were); saved ${snapshot}`,
    `skipped: ${notSent}`,
  ], { ...result, client: clientPath, into, policy, notSent });
}
