/**
 * The secure zone: a long-lived child process, started by `ZoneRunner` under Node's permission model, that
 * runs procedure chains. For each request it builds a `ClientDb` from the sealed records and vault keys it
 * received, runs the request's chains in order with the native provider (secrets open only inside the engine's
 * guarded use gate), sends back each chain's outputs or error and the records that changed, and wipes the
 * database, the request and the reply.
 *
 * Start: `worker.js <host public key hex>`; the zone answers with its own public key in clear (the hello) and
 * then speaks only sealed frames (protocol.ts). A frame that fails to open ends the process: the channel
 * has no way back to a trusted state.
 * @module
 */
import { ClientDb } from '../engine/db.js';
import { runChain } from '../exec/chain.js';
import { nativeProvider } from '../crypto/native.js';
import { isStrongholdError, StrongholdError, type StrongholdErrorJSON } from '../errors.js';
import { wipe } from '../memory/guarded.js';
import { sodium } from '../memory/sodium.js';
import { decodeState, encodeState } from '../snapshot/bincode.js';
import type { ClientState } from '../snapshot/state.js';
import { decodeCalls, decodeJsonCalls, encodeValue } from './calls.js';
import { decodeEnvelope, encodeEnvelope, EphemeralKey, TEST_HOOKS, ZONE_PROTOCOL_VERSION, type SealedChannel, type TestHook } from './protocol.js';

/** Exit codes the host reports in ZoneCrashed.details.exitCode. */
export const ZONE_EXIT = { badStart: 2, badFrame: 3 } as const;

const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const hooksEnabled = process.env.STRONGHOLD_ZONE_TEST_HOOKS === '1';
/** The `retain-next` hook: a deliberately leaky zone for the residue test, which keeps copies of one request. */
let retainNext = false;
const retained: Uint8Array[] = [];

interface Reply {
  msg: Record<string, unknown>;
  blobs: Uint8Array[];
}

/** The error as JSON, with its cause one level deep when that is a StrongholdError too (chain errors have one). */
function errorJSON(e: unknown): StrongholdErrorJSON & { cause?: StrongholdErrorJSON } {
  if (isStrongholdError(e)) {
    const json: StrongholdErrorJSON & { cause?: StrongholdErrorJSON } = { code: e.code, message: e.message, details: e.details };
    if (isStrongholdError(e.cause)) json.cause = { code: e.cause.code, message: e.cause.message, details: e.cause.details };
    return json;
  }
  const reason = e instanceof Error ? e.name : 'unknown error';
  return new StrongholdError('ProcedureFailed', `the zone failed: ${reason}`, { procedure: 'zone', reason }).toJSON();
}

/** (vault hex, record hex) → blob id hex and revocation: what tells a changed record from an unchanged one. */
function versions(db: ClientDb): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of db.hierarchy()) {
    const vault = hexOf(v.vaultId);
    for (const r of v.records) out.set(`${vault}/${hexOf(r.id)}`, `${hexOf(r.blobId)}${r.revoked ? '/r' : ''}`);
  }
  return out;
}

/** Records created or changed since `before` (as an exportSubset selection) and records that disappeared. */
function diff(before: Map<string, string>, after: Map<string, string>): { selection: Map<string, Set<string>>; removed: [string, string][] } {
  const selection = new Map<string, Set<string>>();
  for (const [key, version] of after) {
    if (before.get(key) === version) continue;
    const [vault, record] = key.split('/') as [string, string];
    let set = selection.get(vault);
    if (!set) selection.set(vault, (set = new Set()));
    set.add(record);
  }
  const removed: [string, string][] = [];
  for (const key of before.keys()) if (!after.has(key)) removed.push(key.split('/') as [string, string]);
  return { selection, removed };
}

function wipeState(state: ClientState): void {
  for (const k of state.keystore) wipe(k.key);
  for (const v of state.vaults) wipe(v.key);
}

/** Runs one chain of a request on `db`: its outputs in the wire form, or its error (the chain rolled back). */
async function runOne(db: ClientDb, chain: unknown, blobs: Uint8Array[], attach: (b: Uint8Array) => number): Promise<Record<string, unknown>> {
  try {
    const c = chain as { form?: unknown; calls?: unknown } | null;
    const calls = c?.form === 'json' ? decodeJsonCalls(c.calls) : decodeCalls(c?.calls, blobs);
    const outputs = await runChain(db, nativeProvider, calls);
    return { ok: true, outputs: outputs.map((o) => (o === undefined ? null : encodeValue(o, attach))) };
  } catch (e) {
    return { ok: false, error: errorJSON(e) };
  }
}

/**
 * One request: the chains run in order on one database built from the shipped records, each with its own
 * outputs or error, as separate requests would. The records that changed go back once, after the last chain.
 */
