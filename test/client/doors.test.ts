/**
 * One door: nothing the package exports hands out the engine or a raw secret. The entries export no engine
 * class or accessor, a Stronghold has no method that returns a client's engine, only this package's runners and
 * providers are accepted (each is handed secrets), a caller-made object shaped like a procedure call never runs,
 * and the published declarations do not mention the engine's internals.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as root from '../../src/index.js';
import * as frost from '../../src/frost/index.js';
import * as p2p from '../../src/p2p/index.js';
import * as procedures from '../../src/procedures/index.js';
import * as iota from '../../src/facades/iota.js';
import * as tauri from '../../src/facades/tauri.js';
import { Stronghold } from '../../src/client/stronghold.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { Location } from '../../src/engine/location.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { aesKeyWrapEncrypt } from '../../src/procedures/aes-key-wrap-encrypt.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { writeVault } from '../../src/procedures/write-vault.js';

const ENGINE = ['ClientDb', 'Transaction', 'Step', 'useInternal', 'syncEndpoint', 'engineOf', 'runChain', 'trustRunner', 'localSource', 'syncInto'];

test('no entry exports the engine, its gate or an accessor of it', () => {
  for (const [name, entry] of Object.entries({ root, frost, p2p, procedures, iota, tauri })) {
    for (const bad of ENGINE) assert.equal(bad in entry, false, `${name} exports ${bad}`);
  }
  for (const method of ['clientDb', 'remote']) assert.equal(method in Stronghold.prototype, false, `Stronghold.${method}`);
});

test('only runners and providers of this package are accepted', () => {
  const err = (field: string) => (e: any) => e.code === 'InvalidArgument' && e.details.field === field;
  assert.throws(() => Stronghold.create({ runner: { run: async () => [] } as never }), err('runner'));
  assert.throws(() => Stronghold.create({ provider: { ...nativeProvider } }), err('provider'));
  assert.throws(() => root.inlineRunner({ ...nativeProvider }), err('provider'));
  Stronghold.create({ runner: root.inlineRunner() });
});

test('a call not made by a builder or the JSON parser never reaches a procedure', async () => {
  const sh = Stronghold.create();
  const c = sh.createClient('c');
  const key = Location.generic('keys', 'k');
  await c.execute(generateKey({ keyType: 'ed25519', output: key }));
  const opened: Uint8Array[] = [];
  const evil = { ...ed25519Sign, run: (ctx: any, i: any) => ctx.use('privateKey', i.privateKey, (s: Uint8Array) => opened.push(Uint8Array.from(s))) };
  for (const call of [{ procedure: evil, input: { privateKey: key, msg: new Uint8Array(1) } }, { procedure: ed25519Sign, input: { privateKey: key, msg: new Uint8Array(1) } }]) {
    await assert.rejects(c.execute(call as never), (e: any) => e.code === 'InvalidArgument' && e.details.field === 'calls[0]');
  }
  assert.deepEqual(opened, []);
  // A built call is frozen: its input cannot be changed between validation and the run.
  const built = ed25519Sign({ privateKey: key, msg: new Uint8Array(1) });
  assert.ok(Object.isFrozen(built) && Object.isFrozen(built.input));
  assert.ok(Object.isFrozen(ed25519Sign) && Object.isFrozen(ed25519Sign.rules.reads), 'the procedure and its rules are frozen');
});

test('the published declarations do not mention the engine', () => {
  const dts = ['index', 'client/stronghold', 'client/client', 'exec/runner', 'p2p/index', 'frost/index', 'procedures/index'];
  for (const f of dts) {
    const text = readFileSync(new URL(`../../dist/${f}.d.ts`, import.meta.url), 'utf8');
    for (const bad of ['clientDb', 'useInternal', 'syncEndpoint', 'trustRunner', 'run(db']) assert.equal(text.includes(bad), false, `dist/${f}.d.ts mentions ${bad}`);
  }
});

test('a look-alike Location (its prototype, getters for ids) is not a Location: the gate checks and opens one record', async () => {
  const sh = Stronghold.create();
  const c = sh.createClient('c');
  const secret = Location.generic('keys', 'secret');
  const decoy = Location.generic('keys', 'decoy');
  await c.executeChain([generateKey({ keyType: 'ed25519', output: secret }), writeVault({ data: new Uint8Array(32).fill(1), location: decoy }), writeVault({ data: new Uint8Array(32).fill(2), location: Location.generic('keys', 'kek') })]);
  let reads = 0;
  // Answers with the decoy for the first reads (the checks), then with the secret (the open).
  const fake = Object.create(Location.prototype, Object.fromEntries(['vaultPath', 'recordPath', 'counter', 'vaultId', 'recordId', 'vaultKey', 'recordKey'].map((k) => [k, {
    get: () => (reads++ < 6 ? decoy : secret)[k as 'vaultKey'], enumerable: true,
  }])));
  assert.equal(Location.is(fake), false);
  assert.throws(() => aesKeyWrapEncrypt({ encryptionKey: Location.generic('keys', 'kek'), wrapKey: fake }), (e: any) => e.code === 'InvalidArgument' && e.details.field === 'wrapKey');
  assert.ok(Object.isFrozen(secret), 'a Location cannot be changed after it is made');
});

test('the p2p identity client is out of the API: no caller loads, creates or overwrites it', async () => {
  const sh = Stronghold.create();
  const before = await p2p.peerIdOf(sh);
  for (const open of [() => sh.createClient('stronghold-p2p'), () => sh.loadClient('stronghold-p2p')]) {
    assert.throws(open, (e: any) => e.code === 'InvalidArgument' && e.details.field === 'client');
  }
  assert.equal(await p2p.peerIdOf(sh), before, 'the identity is the one the p2p layer made');
});
