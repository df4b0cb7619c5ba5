/**
 * Sync without a network: two local clients and two snapshots go through the same `syncInto` as remote sync.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Stronghold, syncEndpoint } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { syncClients, syncInto, syncSnapshots, type Selection } from '../../src/p2p/sync.js';
import { parseChain, parseProcedure } from '../../src/procedures/json.js';
import { clientId } from '../../src/engine/ids.js';

const at = (vault: string, record: string) => Location.generic(vault, record);

async function mac(sh: Stronghold, client: string, vault: string, record: string): Promise<string> {
  const out = await sh.getClient(client).execute(parseProcedure({ type: 'Hmac', hashType: 'sha256', msg: '00', key: { vault, record } }));
  return Buffer.from(out as Uint8Array).toString('hex');
}

describe('sync between local clients and snapshots', () => {
  test('two clients of one Stronghold: missing records, keep, replace, vault selection', async () => {
    const sh = Stronghold.create();
    const src = sh.createClient('src');
    const dst = sh.createClient('dst');
    src.writeSecret(at('v', 'a'), new Uint8Array(16).fill(1));
    src.writeSecret(at('v', 'b'), new Uint8Array(16).fill(2));
    src.writeSecret(at('w', 'c'), new Uint8Array(16).fill(3));
    dst.writeSecret(at('v', 'a'), new Uint8Array(16).fill(9));

    assert.deepEqual(await syncClients(sh, 'dst', sh, 'src', { vaults: ['v'] }), { merged: 1, kept: 1 });
    assert.equal(dst.recordExists(at('w', 'c')), false);
    assert.notEqual(await mac(sh, 'dst', 'v', 'a'), await mac(sh, 'src', 'v', 'a'));
    assert.equal(await mac(sh, 'dst', 'v', 'b'), await mac(sh, 'src', 'v', 'b'));

    assert.deepEqual(await syncClients(sh, 'dst', sh, 'src', { policy: 'replace' }), { merged: 2, kept: 1 });
    assert.equal(await mac(sh, 'dst', 'v', 'a'), await mac(sh, 'src', 'v', 'a'));
    assert.equal(await mac(sh, 'dst', 'w', 'c'), await mac(sh, 'src', 'w', 'c'));
    // Equal records (same BlobId) are not transferred again.
    assert.deepEqual(await syncClients(sh, 'dst', sh, 'src', { policy: 'replace' }), { merged: 0, kept: 3 });
    await assert.rejects(syncClients(sh, 'dst', sh, 'src', { policy: 'merge' as 'keep' }), (e: unknown) => isStrongholdError(e, 'InvalidArgument'));
  });

  test('revoked and non-exportable records stay home; renamed vaults arrive under the new id', async () => {
    const sh = Stronghold.create();
    const src = sh.createClient('src');
    sh.createClient('dst');
    src.writeSecret(at('v', 'live'), new Uint8Array(16).fill(1));
    src.writeSecret(at('v', 'gone'), new Uint8Array(16).fill(2));
    src.revokeSecret(at('v', 'gone'));
    await src.executeChain(parseChain([{ type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'v', record: 'closed' } }]));
    const r = await syncClients(sh, 'dst', sh, 'src', { rename: [['v', 'renamed']] });
    assert.deepEqual(r, { merged: 1, kept: 0 });
    const dst = sh.getClient('dst');
    assert.equal(dst.vaultExists('v'), false);
    assert.deepEqual(dst.listRecords('renamed').map((x) => x.id), [Buffer.from(at('v', 'live').recordId).toString('hex')]);
  });

  test('two snapshots on disk: every client both have, then saved and reopened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stronghold-sync-'));
    try {
      const a = await Stronghold.open(join(dir, 'a.stronghold'), 'a', { create: true, workFactor: 0 });
      const b = await Stronghold.open(join(dir, 'b.stronghold'), 'b', { create: true, workFactor: 0 });
      a.createClient('one').writeSecret(at('v', 'r'), new Uint8Array(8).fill(7));
      a.createClient('two').writeSecret(at('v', 'r'), new Uint8Array(8).fill(8));
      b.createClient('one');
      assert.deepEqual(await syncSnapshots(b, a), { merged: 1, kept: 0, missingClients: 1 });
      await b.save();
      await b.close();
      const reopened = await Stronghold.open(join(dir, 'b.stronghold'), 'b', { workFactor: 0 });
      assert.equal(reopened.loadClient('one').recordExists(at('v', 'r')), true);
      assert.equal(await mac(reopened, 'one', 'v', 'r'), await mac(a, 'one', 'v', 'r'));
      await reopened.close();
      await a.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a source that sends more than was asked merges only what was asked', async () => {
    const sh = Stronghold.create();
    const src = sh.createClient('src');
    sh.createClient('dst');
    src.writeSecret(at('v', 'a'), new Uint8Array(4).fill(1));
    src.writeSecret(at('v', 'b'), new Uint8Array(4).fill(2));
    const source = syncEndpoint(sh, clientId(new TextEncoder().encode('src')))!;
    const honest = { hierarchy: async () => source.hierarchy(new Map(source.vaults().map((v) => [v, null]))), export: async (s: Selection) => source.export(s) };
    const greedy = { hierarchy: async () => {
      const h = await honest.hierarchy();
      for (const records of h.values()) records.delete(Buffer.from(at('v', 'b').recordId).toString('hex'));
      return h;
    }, export: async () => honest.export(new Map([...(await honest.hierarchy()).keys()].map((v) => [v, null]))) };
    const r = await syncInto(syncEndpoint(sh, clientId(new TextEncoder().encode('dst')))!, greedy, { fromPeer: true });
    assert.equal(r.merged, 1);
    assert.equal(sh.getClient('dst').recordExists(at('v', 'b')), false);
  });
});