async function runRequest(msg: Record<string, unknown>, blobs: Uint8Array[]): Promise<Reply> {
  const id = msg.id;
  let db: ClientDb | null = null;
  try {
    const stateBlob = typeof msg.state === 'number' ? blobs[msg.state] : undefined;
    if (!stateBlob) throw new StrongholdError('ProtocolError', 'zone request without a state attachment', { reason: 'missing state' });
    if (!Array.isArray(msg.chains)) throw new StrongholdError('ProtocolError', 'zone request without chains', { reason: 'missing chains' });
    const state = decodeState(stateBlob);
    if (state.clients.length !== 1) throw new StrongholdError('ProtocolError', 'zone request must carry one client', { reason: 'client count' });
    db = ClientDb.importState(state.clients[0]!);
    const before = versions(db);
    const out: Uint8Array[] = [];
    const attach = (b: Uint8Array): number => out.push(b) - 1;
    const results: Record<string, unknown>[] = [];
    for (const chain of msg.chains) results.push(await runOne(db, chain, blobs, attach));
    // Failed chains report their effects too: a rollback collects vaults, and RevokeData steps stay done.
    const { selection, removed } = diff(before, versions(db));
    let changes: number | null = null;
    // Chains that only read (signatures, public keys) send no records back.
    if (selection.size > 0) {
      const exported = db.exportSubset(selection);
      try {
        changes = attach(encodeState({ clients: [exported] }));
      } finally {
        wipeState(exported);
      }
    }
    return { msg: { t: 'result', id, results, changes, removed }, blobs: out };
  } catch (e) {
    return { msg: { t: 'result', id, error: errorJSON(e) }, blobs: [] };
  } finally {
    db?.clear();
  }
}

/** What a test hook did: whether it threw, and the node error code (e.g. ERR_ACCESS_DENIED). */
async function runHook(name: TestHook): Promise<{ threw: boolean; code: string | null; permission: string | null }> {
  const attempt = async (fn: () => unknown): Promise<{ threw: boolean; code: string | null; permission: string | null }> => {
    try {
      await fn();
      return { threw: false, code: null, permission: null };
    } catch (e) {
      const err = e as { code?: unknown; permission?: unknown };
      return { threw: true, code: typeof err.code === 'string' ? err.code : null, permission: typeof err.permission === 'string' ? err.permission : null };
    }
  };
  switch (name) {
    case 'segv': {
      // Touching a noaccess guarded page: libsodium's guard, an uncatchable SIGSEGV.
      const page = sodium.sodium_malloc(32);
      sodium.sodium_mprotect_noaccess(page);
      return { threw: false, code: String(page[0]), permission: null };
    }
    case 'write-file': {
      const { writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      return attempt(() => writeFileSync(`${tmpdir()}/stronghold-zone-hook-${process.pid}`, 'x'));
    }
    case 'read-file': {
      const { readFileSync } = await import('node:fs');
      return attempt(() => readFileSync('/etc/passwd'));
    }
    case 'spawn': {
      const { spawnSync } = await import('node:child_process');
      return attempt(() => {
        const r = spawnSync('/bin/true');
        if (r.error) throw r.error;
      });
    }
    case 'worker': {
      const { Worker } = await import('node:worker_threads');
      return attempt(() => new Worker('process.exit(0)', { eval: true }).terminate());
    }
    case 'hang':
      return new Promise(() => {});
    case 'retain-next':
      retainNext = true;
      return { threw: false, code: null, permission: null };
  }
}

function start(): void {
  const hostPub = process.argv[2];
  if (typeof process.send !== 'function' || !hostPub || !/^[0-9a-f]{64}$/.test(hostPub)) process.exit(ZONE_EXIT.badStart);
  const key = EphemeralKey.generate();
  const pub = hexOf(key.publicKey);
  const channel: SealedChannel = key.channel('zone', Buffer.from(hostPub, 'hex'));

  const send = (reply: Reply): void => {
    const plain = encodeEnvelope(reply.msg, reply.blobs);
    try {
      process.send!(channel.seal(plain));
    } finally {
      wipe(plain, ...reply.blobs);
    }
  };

  const handle = async (frame: unknown): Promise<void> => {
    let plain: Uint8Array;
    try {
      plain = channel.open(frame instanceof Uint8Array ? frame : null);
    } catch {
      process.exit(ZONE_EXIT.badFrame);
    }
    try {
      const { msg, blobs } = decodeEnvelope(plain);
      if (msg.t === 'run' && retainNext) {
        retainNext = false;
        retained.push(...blobs.map((b) => Uint8Array.from(b)));
      }
      if (msg.t === 'run') send(await runRequest(msg, blobs));
      else if (msg.t === 'hook' && hooksEnabled && TEST_HOOKS.includes(msg.name as TestHook)) {
        send({ msg: { t: 'hook', id: msg.id, outcome: await runHook(msg.name as TestHook) }, blobs: [] });
      } else {
        const error = new StrongholdError('ProtocolError', 'unknown zone request', { reason: 'unknown request' }).toJSON();
        send({ msg: { t: 'result', id: msg.id, error }, blobs: [] });
      }
    } catch {
      process.exit(ZONE_EXIT.badFrame);
    } finally {
      wipe(plain);
    }
  };

  // One request at a time: the host sends the next only after the reply, but a queue keeps order regardless.
  let queue = Promise.resolve();
  process.on('message', (frame) => {
    queue = queue.then(() => handle(frame));
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ t: 'hello', v: ZONE_PROTOCOL_VERSION, pub });
  send({ msg: { t: 'ready' }, blobs: [] });
}

start();
