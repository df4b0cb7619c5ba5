// `remote(sh, addr)` from stronghold-ts/p2p: a remote handle with the caller's persistent identity.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { peerIdOf, remote, serve } from '../../src/p2p/index.js';

test('remote(sh, addr) signs on a server with the key stored there; the caller is known by its persistent id', async () => {
  const server = Stronghold.create();
  const c = server.createClient('wallet');
  const { parseChain } = await import('../../src/procedures/json.js');
  await c.executeChain(parseChain([{ type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'keys', record: 'k' } }]));
  const caller = Stronghold.create();
  const callerId = (await peerIdOf(caller)).toString();
  const srv = await serve(server, { listen: ['/ip4/127.0.0.1/tcp/0'], firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [callerId]: 'allow' } } } });
  try {
    const r = await remote(caller, srv.addresses()[0]!.toString());
    try {
      const wallet = r.client('wallet');
      const msg = Buffer.from('signed remotely');
      const [pub, sig] = (await wallet.json.executeChain([
        { type: 'PublicKey', keyType: 'ed25519', privateKey: { vault: 'keys', record: 'k' } },
        { type: 'Ed25519Sign', privateKey: { vault: 'keys', record: 'k' }, msg: msg.toString('hex') },
      ])) as string[];
      const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pub!, 'hex')]), format: 'der', type: 'spki' });
      assert.ok(verify(null, msg, key, Buffer.from(sig!, 'hex')));
    } finally {
      await r.close();
    }
    const stranger = Stronghold.create();
    const denied = await remote(stranger, srv.addresses()[0]!.toString());
    try {
      await assert.rejects(denied.client('wallet').vaultExists('keys'), (e: any) => e.code === 'PermissionDenied');
    } finally {
      await denied.close();
    }
  } finally {
    await srv.stop();
  }
});

test('the caller\'s identity persists: three remote() calls from a fresh snapshot file show the server one peer id, the one peerIdOf reads back', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'stronghold-remote-id-'));
  const file = join(dir, 'caller.stronghold');
  const password = () => new TextEncoder().encode('pw');
  const init = await Stronghold.open(file, password(), { create: true, workFactor: 0 });
  await init.save();
  await init.close();
  const server = Stronghold.create();
  server.createClient('wallet');
  const seen: string[] = [];
  const srv = await serve(server, { firewall: { rules: { default: 'ask', peers: {} }, ask: (q) => (seen.push(q.peer), true) } });
  try {
    for (let i = 0; i < 3; i++) {
      const caller = await Stronghold.open(file, password(), { workFactor: 0 });
      try {
        const r = await remote(caller, srv.addresses()[0]!);
        try {
          assert.equal(await r.client('wallet').vaultExists('keys'), false);
        } finally {
          await r.close();
        }
        assert.equal(caller.hasUnsavedChanges, false);
      } finally {
        await caller.close();
      }
    }
    const reader = await Stronghold.open(file, password(), { readOnly: true });
    try {
      assert.deepEqual(seen, Array(3).fill(await peerIdOf(reader)));
    } finally {
      await reader.close();
    }
  } finally {
    await srv.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('remote parity: a local and a remote client are one ProcedureClient type, with the same typed outputs', async () => {
  const { ed25519Sign } = await import('../../src/procedures/ed25519-sign.js');
  const { publicKey } = await import('../../src/procedures/public-key.js');
  const { generateKey } = await import('../../src/procedures/generate-key.js');
  const { Location } = await import('../../src/engine/location.js');
  const { memoryServer } = await import('./memory-pair.js');
  type ProcedureClient = import('../../src/client/client.js').ProcedureClient;
  const server = Stronghold.create();
  const key = Location.generic('keys', 'k');
  await server.createClient('wallet').execute(generateKey({ keyType: 'ed25519', output: key }));
  const r = memoryServer(server, { firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { PeerC: 'allow' } } } }).connect('PeerC');
  try {
    // One type for both handles: the compiler rejects this file if either stops taking builder calls or
    // returning the builder's output type.
    const clients: ProcedureClient[] = [server.getClient('wallet'), r.client('wallet')];
    const msg = new TextEncoder().encode('signed by a builder call, here and there');
    const outputs: { pub: Uint8Array; sig: Uint8Array }[] = [];
    for (const c of clients) {
      const sig: Uint8Array = await c.execute(ed25519Sign({ privateKey: key, msg }));
      const [pub, again] = await c.executeChain([publicKey({ keyType: 'ed25519', privateKey: key }), ed25519Sign({ privateKey: key, msg })]);
      assert.ok(pub instanceof Uint8Array && again instanceof Uint8Array);
      const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });
      assert.ok(verify(null, msg, spki, sig));
      assert.deepEqual(again, sig); // Ed25519 is deterministic
      outputs.push({ pub, sig });
    }
    assert.deepEqual(outputs[1], outputs[0]);
    // A step without an output is undefined on both sides, as locally.
    const [none] = await r.client('wallet').executeChain([generateKey({ keyType: 'ed25519', output: Location.generic('keys', 'k2') })]);
    assert.equal(none, undefined);
    // The JSON form stays available, for the command line: hex out.
    assert.equal(await r.client('wallet').json.execute({ type: 'PublicKey', keyType: 'ed25519', privateKey: { vault: 'keys', record: 'k' } }), Buffer.from(outputs[0]!.pub).toString('hex'));
    // A JSON object is not a call: refused by the compiler, and at run time for JavaScript callers.
    // @ts-expect-error the JSON form goes through `.json`
    await assert.rejects(r.client('wallet').execute({ type: 'PublicKey', keyType: 'ed25519', privateKey: { vault: 'keys', record: 'k' } }), (e: any) => e.code === 'InvalidArgument');
  } finally {
    await r.close();
  }
});
