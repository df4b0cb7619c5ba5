/**
 * Strongholds over libp2p on loopback, for what needs a real transport: two servers and callers (Noise
 * identities), remote signing verified with node:crypto, WebSockets, a relay, sync with both merge policies, a
 * flood and a peer that hangs up, a restart that keeps the peer id. Every node is stopped in `after`. The
 * protocol itself (methods, firewall, hostile frames, timeouts) is tested without sockets in remote-memory.test.ts.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Libp2p, Stream } from '@libp2p/interface';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError, type StrongholdError } from '../../src/errors.js';
import { PROTOCOL } from '../../src/p2p/constants.js';
import { prefixed, readFrames } from '../../src/p2p/frames.js';
import { peerIdOf, relay, remote, serve, waitForCircuitAddress, type RelayNode, type RemoteStronghold, type StrongholdServer } from '../../src/p2p/index.js';
import { encodeFrame, parseResponse, requestHeader, type Response } from '../../src/p2p/messages.js';

const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const MSG = Buffer.from('a message to sign');

const stops: (() => Promise<void>)[] = [];
const later = <T extends { stop?: () => Promise<void>; close?: () => Promise<void> }>(x: T): T => {
  stops.push(async () => {
    await (x.close ?? x.stop)!.call(x);
  });
  return x;
};

function code(c: string, check?: (e: StrongholdError) => void) {
  return (e: unknown): boolean => {
    assert.ok(isStrongholdError(e), `expected a StrongholdError, got ${String(e)}`);
    assert.equal(e.code, c, `${e.code}: ${e.message}`);
    check?.(e);
    return true;
  };
}

const sign = (vault: string, record = 'k0') => ({ type: 'Ed25519Sign', privateKey: { vault, record }, msg: MSG.toString('hex') });
const pub = (vault: string, record = 'k0') => ({ type: 'PublicKey', keyType: 'ed25519', privateKey: { vault, record } });

function verifies(publicKeyHex: unknown, signatureHex: unknown): boolean {
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI, Buffer.from(publicKeyHex as string, 'hex')]), format: 'der', type: 'spki' });
  return verify(null, MSG, key, Buffer.from(signatureHex as string, 'hex'));
}

/** A server Stronghold with a seed and a key derived from it in vault `keys`, and other vaults. */
async function provision(sh: Stronghold): Promise<void> {
  const c = sh.createClient('wallet');
  await c.executeChain([]);
  const { parseChain } = await import('../../src/procedures/json.js');
  await c.executeChain(parseChain([
    { type: 'Slip10Generate', sizeBytes: 64, output: { vault: 'seeds', record: 'seed' } },
    { type: 'Slip10Derive', curve: 'ed25519', chain: ["44'", "4218'", "0'"], input: { seed: { vault: 'seeds', record: 'seed' } }, output: { vault: 'keys', record: 'k0' } },
    { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'other', record: 'k0' } },
  ]));
  c.writeSecret(Location.generic('keys', 'raw'), new Uint8Array(32).fill(1));
  c.writeSecret(Location.generic('other', 'raw'), new Uint8Array(32).fill(2));
}

/** A caller: a Stronghold holding only its identity. */
async function caller(): Promise<{ sh: Stronghold; id: string }> {
  const sh = Stronghold.create();
  return { sh, id: await peerIdOf(sh) };
}

/** Raw frames on a fresh stream, for hostile input. */
async function rawStream(node: Libp2p, addr: string): Promise<{ stream: Stream; responses: AsyncGenerator<Uint8Array> }> {
  const { multiaddr } = await import('@multiformats/multiaddr');
  const stream = await node.dialProtocol(multiaddr(addr), PROTOCOL);
  return { stream, responses: readFrames(stream, 1 << 20) };
}

async function next(responses: AsyncGenerator<Uint8Array>): Promise<Response | null> {
  const r = await responses.next();
  return r.done ? null : parseResponse(r.value);
}

