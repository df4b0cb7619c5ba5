/**
 * `stronghold key generate`: stores a random private key (GenerateKey) and prints its public key. `--policy`
 * takes the JSON policy request of docs/procedures.md; the key is non-exportable unless `--exportable` (or
 * `"exportable": true` in the policy) asks for a key that may be synced to peers or wrapped out.
 * @module
 */
import { isStrongholdError } from '../../errors.js';
import * as f from '../../procedures/fields.js';
import { generateKey } from '../../procedures/generate-key.js';
import type { PolicyRequest } from '../../procedures/policy.js';
import { publicKey } from '../../procedures/public-key.js';
import { oneOf, optionalFlag, positionals, type Values } from '../args.js';
import type { Command } from '../command.js';
import { hex, usage } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { guardOverwrite, RECORD_FLAGS, RECORD_OPTIONS, recordTarget } from '../records.js';

export const KEY_TYPES = ['ed25519', 'x25519', 'secp256k1'] as const;

/** The `--policy` request, checked by the library's own parser so that the CLI accepts exactly what `run` does. */
/** `--exportable` folded into the policy; with a policy that says `"exportable": false` it is a contradiction. */
function withExportable(policy: PolicyRequest | undefined, exportable: boolean): PolicyRequest | undefined {
  if (!exportable) return policy;
  if (policy?.exportable === false) throw usage('--exportable contradicts --policy\'s "exportable": false', 'give one of them');
  return { ...policy, exportable: true };
}

export function policyFlag(values: Values): PolicyRequest | undefined {
  const text = optionalFlag(values, 'policy');
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usage('--policy must be JSON, e.g. \'{"exportable":false,"allowed":["Ed25519Sign"]}\'', 'quote it for the shell with single quotes');
  }
  try {
    return f.policy(json, 'GenerateKey');
  } catch (e) {
    if (!isStrongholdError(e, 'InvalidArgument')) throw e;
    const { field, expected } = e.details as { field: string; expected: string };
    throw usage(`--policy: "${field.replace(/^policy\./, '')}" expected ${expected}`, 'docs/procedures.md, "Usage policies", lists the fields and procedure names');
  }
}

export const keyGenerate: Command = {
  name: 'key generate',
  summary: 'store a new random private key; print its public key',
  usage: 'key generate <snapshot> --client C --key V/R [--type ed25519|x25519|secp256k1] [--policy JSON] [--exportable]',
  flags: [
    ...RECORD_FLAGS,
    ['--type T', 'ed25519 (default), x25519 or secp256k1'],
    ['--policy JSON', 'usage policy, e.g. \'{"allowed":["Ed25519Sign","PublicKey"]}\' (docs/procedures.md)'],
    ['--exportable', 'the key may leave the vault: synced to peers, wrapped out (AesKeyWrapEncrypt); default: never'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold key generate wallet.stronghold --client app --key keys/signer --policy \'{"allowed":["Ed25519Sign","PublicKey"]}\'',
  options: { ...RECORD_OPTIONS, type: { type: 'string' }, policy: { type: 'string' }, exportable: { type: 'boolean' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const t = recordTarget(args.values);
    const keyType = oneOf(optionalFlag(args.values, 'type') ?? 'ed25519', KEY_TYPES, 'type');
    const policy = withExportable(policyFlag(args.values), args.values.exportable === true);
    // A policy that does not allow PublicKey forbids the public key too: then the key is stored and none is printed.
    const showPublic = policy?.allowed === undefined || policy.allowed.includes('PublicKey');
    const pub = await withSnapshot(ctx, path!, { write: true }, async (sh) => {
      const client = clientOf(sh, t.client, true);
      guardOverwrite(client, t.location, args.values);
      const chain = [generateKey({ keyType, output: t.location, policy }), ...(showPublic ? [publicKey({ keyType, privateKey: t.location })] : [])];
      const [, pk] = await client.executeChain(chain);
      return pk as Uint8Array | undefined;
    });
    out.result([`stored a new ${keyType} key in ${t.key.vault}/${t.key.record} of client ${t.client}`,
      pub === undefined ? 'no public key: its policy does not allow PublicKey' : `public key ${hex(pub)}`],
    { client: t.client, key: t.key, type: keyType, publicKey: pub === undefined ? null : hex(pub) });
  },
};
