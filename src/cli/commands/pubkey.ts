/**
 * `stronghold pubkey`: the public key of a stored private key (PublicKey). Changes nothing.
 * @module
 */
import { Location } from '../../engine/location.js';
import { publicKey } from '../../procedures/public-key.js';
import { oneOf, parseVaultRecord, positionals, requireFlag } from '../args.js';
import type { Command } from '../command.js';
import { hex } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { KEY_TYPES } from './key-generate.js';

export const pubkey: Command = {
  name: 'pubkey',
  summary: 'print the public key of a stored private key',
  usage: 'pubkey <snapshot> --client C --key V/R --type ed25519|x25519|secp256k1',
  flags: [['--client C', 'the client path'], ['--key V/R', 'the private key record'], ['--type T', 'ed25519, x25519 or secp256k1 (compressed, 33 bytes)'], ...OPEN_FLAGS],
  example: 'stronghold pubkey wallet.stronghold --client app --key keys/signer --type ed25519',
  options: { client: { type: 'string' }, key: { type: 'string' }, type: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const clientPath = requireFlag(args.values, 'client');
    const key = parseVaultRecord(requireFlag(args.values, 'key'), 'key');
    const keyType = oneOf(requireFlag(args.values, 'type'), KEY_TYPES, 'type');
    const pub = await withSnapshot(ctx, path!, { write: false }, (sh) =>
      clientOf(sh, clientPath).execute(publicKey({ keyType, privateKey: Location.generic(key.vault, key.record) })));
    out.result(hex(pub), { client: clientPath, key, type: keyType, publicKey: hex(pub) });
  },
};
