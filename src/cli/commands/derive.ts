/**
 * `stronghold derive`: SLIP-10 derivation (Slip10Derive) from a seed record, or with `--from-key` from a
 * key this command stored before, into another record. Prints the chain code.
 * @module
 */
import { Location } from '../../engine/location.js';
import { slip10Derive } from '../../procedures/slip10-derive.js';
import { oneOf, optionalFlag, parseBip32Path, parseVaultRecord, positionals, requireFlag } from '../args.js';
import { usage } from '../output.js';
import type { Command } from '../command.js';
import { hex } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { guardOverwrite } from '../records.js';

export const derive: Command = {
  name: 'derive',
  summary: 'SLIP-10 derive a key from a seed (or key) record into another record; print the chain code',
  usage: 'derive <snapshot> --client C --key V/R --to V/R2 --path "m/44\'/4219\'/0\'/0\'/0\'" [--curve ed25519|secp256k1] [--from-key]',
  flags: [
    ['--client C', 'the client path'],
    ['--key V/R', 'the seed record (or, with --from-key, a 64-byte key that derive stored)'],
    ['--from V/R', 'an alias of --key V/R (the older name)'],
    ['--to V/R2', 'where the derived key (private key || chain code) is stored'],
    ['--path P', 'BIP-32 path, e.g. m/44\'/4219\'/0\'/0\'/0\' (Ed25519 needs every index hardened)'],
    ['--curve C', 'ed25519 (default) or secp256k1'],
    ['--from-key', '--key holds a derived key, not a seed'],
    ['--force', 'replace --to if it exists'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold derive wallet.stronghold --client iota_seed --key iota-wallet-secret/iota-wallet-seed --to keys/addr0 --path "m/44\'/4219\'/0\'/0\'/0\'"',
  options: {
    client: { type: 'string' }, key: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, path: { type: 'string' },
    curve: { type: 'string' }, 'from-key': { type: 'boolean' }, force: { type: 'boolean' }, ...OPEN_OPTIONS,
  },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const clientPath = requireFlag(args.values, 'client');
    const fromFlag = args.values.key !== undefined ? 'key' : 'from';
    if (args.values.key !== undefined && args.values.from !== undefined) throw usage('give the source record once: --key V/R, or its alias --from V/R');
    if (args.values.key === undefined && args.values.from === undefined) throw usage('--key VAULT/RECORD (the seed) is required');
    const from = parseVaultRecord(requireFlag(args.values, fromFlag), fromFlag);
    const to = parseVaultRecord(requireFlag(args.values, 'to'), 'to');
    const chain = parseBip32Path(requireFlag(args.values, 'path'), 'path');
    const c = optionalFlag(args.values, 'curve');
    const curve = c === undefined ? 'ed25519' : oneOf(c, ['ed25519', 'secp256k1'] as const, 'curve');
    const source = Location.generic(from.vault, from.record);
    const target = Location.generic(to.vault, to.record);
    const chainCode = await withSnapshot(ctx, path!, { write: true }, async (sh) => {
      const client = clientOf(sh, clientPath);
      guardOverwrite(client, target, args.values);
      const input = args.values['from-key'] === true ? { key: source } : { seed: source };
      return client.execute(slip10Derive({ curve, chain, input, output: target }));
    });
    out.result([`derived m/${chain.join('/')} (${curve}) into ${to.vault}/${to.record}`, `chain code ${hex(chainCode)}`],
      { client: clientPath, key: from, to, path: `m/${chain.join('/')}`, curve, chainCode: hex(chainCode) });
  },
};
