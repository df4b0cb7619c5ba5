/**
 * The storage-adapter interface (src/snapshot/storage.ts): the memory adapter behaves as the file adapter does
 * (missing name, lock held twice, atomic replace), a Stronghold saved through one is readable through the other
 * byte for byte, and importSnapshot / exportSnapshot move a `.stronghold` file as a Blob unchanged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { fileStorage } from '../../src/snapshot/file.js';
import { exportSnapshot, importSnapshot, memoryStorage } from '../../src/snapshot/storage.js';
import { FIXTURES, fixtureBytes } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'stronghold-storage-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const code = (c: string) => (e: unknown) => isStrongholdError(e, c as never);

describe('memoryStorage', () => {
  test('a missing name is SnapshotNotFound; a write is a copy; a second lock is SnapshotLocked until released', async () => {
    const s = memoryStorage();
    await assert.rejects(s.read('a'), code('SnapshotNotFound'));
    const bytes = Uint8Array.of(1, 2, 3);
    await s.write('a', bytes);
    bytes[0] = 9;
    assert.deepEqual(await s.read('a'), Uint8Array.of(1, 2, 3));
    const lock = await s.lock('a');
    await assert.rejects(s.lock('a'), code('SnapshotLocked'));
    await lock.release();
    await lock.release();
    await (await s.lock('a')).release();
  });

  test('a Stronghold opened, written and saved through it reads back through the file adapter unchanged', async () => {
    const storage = memoryStorage();
    const sh = await Stronghold.open('w.stronghold', 'pw', { storage, create: true, workFactor: 0 });
    assert.equal(sh.storage, storage);
    await assert.rejects(Stronghold.open('w.stronghold', 'pw', { storage }), code('SnapshotLocked'));
    sh.createClient('c').store.insert(Uint8Array.of(1), Uint8Array.of(2));
    await sh.createClient('d').writeSecret(Location.generic('v', 'r'), Uint8Array.of(7, 7, 7));
    await sh.save();
    await sh.close();
    const path = join(root, 'w.stronghold');
    await fileStorage.write(path, await storage.read('w.stronghold'));
    const again = await Stronghold.open(path, 'pw', { readOnly: true });
    assert.ok(again.hasClient('d') && again.loadClient('d').recordExists(Location.generic('v', 'r')));
    await again.close();
  });
});

describe('importSnapshot / exportSnapshot', () => {
  test('a fixture goes in as a Blob and comes out as the same bytes, and opens from the adapter', async () => {
    const fixture = FIXTURES.find((f) => f.version === 3 && f.workFactor === 0)!;
    const bytes = fixtureBytes(fixture);
    const storage = memoryStorage();
    await importSnapshot(storage, 'in.stronghold', new Blob([bytes as Uint8Array<ArrayBuffer>]));
    const out = await exportSnapshot(storage, 'in.stronghold');
    assert.equal(out.type, 'application/octet-stream');
    assert.deepEqual(new Uint8Array(await out.arrayBuffer()), Uint8Array.from(bytes));
    const sh = await Stronghold.open('in.stronghold', fixture.password, { storage, readOnly: true });
    await sh.close();
  });

  test('refuses what is not a snapshot or not a Blob, storing nothing', async () => {
    const storage = memoryStorage();
    await assert.rejects(importSnapshot(storage, 'x', new Blob(['hello world'])), code('NotASnapshot'));
    await assert.rejects(importSnapshot(storage, 'x', Uint8Array.of(1) as unknown as Blob), code('InvalidArgument'));
    await assert.rejects(storage.read('x'), code('SnapshotNotFound'));
  });

  test('a file written by the file adapter exports unchanged', async () => {
    const path = join(root, 'f.stronghold');
    const sh = await Stronghold.open(path, 'pw', { create: true, workFactor: 0 });
    sh.createClient('c');
    await sh.save();
    await sh.close();
    const blob = await exportSnapshot(fileStorage, path);
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), new Uint8Array(readFileSync(path)));
  });
});
