/**
 * `stronghold pubkey`: the public key of a stored private key (PublicKey). Changes nothing.
 * @module
 */
import { Location } from '../../engine/location.js';
import { publicKey } from '../../procedures/public-key.js';
import { oneOf, optionalFlag, positionals, requireFlag } from '../args.js';
import type { Command } from '../command.js';
import { hex } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { KEY_TYPES } from './key-generate.js';
import { KEY_OPTIONS, keyFlag, keyFlags } from '../records.js';

export const pubkey: Command = {
  name: 'pubkey',
  summary: 'print the public key of a stored private key',
  usage: 'pubkey <snapshot> --client C --key V/R [--type ed25519|x25519|secp256k1]',
  flags: [['--client C', 'the client path'], ...keyFlags('the private key record'), ['--type T', 'ed25519 (default), x25519 or secp256k1 (compressed, 33 bytes)'], ...OPEN_FLAGS],
  example: 'stronghold pubkey wallet.stronghold --client app --key keys/signer',
  options: { client: { type: 'string' }, ...KEY_OPTIONS, type: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const clientPath = requireFlag(args.values, 'client');
    const key = keyFlag(args.values);
    const keyType = oneOf(optionalFlag(args.values, 'type') ?? 'ed25519', KEY_TYPES, 'type');
    const pub = await withSnapshot(ctx, path!, { write: false }, (sh) =>
      clientOf(sh, clientPath).execute(publicKey({ keyType, privateKey: Location.generic(key.vault, key.record) })));
    out.result(hex(pub), { client: clientPath, key, type: keyType, publicKey: hex(pub) });
  },
};
