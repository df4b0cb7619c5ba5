/**
 * `stronghold verify`: checks a signature of the forms `sign` makes, against a public key given as hex or the
 * public key of a stored record (PublicKey: the secret is never read out). Ed25519 is checked by node:crypto,
 * secp256k1 by @noble/curves: independently of the procedures that signed. Valid: exit 0; not valid: exit 7.
 * @module
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Location } from '../../engine/location.js';
import { publicKey } from '../../procedures/public-key.js';
import { oneOf, optionalFlag, parseHexFlag, requireFlag } from '../args.js';
import type { Command, Context } from '../command.js';
import { readMessageFlags } from '../files.js';
import { CliError, EXIT, hex, usage } from '../output.js';
import { KEY_OPTIONS, keyFlag, keyFlags, type RecordRef } from '../records.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { MAX_MESSAGE_BYTES, SIGN_TYPES, type SignType } from './sign.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): node:crypto takes raw keys in this wrapping. */
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

function ed25519Valid(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pub.length !== 32) throw usage(`an Ed25519 public key is 32 bytes, got ${pub.length}`);
  if (sig.length !== 64) throw usage(`--signature-hex: an Ed25519 signature is 64 bytes, got ${sig.length}`);
  let key;
  try {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI, pub]), format: 'der', type: 'spki' });
  } catch {
    throw usage('the public key is not an Ed25519 public key (not a point of the curve)');
  }
  return nodeVerify(null, msg, key, sig);
}

/**
 * `r || s` (64 bytes) must verify over the flavor's digest; with the recovery byte `v` of `sign`'s 65-byte form,
 * `v` must also recover this public key, since a consumer that recovers (Ethereum) would otherwise get another one.
 */
function secp256k1Valid(pub: Uint8Array, digest: Uint8Array, sig: Uint8Array): { valid: boolean; why: string } {
  try {
    secp256k1.Point.fromBytes(pub);
  } catch {
    throw usage(`the public key is not a secp256k1 public key (33 bytes compressed or 65 uncompressed, on the curve), got ${pub.length} bytes`);
  }
  if (sig.length !== 64 && sig.length !== 65) throw usage(`--signature-hex: a secp256k1 signature is r||s (64 bytes) or r||s||v (65 bytes), got ${sig.length}`);
  const rs = sig.subarray(0, 64);
  let valid: boolean;
  try {
    valid = secp256k1.verify(rs, digest, pub, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    valid = false;
  }
  if (!valid) return { valid, why: 'r||s does not verify against this public key and message' };
  if (sig.length === 64) return { valid, why: '' };
  const v = sig[64]!;
  if (v > 1) return { valid: false, why: `its recovery byte v is ${v}; sign writes 0 or 1` };
  let recovered: Uint8Array;
  try {
    recovered = secp256k1.recoverPublicKey(Uint8Array.of(v, ...rs), digest, { prehash: false });
  } catch {
    return { valid: false, why: `its recovery byte v=${v} recovers no public key` };
  }
  const same = secp256k1.Point.fromBytes(recovered).equals(secp256k1.Point.fromBytes(pub));
  return same ? { valid, why: '' } : { valid: false, why: `r||s verifies but its recovery byte v=${v} recovers another public key` };
}

/** The public key to check against: `--public-key-hex`, or that of the record `--key` (with the snapshot). */
async function publicKeyOf(ctx: Context, type: SignType): Promise<{ pub: Uint8Array; client?: string; key?: RecordRef }> {
  const { args } = ctx;
  const given = optionalFlag(args.values, 'public-key-hex');
  const named = ['key', 'vault', 'record'].some((k) => args.values[k] !== undefined);
  if ((given === undefined) === !named) throw usage('give exactly one of --public-key-hex HEX and --key V/R (with <snapshot> and --client)', 'see --help');
  if (given !== undefined) {
    if (args.positionals.length > 0) throw usage(`unexpected argument "${args.positionals[0]!.slice(0, 40)}": with --public-key-hex no snapshot is read`);
    return { pub: parseHexFlag(given, 'public-key-hex') };
  }
  if (args.positionals.length !== 1) throw usage(args.positionals.length === 0 ? 'missing <snapshot>: --key names a record in it' : `unexpected argument "${args.positionals[1]!.slice(0, 40)}"`, 'see --help');
  const path = args.positionals[0]!;
  const client = requireFlag(args.values, 'client');
  const key = keyFlag(args.values);
  const keyType = type === 'ed25519' ? 'ed25519' : 'secp256k1';
  const pub = await withSnapshot(ctx, path, { write: false }, (sh) =>
    clientOf(sh, client).execute(publicKey({ keyType, privateKey: Location.generic(key.vault, key.record) })));
  return { pub, client, key };
}

export const verify: Command = {
  name: 'verify',
  summary: 'check a signature against a public key or a stored key (exit 7 if it does not verify)',
  usage: 'verify [<snapshot> --client C --key V/R | --public-key-hex HEX] --signature-hex HEX (--message-hex HEX | --message-file F) [--type ed25519|secp256k1-keccak|secp256k1-sha256]',
  flags: [
    ['--public-key-hex HEX', 'the public key: Ed25519 32 bytes, secp256k1 33 (compressed) or 65 bytes'],
    ['--client C', 'with --key: the client path'],
    ...keyFlags('or: the stored private key whose public key (PublicKey) is checked against'),
    ['--signature-hex HEX', 'the signature: Ed25519 64 bytes; secp256k1 r||s||v (65 bytes, as sign prints) or r||s'],
    ['--type T', 'ed25519 (default), secp256k1-keccak or secp256k1-sha256: as for sign'],
    ['--message-hex HEX', 'the message as hex'],
    ['--message-file F', 'the message is the bytes of F'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold verify wallet.stronghold --client app --key keys/signer --message-hex 68656c6c6f --signature-hex "$SIG"',
  options: {
    'public-key-hex': { type: 'string' }, client: { type: 'string' }, ...KEY_OPTIONS, 'signature-hex': { type: 'string' },
    type: { type: 'string' }, 'message-hex': { type: 'string' }, 'message-file': { type: 'string' }, ...OPEN_OPTIONS,
  },
  async run(ctx) {
    const { args, out } = ctx;
    const t = optionalFlag(args.values, 'type');
    const type = t === undefined ? 'ed25519' : oneOf(t, SIGN_TYPES, 'type');
    const sig = parseHexFlag(requireFlag(args.values, 'signature-hex'), 'signature-hex');
    const msg = await readMessageFlags(args.values, MAX_MESSAGE_BYTES);
    const { pub, client, key } = await publicKeyOf(ctx, type);
    const { valid, why } = type === 'ed25519'
      ? { valid: ed25519Valid(pub, msg, sig), why: 'it does not verify against this public key and message' }
      : secp256k1Valid(pub, type === 'secp256k1-keccak' ? keccak_256(msg) : sha256(msg), sig);
    if (!valid) {
      throw new CliError('BadSignature', `the ${type} signature is not valid: ${why}`, EXIT.badSignature,
        'check the message (hex or file), the key and --type; nothing was changed');
    }
    out.result(`valid ${type} signature by ${hex(pub)}`, { ...(client === undefined ? {} : { client, key }), type, publicKey: hex(pub), valid: true });
  },
};
