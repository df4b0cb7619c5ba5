/**
 * `stronghold remote <multiaddr> --snapshot FILE <run|pubkey|sign|ls>`: the local commands, run on a served
 * Stronghold (src/p2p/remote.ts). The caller's peer identity is the one stored in FILE (created there on
 * first use, then saved), so the server's firewall can name it; `stronghold id FILE` prints it.
 * `run`, `pubkey` and `sign` take the flags of their local forms; `ls` lists one vault (`--vault`), since a
 * server only answers for vaults its firewall lets the caller list.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { invalidArgument } from '../../errors.js';
import { wipe } from '../../memory/guarded.js';
import { remote as connect } from '../../p2p/remote.js';
import { oneOf, optionalFlag, parseHexFlag, parseInteger, parseVaultRecord, positionals, requireFlag, type Values } from '../args.js';
import type { Command, Context } from '../command.js';
import { CliError, EXIT, hex, usage } from '../output.js';
import { readStdin } from '../password.js';
import { OPEN_FLAGS, OPEN_OPTIONS } from '../session.js';
import { withIdentity } from './id.js';
import { KEY_TYPES } from './key-generate.js';
import { MAX_CHAIN_JSON_BYTES } from './run.js';
import { MAX_MESSAGE_BYTES } from './sign.js';

const SUBCOMMANDS = ['run', 'pubkey', 'sign', 'ls'] as const;
type Sub = (typeof SUBCOMMANDS)[number];
const SIGN_TYPES = ['ed25519', 'secp256k1-keccak', 'secp256k1-sha256'] as const;

/** Flags each subcommand accepts (besides --snapshot and the common ones). */
const SUB_FLAGS: Record<Sub, readonly string[]> = {
  run: ['client', 'file'],
  pubkey: ['client', 'key', 'type'],
  sign: ['client', 'key', 'type', 'message-hex', 'message-file'],
  ls: ['client', 'vault'],
};
const ALL_SUB_FLAGS = new Set(Object.values(SUB_FLAGS).flat());

async function readBounded(file: string, max: number, flag: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(file);
    if (buf.length > max) throw usage(`--${flag} is larger than ${max} bytes`);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as { code?: string }).code ?? 'error';
    throw new CliError(code === 'ENOENT' ? 'FileNotFound' : 'Io', `cannot read --${flag} ${file} (${code})`, code === 'ENOENT' ? EXIT.notFound : EXIT.other);
  }
}

async function chainJSON(ctx: Context, file: string | undefined): Promise<Record<string, unknown>[]> {
  let bytes: Uint8Array;
  if (file !== undefined) bytes = await readBounded(file, MAX_CHAIN_JSON_BYTES, 'file');
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
  summary: 'run, pubkey, sign or ls on a Stronghold served by `stronghold serve`',
  usage: 'remote <multiaddr> --snapshot FILE (run --client C [--file F] | pubkey --client C --key V/R --type T | sign --client C --key V/R [--type T] (--message-hex HEX | --message-file F) | ls --client C --vault V)',
  flags: [
    ['--snapshot FILE', 'the local snapshot holding this caller\'s peer identity (created in it on first use)'],
    ['--client C', 'the client path on the server'],
    ['--key V/R', 'pubkey, sign: the private key record on the server'],
    ['--type T', 'pubkey: ed25519, x25519 or secp256k1; sign: ed25519 (default), secp256k1-keccak or secp256k1-sha256'],
    ['--message-hex HEX', 'sign: the message as hex'],
    ['--message-file F', 'sign: the message is the bytes of F'],
    ['--file F', 'run: read the JSON chain from F instead of standard input'],
    ['--vault V', 'ls: the vault to list'],
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
    'message-hex': { type: 'string' }, 'message-file': { type: 'string' }, file: { type: 'string' }, vault: { type: 'string' },
    'timeout-ms': { type: 'string' }, ...OPEN_OPTIONS,
  },
  async run(ctx) {
    const { args, out } = ctx;
    const [addr, subName] = positionals(args, ['multiaddr', 'subcommand']);
    const sub = oneOf(subName!, SUBCOMMANDS, 'subcommand');
    checkFlags(sub, args.values);
    const snapshot = requireFlag(args.values, 'snapshot');
    const clientPath = requireFlag(args.values, 'client');
    const timeout = optionalFlag(args.values, 'timeout-ms');
    const chain = sub === 'run' ? await chainJSON(ctx, optionalFlag(args.values, 'file')) : null;
    let msg: Uint8Array | null = null;
    if (sub === 'sign') {
      const hexValue = optionalFlag(args.values, 'message-hex');
      const file = optionalFlag(args.values, 'message-file');
      if ((hexValue === undefined) === (file === undefined)) throw usage('give exactly one of --message-hex HEX and --message-file F');
      msg = hexValue !== undefined ? parseHexFlag(hexValue, 'message-hex') : await readBounded(file!, MAX_MESSAGE_BYTES, 'message-file');
    }
    await withIdentity(ctx, snapshot, async (sh) => {
      const r = await connect(sh, addr!, timeout === undefined ? {} : { requestTimeoutMs: parseInteger(timeout, 'timeout-ms', 1, 3_600_000) });
      try {
        const c = r.client(clientPath);
        if (sub === 'run') {
          const results = (await c.executeChain(chain!)).map((result, i) => ({ type: String(chain![i]!.type), result }));
          out.result(results.map((x, i) => `[${i}] ${x.type}: ${x.result === null ? 'ok' : JSON.stringify(x.result)}`), { peer: r.peerId, results });
        } else if (sub === 'pubkey') {
          const key = parseVaultRecord(requireFlag(args.values, 'key'), 'key');
          const keyType = oneOf(requireFlag(args.values, 'type'), KEY_TYPES, 'type');
          const pub = String(await c.execute({ type: 'PublicKey', keyType, privateKey: key }));
          out.result(pub, { peer: r.peerId, client: clientPath, key, type: keyType, publicKey: pub });
        } else if (sub === 'sign') {
          const key = parseVaultRecord(requireFlag(args.values, 'key'), 'key');
          const t = optionalFlag(args.values, 'type');
          const type = t === undefined ? 'ed25519' : oneOf(t, SIGN_TYPES, 'type');
          const procedure = type === 'ed25519'
            ? { type: 'Ed25519Sign', privateKey: key, msg: hex(msg!) }
            : { type: 'Secp256k1EcdsaSign', flavor: type === 'secp256k1-keccak' ? 'keccak256' : 'sha256', privateKey: key, msg: hex(msg!) };
          const signature = String(await c.execute(procedure));
          out.result(signature, { peer: r.peerId, client: clientPath, key, type, signature });
        } else {
          const vault = requireFlag(args.values, 'vault');
          const records = (await c.listRecords(vault)).map((x) => ({ id: x.id, hint: hex(x.hint), length: x.length }));
          out.result(records.length === 0 ? ['(no records)'] : records.map((x) => `record ${x.id}  ${x.length} bytes  hint ${x.hint}`), { peer: r.peerId, client: clientPath, vault, records });
        }
      } finally {
        await r.close();
      }
    });
  },
};
