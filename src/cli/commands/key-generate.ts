/**
 * `stronghold key generate`: stores a random private key (GenerateKey) and prints its public key.
 * @module
 */
import { generateKey } from '../../procedures/generate-key.js';
import { publicKey } from '../../procedures/public-key.js';
import { oneOf, optionalFlag, positionals } from '../args.js';
import type { Command } from '../command.js';
import { hex } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { guardOverwrite, RECORD_FLAGS, RECORD_OPTIONS, recordTarget } from '../records.js';

export const KEY_TYPES = ['ed25519', 'x25519', 'secp256k1'] as const;

export const keyGenerate: Command = {
  name: 'key generate',
  summary: 'store a new random private key; print its public key',
  usage: 'key generate <snapshot> --client C --key V/R [--type ed25519|x25519|secp256k1]',
  flags: [...RECORD_FLAGS, ['--type T', 'ed25519 (default), x25519 or secp256k1'], ...OPEN_FLAGS],
  example: 'stronghold key generate wallet.stronghold --client app --key keys/signer',
  options: { ...RECORD_OPTIONS, type: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const t = recordTarget(args.values);
    const keyType = oneOf(optionalFlag(args.values, 'type') ?? 'ed25519', KEY_TYPES, 'type');
    const pub = await withSnapshot(ctx, path!, { write: true }, async (sh) => {
      const client = clientOf(sh, t.client, true);
      guardOverwrite(client, t.location, args.values);
      const [, pk] = await client.executeChain([generateKey({ keyType, output: t.location }), publicKey({ keyType, privateKey: t.location })]);
      return pk as Uint8Array;
    });
    out.result([`stored a new ${keyType} key in ${t.key.vault}/${t.key.record} of client ${t.client}`, `public key ${hex(pub)}`],
      { client: t.client, key: t.key, type: keyType, publicKey: hex(pub) });
  },
};
