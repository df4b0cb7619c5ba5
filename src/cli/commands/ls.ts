/**
 * `stronghold ls <snapshot> [--client PATH]`: clients, vaults, record ids (hex), hints with the usage policy
 * they carry, and store keys. Never secret contents. Snapshots store ids, not names, so clients and vaults
 * are shown by id (the client given with --client is also named).
 * @module
 */
import type { ClientInventory } from '../../client/stronghold.js';
import { decodeHint, describePolicy } from '../../procedures/policy.js';
import { optionalFlag, positionals } from '../args.js';
import type { Command } from '../command.js';
import { hex } from '../output.js';
import { OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';

const printable = /^[\x20-\x7e]+$/;

/** A store key as text when it is printable ASCII, else null (its hex is always given). */
export function keyText(key: Uint8Array): string | null {
  const text = Buffer.from(key).toString('latin1');
  return printable.test(text) ? text : null;
}

function listClient(c: ClientInventory, name: string | null) {
  const vaults = c.vaults.map((v) => ({
    id: v.id,
    records: v.records.map((r) => {
      const { kind, policy } = decodeHint(r.hint);
      return { id: r.id, hint: hex(r.hint), length: r.length, kind, policy: { exportable: policy.exportable, allowed: policy.allowed }, policyText: describePolicy(policy) };
    }),
    revoked: v.revoked,
  }));
  const storeKeys = c.storeKeys.map((k) => ({ key: hex(k), text: keyText(k) }));
  return { id: c.id, name, vaults, storeKeys };
}

export const ls: Command = {
  name: 'ls',
  summary: 'list clients, vaults, record ids and hints, store keys (never secrets)',
  usage: 'ls <snapshot> [--client PATH]',
  flags: [['--client PATH', 'only this client'], ...OPEN_FLAGS],
  example: 'stronghold ls wallet.stronghold --client iota_seed',
  options: { client: { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const only = optionalFlag(args.values, 'client');
    const clients = await withSnapshot(ctx, path!, { write: false }, (sh) => sh.inventory(only).map((c) => listClient(c, only ?? null)));
    const lines: string[] = [];
    for (const c of clients) {
      lines.push(`client ${c.id}${c.name === null ? '' : ` (${c.name})`}`);
      for (const v of c.vaults) {
        lines.push(`  vault ${v.id}${v.revoked ? ` (${v.revoked} revoked)` : ''}`);
        for (const r of v.records) lines.push(`    record ${r.id}  ${r.length} bytes  ${r.kind}  hint ${r.hint}  ${r.policyText}`);
      }
      lines.push(`  store: ${c.storeKeys.length === 0 ? '(empty)' : c.storeKeys.map((k) => k.text ?? `0x${k.key}`).join(', ')}`);
    }
    if (clients.length === 0) lines.push('(no clients)');
    out.result(lines, { clients });
  },
};