describe('p2p over loopback', { timeout: 60_000 }, () => {
  let dir: string;
  let shA: Stronghold;
  let shB: Stronghold;
  let serverA: StrongholdServer;
  let serverB: StrongholdServer;
  let alice: { sh: Stronghold; id: string };
  let bob: { sh: Stronghold; id: string };
  let eve: { sh: Stronghold; id: string };
  let aliceA: RemoteStronghold;
  let aliceB: RemoteStronghold;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stronghold-p2p-'));
    shA = await Stronghold.open(join(dir, 'a.stronghold'), 'password a', { create: true, workFactor: 0 });
    shB = Stronghold.create();
    await provision(shA);
    await provision(shB);
    [alice, bob, eve] = await Promise.all([caller(), caller(), caller()]);
    const idB = await peerIdOf(shB);
    serverA = later(await serve(shA, {
      firewall: {
        onDenied: () => {},
        rules: {
          default: 'deny',
          peers: {
            [alice.id]: 'allow',
            [bob.id]: { clients: { wallet: { vaults: { keys: ['use'], scratch: ['use', 'write'] } } } },
            [idB]: { clients: { wallet: { vaults: { shared: ['sync'], '*': ['list'] } } } },
          },
        },
      },
    }));
    serverB = later(await serve(shB, { firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [alice.id]: 'allow' } } } }));
    aliceA = later(await remote(alice.sh, serverA.addresses()[0]!));
    aliceB = later(await remote(alice.sh, serverB.addresses()[0]!));
  });

  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await shA?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('remote Ed25519 sign with a key derived on the server, verified locally; two servers', async () => {
    const [pkA, sigA] = await aliceA.client('wallet').json.executeChain([pub('keys'), sign('keys')]);
    const [pkB, sigB] = await aliceB.client('wallet').json.executeChain([pub('keys'), sign('keys')]);
    assert.ok(verifies(pkA, sigA));
    assert.ok(verifies(pkB, sigB));
    assert.notEqual(pkA, pkB);
    assert.equal(aliceA.peerId, serverA.peerId);
  });

  test('over WebSockets as well as TCP', async () => {
    const shW = Stronghold.create();
    await provision(shW);
    const ws = later(await serve(shW, {
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [alice.id]: 'allow' } } },
    }));
    const addr = ws.addresses().find((a) => a.includes('/ws/'))!;
    const r = later(await remote(alice.sh, addr));
    const [pk, sig] = await r.client('wallet').json.executeChain([pub('keys'), sign('keys')]);
    assert.ok(verifies(pk, sig));
  });

  test('through a relay: the server is reachable only at its /p2p-circuit address', async () => {
    const r: RelayNode = later(await relay());
    const shC = Stronghold.create();
    await provision(shC);
    const serverC = later(await serve(shC, {
      listen: [`${r.addresses()[0]}/p2p-circuit`],
      firewall: { onDenied: () => {}, rules: { default: 'deny', peers: { [alice.id]: 'allow' } } },
    }));
    const [addr] = await waitForCircuitAddress(serverC.node);
    assert.ok(addr!.includes('/p2p-circuit/p2p/'));
    assert.ok(serverC.addresses().every((a) => a.includes('/p2p-circuit')));
    const viaRelay = later(await remote(alice.sh, addr!));
    const c = viaRelay.client('wallet');
    const [pk, sig] = await c.json.executeChain([pub('keys'), sign('keys')]);
    assert.ok(verifies(pk, sig));
    const conn = viaRelay.node.getConnections().find((x) => x.remotePeer.toString() === serverC.peerId);
    assert.ok(conn?.remoteAddr.toString().includes('/p2p-circuit'));
    assert.equal(conn?.limits, undefined);
    // More than the relay v2 default data limit (128 KiB) goes through: our relay sets no limit.
    await c.writeSecret({ vault: 'big', record: 'b' }, new Uint8Array(200 * 1024).fill(3));
    assert.equal((await c.listRecords('big'))[0]?.length, 200 * 1024);
  });

  test('sync a vault from one server to another, keep and replace, rename, no non-exportable records', async () => {
    const a = shA.getClient('wallet');
    a.writeSecret(Location.generic('shared', 's1'), new Uint8Array(32).fill(0x11));
    a.writeSecret(Location.generic('shared', 's2'), new Uint8Array(32).fill(0x22));
    await a.executeChain((await import('../../src/procedures/json.js')).parseChain([
      { type: 'GenerateKey', keyType: 'ed25519', output: { vault: 'shared', record: 'closed' } },
    ]));
    const fromB = later(await remote(shB, serverA.addresses()[0]!));
    const source = fromB.client('wallet');
    // Another vault is not offered: B may only sync "shared".
    await assert.rejects(source.pull('wallet', { vaults: ['keys'] }).then((r) => (r.merged === 0 ? Promise.reject(new Error('nothing')) : r)), /nothing/);
    const hmac = async (sh: Stronghold, vault: string, record: string) => {
      const { parseProcedure } = await import('../../src/procedures/json.js');
      return Buffer.from(await sh.getClient('wallet').execute(parseProcedure({ type: 'Hmac', hashType: 'sha256', msg: '00', key: { vault, record } })) as Uint8Array).toString('hex');
    };
    const first = await source.pull('wallet', { vaults: ['shared'] });
    assert.deepEqual(first, { merged: 2, kept: 0 });
    const b = shB.getClient('wallet');
    assert.equal(b.recordExists(Location.generic('shared', 's1')), true);
    assert.equal(b.recordExists(Location.generic('shared', 'closed')), false);
    assert.equal(await hmac(shB, 'shared', 's1'), await hmac(shA, 'shared', 's1'));

    a.writeSecret(Location.generic('shared', 's1'), new Uint8Array(32).fill(0x33));
    const kept = await source.pull('wallet', { vaults: ['shared'], policy: 'keep' });
    assert.deepEqual(kept, { merged: 0, kept: 2 });
    assert.notEqual(await hmac(shB, 'shared', 's1'), await hmac(shA, 'shared', 's1'));

    const replaced = await source.pull('wallet', { vaults: ['shared'], policy: 'replace' });
    assert.deepEqual(replaced, { merged: 1, kept: 1 });
    assert.equal(await hmac(shB, 'shared', 's1'), await hmac(shA, 'shared', 's1'));

    const renamed = await source.pull('mirror', { vaults: ['shared'], rename: { shared: 'copy' } });
    assert.equal(renamed.merged, 2);
    assert.deepEqual(shB.getClient('mirror').listRecords('copy').map((r) => r.id).sort(), b.listRecords('shared').map((r) => r.id).sort());
    // A peer without the sync permission gets nothing.
    const evesView = later(await remote(eve.sh, serverA.addresses()[0]!));
    await assert.rejects(evesView.client('wallet').pull('x'), code('PermissionDenied'));
  });

  test('a flood beyond the in-flight limit and a peer that disconnects mid-request', async () => {
    const gates: (() => void)[] = [];
    const flooder = await caller();
    const shD = Stronghold.create();
    await provision(shD);
    const serverD = later(await serve(shD, {
      maxInFlight: 2,
      firewall: {
        onDenied: () => {},
        rules: { default: 'deny', peers: { [alice.id]: 'allow', [flooder.id]: 'ask' } },
        // Holds the flooder's requests until the test releases them.
        ask: () => new Promise<boolean>((resolve) => gates.push(() => resolve(true))),
      },
    }));
    const addr = serverD.addresses()[0]!;
    const fr = later(await remote(flooder.sh, addr));
    const s = await rawStream(fr.node, addr);
    for (let id = 1; id <= 5; id++) s.stream.send(prefixed(encodeFrame(requestHeader(id, 'vaultExists', { client: 'wallet', vault: 'keys' }))));
    const refused: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await next(s.responses);
      assert.ok(r && !r.ok && isStrongholdError(r.error, 'LimitExceeded') && r.error.details.limit === 'maxInFlight' && r.error.details.max === 2);
      refused.push(r.id!);
    }
    assert.deepEqual(refused, [3, 4, 5]);
    // Another peer is served while the flooder's slots are full.
    const aliceD = later(await remote(alice.sh, addr));
    assert.equal(await aliceD.client('wallet').vaultExists('keys'), true);
    // The flooder disconnects with two requests in flight; then they are answered into a closed stream.
    s.stream.abort(new Error('gone'));
    await fr.node.hangUp(serverD.node.peerId);
    while (gates.length < 2) await new Promise((resolve) => setImmediate(resolve));
    for (const open of gates.splice(0)) open();
    // Its slots are free again once those requests finish; the server still serves both peers.
    const again = fr.client('wallet').vaultExists('keys');
    while (gates.length < 1) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
    assert.equal(await again, true);
    assert.equal(await aliceD.client('wallet').vaultExists('keys'), true);
  });

  test('a server restart keeps its peer id (identity stored in the snapshot)', async () => {
    const path = join(dir, 'restart.stronghold');
    let sh = await Stronghold.open(path, 'pw', { create: true, workFactor: 0 });
    let server = await serve(sh, {});
    const id = server.peerId;
    await server.stop();
    await sh.save();
    await sh.close();
    sh = await Stronghold.open(path, 'pw', { workFactor: 0 });
    server = await serve(sh, {});
    try {
      assert.equal(server.peerId, id);
      assert.equal(await peerIdOf(sh), id);
      assert.throws(() => sh.getClient('stronghold-p2p'), code('ClientNotFound'));
    } finally {
      await server.stop();
      await sh.close();
    }
  });
});
