/**
 * `stronghold sign`: signs a message with a stored key (Ed25519Sign or Secp256k1EcdsaSign). Changes nothing.
 * @module
 */
import { Location } from '../../engine/location.js';
import { ed25519Sign } from '../../procedures/ed25519-sign.js';
import { secp256k1EcdsaSign } from '../../procedures/secp256k1-ecdsa-sign.js';
import { oneOf, optionalFlag, positionals, requireFlag } from '../args.js';
import { KEY_OPTIONS, keyFlag, keyFlags } from '../records.js';
import type { Command } from '../command.js';
import { readMessageFlags } from '../files.js';
import { hex } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

export const SIGN_TYPES = ['ed25519', 'secp256k1-keccak', 'secp256k1-sha256'] as const;
export type SignType = (typeof SIGN_TYPES)[number];

/** Largest message file; our choice (signing is for messages and digests, not archives). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export const sign: Command = {
  name: 'sign',
  summary: 'sign a message with a stored key',
  usage: 'sign <snapshot> --client C --key V/R [--type ed25519|secp256k1-keccak|secp256k1-sha256] (--message-hex HEX | --message-file F)',
  flags: [
    ['--client C', 'the client path'],
    ...keyFlags('the private key record (a derived key record works too)'),
    ['--type T', 'ed25519 (default, 64-byte RFC 8032 signature) or secp256k1-keccak / secp256k1-sha256 (65-byte r||s||v)'],
    ['--message-hex HEX', 'the message as hex'],
    ['--message-file F', 'the message is the bytes of F'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold sign wallet.stronghold --client iota_seed --key keys/addr0 --message-hex 68656c6c6f',
  options: { client: { type: 'string' }, ...KEY_OPTIONS, type: { type: 'string' }, 'message-hex': { type: 'string' }, 'message-file': { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const clientPath = requireFlag(args.values, 'client');
    const key = keyFlag(args.values);
    const t = optionalFlag(args.values, 'type');
    const type = t === undefined ? 'ed25519' : oneOf(t, SIGN_TYPES, 'type');
    const msg = await readMessageFlags(args.values, MAX_MESSAGE_BYTES);
    const privateKey = Location.generic(key.vault, key.record);
    const signature = await withSnapshot(ctx, path!, { write: false }, (sh) => {
      const client = clientOf(sh, clientPath);
      if (type === 'ed25519') return client.execute(ed25519Sign({ privateKey, msg }));
      return client.execute(secp256k1EcdsaSign({ flavor: type === 'secp256k1-keccak' ? 'keccak256' : 'sha256', privateKey, msg }));
    });
    out.result(hex(signature), { client: clientPath, key, type, signature: hex(signature) });
  },
};
