import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stronghold, syncEndpoint } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';

test('inventory lists clients, vaults, live records and revoked counts, and store keys — never contents', () => {
  const sh = Stronghold.create();
  const a = sh.createClient('a');
  a.writeSecret(Location.generic('v', 'r1'), new Uint8Array(32).fill(0xee));
  a.writeSecret(Location.generic('v', 'r2'), new Uint8Array(8).fill(0xee));
  a.revokeSecret(Location.generic('v', 'r2'));
  a.store.insert('k', 'value');
  sh.createClient('b');
  sh.unloadClient('b');
  const inv = sh.inventory();
  assert.equal(inv.length, 2, 'unloaded clients are listed too');
  const [ia] = sh.inventory('a');
  assert.equal(ia!.id, Buffer.from(a.id).toString('hex'));
  assert.deepEqual(ia!.vaults.map((v) => [v.records.map((r) => [r.id, r.length]), v.revoked]), [[[[Buffer.from(Location.generic('v', 'r1').recordId).toString('hex'), 32]], 1]]);
  assert.deepEqual(ia!.storeKeys.map((k) => new TextDecoder().decode(k)), ['k']);
  assert.doesNotMatch(JSON.stringify(inv, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)), /eeeeeeee/);
  assert.throws(() => sh.inventory('nobody'), (e: any) => e.code === 'ClientNotFound');
});

test('a snapshot in a missing folder is SnapshotNotFound; a v3 file keeps its own work factor for new headers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
  try {
    await assert.rejects(Stronghold.open(join(dir, 'no', 'such', 'file.stronghold'), 'pw'), (e: any) => e.code === 'SnapshotNotFound');
    const path = join(dir, 'wf.stronghold');
    const sh = await Stronghold.open(path, 'pw', { create: true, workFactor: 1 });
    sh.createClient('c');
    await sh.save();
    await sh.close();
    const again = await Stronghold.open(path, 'pw');
    const phases: number[] = [];
    const withProgress = await (async () => {
      await again.close();
      return Stronghold.open(path, 'pw', { onProgress: (p) => phases.push(p.workFactor) });
    })();
    await withProgress.changePassword('pw2');
    await withProgress.close();
    assert.ok(phases.length > 0 && phases.every((w) => w === 1), `password change used the file's work factor 1, got ${phases}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hasUnsavedChanges follows every change, whichever layer made it; signing changes nothing', async () => {
  const { ed25519Sign } = await import('../../src/procedures/ed25519-sign.js');
  const dir = mkdtempSync(join(tmpdir(), 'unsaved-'));
  try {
    const sh = await Stronghold.open(join(dir, 's.stronghold'), 'pw', { create: true, workFactor: 0 });
    assert.equal(sh.hasUnsavedChanges, false);
    const c = sh.createClient('c');
    assert.equal(sh.hasUnsavedChanges, true, 'a new client');
    await sh.save();
    const key = Location.generic('v', 'k');
    const steps: [string, () => unknown, boolean][] = [
      ['writeSecret', () => c.writeSecret(key, new Uint8Array(32).fill(1)), true],
      ['a signature', () => c.execute(ed25519Sign({ privateKey: key, msg: new Uint8Array(1) })), false],
      ['store insert', () => c.store.insert('k', 'v'), true],
      ['engine merge (as sync does)', () => {
        const source = Stronghold.create();
        const other = source.createClient('o');
        const loc = Location.generic('w', 'x');
        other.writeSecret(loc, new Uint8Array([1]));
        const exported = syncEndpoint(source, other.id)!.export(new Map([[loc.vaultKey, null]]));
        syncEndpoint(sh, c.id)!.merge(exported, { replace: true, fromPeer: false });
      }, true],
      ['revoke', () => c.revokeSecret(key), true],
    ];
    for (const [name, act, changes] of steps) {
      await act();
      assert.equal(sh.hasUnsavedChanges, changes, name);
      await sh.save();
    }
    await sh.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
