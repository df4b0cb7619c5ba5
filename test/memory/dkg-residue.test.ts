/**
 * No group secret in any participant's process, at any moment of a dealer-free key generation: three participant
 * processes (dkg-participant.ts) run FrostDkgRound1..3 for a coordinator in this process (`generateKey`, over IPC);
 * before round two, before round three and after the run, every readable page of every participant is scanned
 * (/proc/<pid>/mem) for the group secret as bytes (little- and big-endian, which also covers V8's BigInt digits) and
 * as hex text (one- and two-byte characters). The participants draw the polynomials the test chose, so the test
 * knows the secret before the run; after it, the secret is computed again from the stored shares (Lagrange at 0) and
 * must be the same. A control hands one participant the secret and the scan must find it.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { StrongholdError } from '../../src/errors.js';
import { generateKey, type KeyMember } from '../../src/frost/dkg.js';
import { scanProcess, type Needle } from './scan.js';

const Fn = ed25519_FROST.utils.Fn;
const participantScript = fileURLToPath(new URL('./dkg-participant.ts', import.meta.url));

interface Child {
  proc: ChildProcess;
  ask(m: unknown): Promise<Record<string, unknown>>;
}

function start(): Promise<Child> {
  const proc = fork(participantScript, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let queue = Promise.resolve() as Promise<unknown>;
  const ask = (m: unknown): Promise<Record<string, unknown>> => {
    const next = queue.then(() => new Promise<Record<string, unknown>>((resolve) => {
      proc.once('message', (r) => resolve(r as Record<string, unknown>));
      proc.send(m as never);
    }));
    queue = next;
    return next;
  };
  return new Promise((resolve, reject) => {
    proc.once('message', () => resolve({ proc, ask }));
    proc.once('exit', (code) => reject(new Error(`participant exited early (${code})`)));
  });
}

const le = (s: bigint): Buffer => Buffer.from(Fn.toBytes(s));
function needles(secret: bigint): Needle[] {
  const bytes = le(secret);
  const reversed = Buffer.from(bytes).reverse();
  return [
    { name: 'group secret (little-endian bytes)', bytes },
    { name: 'group secret (big-endian bytes)', bytes: reversed },
    ...[bytes, reversed].flatMap((b, k) => [
      { name: `group secret (${k ? 'big' : 'little'}-endian hex, one-byte characters)`, bytes: Buffer.from(b.toString('hex'), 'latin1') },
      { name: `group secret (${k ? 'big' : 'little'}-endian hex, UTF-16)`, bytes: Buffer.from(b.toString('hex'), 'utf16le') },
    ]),
  ];
}

/** Each participant stopped while it is read: nothing changes under the scan. */
function scanAll(children: readonly Child[], secret: bigint): string[] {
  return children.flatMap((c, k) => {
    process.kill(c.proc.pid!, 'SIGSTOP');
    try {
      return scanProcess(c.proc.pid!, needles(secret)).map((f) => `participant ${k + 1}: ${f}`);
    } finally {
      process.kill(c.proc.pid!, 'SIGCONT');
    }
  });
}

describe('no group secret in any participant process during or after a key generation', { skip: process.platform !== 'linux' && 'reads /proc/<pid>/mem (Linux)', timeout: 180_000 }, () => {
  const children: Child[] = [];
  // a_i0, a_i1 and the proof nonce of each participant; the group secret is Σ a_i0.
  const scalars = [1, 2, 3].map(() => [0, 1, 2].map(() => Fn.fromBytes(ed25519_FROST.utils.randomScalar())));
  const secret = scalars.reduce((acc, s) => Fn.add(acc, s[0]!), 0n);
  const found: Record<string, string[]> = {};
  let groupKeyHex = '';

  before(async () => {
    for (let k = 0; k < 3; k++) children.push(await start());
  });
  after(() => {
    for (const c of children) if (c.proc.connected) c.proc.send('exit');
  });

  test('the run: scans before round two, before round three and after it', async () => {
    const members: KeyMember[] = [];
    for (const [k, c] of children.entries()) {
      await c.ask({ op: 'init', id: k + 1, scalars: scalars[k]!.map((s) => le(s).toString('hex')) });
      members.push({
        name: `participant ${k + 1}`,
        exec: {
          async execute(json) {
            // Every round waits for the previous one, so the first request of a round sees all participants idle.
            const type = json.type as string;
            if ((type === 'FrostDkgRound2' || type === 'FrostDkgRound3') && !found[type]) found[type] = scanAll(children, secret);
            const r = await c.ask({ op: 'run', json });
            if (r.error) {
              const e = r.error as { code: string; message: string; details: never };
              throw new StrongholdError(e.code as 'ProcedureFailed', e.message, e.details);
            }
            return r.result;
          },
        },
      });
    }
    const { group } = await generateKey(2, members);
    found.after = scanAll(children, secret);
    groupKeyHex = Buffer.from(group.groupPublicKey).toString('hex');
    // The secret the scans looked for is the one the stored shares make: s = 2·s1 − s2 (Lagrange at 0 over {1, 2}).
    const shares = [];
    for (const c of children.slice(0, 2)) shares.push(Fn.fromBytes(Buffer.from((await c.ask({ op: 'signing share', hex: groupKeyHex })).share as string, 'hex')));
    assert.equal(Fn.sub(Fn.mul(2n, shares[0]!), shares[1]!), secret, 'the group secret, from the shares');
    assert.deepEqual(found.FrostDkgRound2, [], found.FrostDkgRound2?.join('\n'));
    assert.deepEqual(found.FrostDkgRound3, [], found.FrostDkgRound3?.join('\n'));
    assert.deepEqual(found.after, [], found.after.join('\n'));
  });

  test('control: the scan finds the group secret once a participant holds it', async () => {
    assert.ok(groupKeyHex.length > 0, 'the run completed');
    await children[0]!.ask({ op: 'hold', hex: le(secret).toString('hex') });
    const hits = scanAll(children.slice(0, 1), secret);
    assert.ok(hits.some((h) => h.includes('little-endian bytes')), hits.join('\n'));
    assert.ok(hits.some((h) => h.includes('little-endian hex, one-byte')), hits.join('\n'));
  });
});
