/**
 * `stronghold run`: runs a JSON array of procedures (the JSON form of docs/procedures.md) as one chain and
 * prints the results. The client is created if the snapshot lacks it; the snapshot is saved only with
 * `--save` (without it the file is opened read-only and nothing is written).
 * @module
 */
import { invalidArgument } from '../../errors.js';
import { wipe } from '../../memory/guarded.js';
import { parseChain, resultToJSON } from '../../procedures/json.js';
import { optionalFlag, positionals, requireFlag } from '../args.js';
import type { Command } from '../command.js';
import { readFileFlag } from '../files.js';
import { usage } from '../output.js';
import { readStdin } from '../password.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

/** Largest JSON chain read; our choice (256 procedures with large messages fit). */
export const MAX_CHAIN_JSON_BYTES = 16 * 1024 * 1024;

async function chainBytes(ctx: Parameters<Command['run']>[0], file: string | undefined): Promise<Uint8Array> {
  if (file !== undefined) return readFileFlag(file, MAX_CHAIN_JSON_BYTES, 'file');
  if (ctx.input.stdin.isTTY === true) throw usage('no procedures given', 'pipe a JSON array on standard input, or pass --file F');
  return readStdin(ctx.input, MAX_CHAIN_JSON_BYTES, 'the procedures');
}

function parseJSON(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // The parser's message quotes the input, which may hold a mnemonic: say only what was expected.
    throw invalidArgument('chain', 'a JSON array of procedure objects (the input is not valid UTF-8 JSON)');
  } finally {
    wipe(bytes);
  }
}

export const run: Command = {
  name: 'run',
  summary: 'run a JSON array of procedures as one chain; print the results',
  usage: 'run <snapshot> --client C [--save] [--file F] < procedures.json',
  flags: [
    ['--client C', 'the client path (created in memory if the snapshot does not have it)'],
    ['--save', 'save the snapshot afterwards (otherwise nothing is written)'],
    ['--file F', 'read the JSON from F instead of standard input'],
    ...OPEN_FLAGS,
  ],
  example: `echo '[{"type":"GenerateKey","keyType":"ed25519","output":{"vault":"keys","record":"k"}},{"type":"PublicKey","keyType":"ed25519","privateKey":{"vault":"keys","record":"k"}}]' \\\n  | stronghold run wallet.stronghold --client app --save`,
  options: { client: { type: 'string' }, save: { type: 'boolean' }, file: { type: 'string' }, ...OPEN_OPTIONS },
  chain: true,
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const clientPath = requireFlag(args.values, 'client');
    const save = args.values.save === true;
    const calls = parseChain(parseJSON(await chainBytes(ctx, optionalFlag(args.values, 'file'))));
    const results = await withSnapshot(ctx, path!, { write: save }, async (sh) => {
      const outputs = await clientOf(sh, clientPath, true).executeChain(calls);
      try {
        return outputs.map((o, i) => ({ type: calls[i]!.procedure.type, result: resultToJSON(calls[i]!, o) }));
      } finally {
        for (const o of outputs) if (o instanceof Uint8Array) wipe(o);
      }
    });
    out.result(results.map((r, i) => `[${i}] ${r.type}: ${r.result === null ? 'ok' : JSON.stringify(r.result)}`), { results, saved: save });
  },
};
