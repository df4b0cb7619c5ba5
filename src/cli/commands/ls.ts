/**
 * `stronghold ls <snapshot> [--client PATH]`: clients, vaults, record ids (hex), hints with the kind and usage
 * policy they carry, and store keys. Never secret contents. Snapshots store ids, not names, so clients and vaults
 * are shown by id (the client given with --client is also named, and so are the records given with --key).
 *
 * `--pubkeys` adds the public key of each named record whose kind is a key kind, computed by the PublicKey
 * procedure inside the vault (the secret is never read out). Only named records: a procedure takes a record by its
 * vault and record path, and an id (a hash of them) cannot be turned back into them.
 * @module
 */
import type { Client } from '../../client/client.js';
import type { ClientInventory, Stronghold } from '../../client/stronghold.js';
import { Location } from '../../engine/location.js';
import { decodeHint, describePolicy, type RecordKind, type RecordPolicy } from '../../procedures/policy.js';
import { publicKey } from '../../procedures/public-key.js';
import type { KeyType } from '../../procedures/fields.js';
import { optionalFlag, parseVaultRecord, positionals } from '../args.js';
import type { Command } from '../command.js';
import { hex, usage } from '../output.js';
import type { RecordRef } from '../records.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

const printable = /^[\x20-\x7e]+$/;

/** A store key as text when it is printable ASCII, else null (its hex is always given). */
export function keyText(key: Uint8Array): string | null {
  const text = Buffer.from(key).toString('latin1');
  return printable.test(text) ? text : null;
}

/** The PublicKey key type of each kind that is a private key; other kinds (seeds, symmetric, unknown) have none. */
const KEY_TYPE_OF_KIND: Partial<Record<RecordKind, KeyType>> = {
  ed25519: 'ed25519', 'slip10-ed25519': 'ed25519', secp256k1: 'secp256k1', 'slip10-secp256k1': 'secp256k1', x25519: 'x25519',
};

/** The public key of a named key record: hex, or why there is none. */
async function publicKeyOf(client: () => Client, key: RecordRef | null, kind: RecordKind, policy: RecordPolicy): Promise<{ publicKey: string | null; why: string | null }> {
  const keyType = KEY_TYPE_OF_KIND[kind];
  if (keyType === undefined) return { publicKey: null, why: `a ${kind} record is not a private key` };
  if (key === null) return { publicKey: null, why: 'name it with --key VAULT/RECORD to see its public key' };
  // Checked here, so that a record whose policy forbids it is reported instead of failing the whole listing.
  if (policy.allowed !== null && !policy.allowed.includes('PublicKey')) return { publicKey: null, why: 'its policy does not allow PublicKey' };
  const pub = await client().execute(publicKey({ keyType, privateKey: Location.generic(key.vault, key.record) }));
  return { publicKey: hex(pub), why: null };
}

async function listClient(sh: Stronghold, c: ClientInventory, name: string | null, named: RecordRef[], pubkeys: boolean) {
  const byId = new Map(named.map((k) => {
    const loc = Location.generic(k.vault, k.record);
    return [`${loc.vaultKey}/${loc.recordKey}`, k] as const;
  }));
  // Loaded once, on first need: a client can be loaded only once per open snapshot.
  let loaded: Client | undefined;
  const client = (): Client => (loaded ??= sh.loadClient(name!));
  const vaults = [];
  for (const v of c.vaults) {
    const records = [];
    for (const r of v.records) {
      const { kind, policy } = decodeHint(r.hint);
      const key = byId.get(`${v.id}/${r.id}`) ?? null;
      records.push({
        id: r.id, key, hint: hex(r.hint), length: r.length, kind, policy: { exportable: policy.exportable, allowed: policy.allowed }, policyText: describePolicy(policy),
        ...(pubkeys ? await publicKeyOf(client, key, kind, policy) : {}),
      });
    }
    vaults.push({ id: v.id, records, revoked: v.revoked });
  }
  const storeKeys = c.storeKeys.map((k) => ({ key: hex(k), text: keyText(k) }));
  return { id: c.id, name, vaults, storeKeys };
}

export const ls: Command = {
  name: 'ls',
  summary: 'list clients, vaults, record ids and hints, store keys (never secrets)',
  usage: 'ls <snapshot> [--client PATH [--key V/R]... [--pubkeys]]',
  flags: [
    ['--client PATH', 'only this client'],
    ['--key V/R', 'name this record where it is listed (repeatable; ids are hashes of the names)'],
    ['--pubkeys', 'with --client: the public key of each named key record (PublicKey; never the secret)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold ls wallet.stronghold --client app --key keys/signer --pubkeys',
  options: { client: { type: 'string' }, key: { type: 'string', multiple: true }, pubkeys: { type: 'boolean' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const only = optionalFlag(args.values, 'client');
    const named = ((args.values.key as unknown as string[] | undefined) ?? []).map((k) => parseVaultRecord(k, 'key'));
    const pubkeys = args.values.pubkeys === true;
    // Procedures run in a client named by its path: without --client there is only an id to go by.
    if ((pubkeys || named.length > 0) && only === undefined) throw usage(`--${pubkeys ? 'pubkeys' : 'key'} needs --client PATH: records are found by their client's name`, `for example stronghold ls ${path} --client app --key keys/signer --pubkeys`);
    const clients = await withSnapshot(ctx, path!, { write: false }, async (sh) => {
      const listed = [];
      for (const c of sh.inventory(only)) listed.push(await listClient(sh, c, only ?? null, named, pubkeys));
      return listed;
    });
    // A name that matches no listed record is most likely a typo: said, so that an absent name is not read as "no key".
    const found = new Set(clients.flatMap((c) => c.vaults.flatMap((v) => v.records.flatMap((r) => (r.key === null ? [] : [`${r.key.vault}/${r.key.record}`])))));
    for (const k of named) if (!found.has(`${k.vault}/${k.record}`)) out.note(`stronghold: note: client ${only} has no live record ${k.vault}/${k.record}`);
    const lines: string[] = [];
    for (const c of clients) {
      lines.push(`client ${c.id}${c.name === null ? '' : ` (${c.name})`}`);
      for (const v of c.vaults) {
        lines.push(`  vault ${v.id}${v.revoked ? ` (${v.revoked} revoked)` : ''}`);
        for (const r of v.records) {
          const pub = 'publicKey' in r ? (r.publicKey === null ? `  (no public key: ${r.why})` : `  public key ${r.publicKey}`) : '';
          lines.push(`    record ${r.id}${r.key === null ? '' : ` (${r.key.vault}/${r.key.record})`}  ${r.length} bytes  ${r.kind}  hint ${r.hint}  ${r.policyText}${pub}`);
        }
      }
      lines.push(`  store: ${c.storeKeys.length === 0 ? '(empty)' : c.storeKeys.map((k) => k.text ?? `0x${k.key}`).join(', ')}`);
    }
    if (clients.length === 0) lines.push('(no clients)');
    out.result(lines, { clients });
  },
};
