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
import { generateKey } from '../../src/procedures/generate-key.js';

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
