/**
 * A crash between commit and sign never lets a nonce handle sign twice. A file-backed participant (opened with
 * `openFrostStronghold`) commits and saves; a child process signs with the handle and is SIGKILLed at each crash
 * point: once the used mark is on disk, once the share exists in memory but is not yet saved, and after the share
 * was returned. After each kill the snapshot is reopened (taking over the dead writer's lock) and the same handle,
 * for another message, is refused with RecordRevoked. When the child did return its share, it aggregates with the
 * other participant's into a signature that node:crypto verifies.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isStrongholdError } from '../../src/errors.js';
import { aggregate, openFrostStronghold, type FrostCommitment, type FrostGroup } from '../../src/frost/index.js';
import { commitmentToJSON } from '../../src/procedures/frost-records.js';
import { frostCommit } from '../../src/procedures/frost-commit.js';
import { frostKeygen } from '../../src/procedures/frost-keygen.js';
import { frostSign } from '../../src/procedures/frost-sign.js';

const CHILD = fileURLToPath(new URL('./crash-signer.ts', import.meta.url));
const MSG = Buffer.from('first message');
const OTHER = Buffer.from('second message');
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A snapshot with a 2-of-2 key set in client `w` and one committed handle per share, saved. */
async function prepare(): Promise<{ path: string; group: FrostGroup; commitments: FrostCommitment[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'stronghold-frost-crash-'));
  dirs.push(dir);
  const path = join(dir, 'p.stronghold');
  const sh = await openFrostStronghold(path, 'password', { create: true, workFactor: 0 });
  const c = sh.createClient('w');
  const shares = [1, 2].map((i) => ({ vault: 'shares', record: `s${i}` }));
  const group = await c.execute(frostKeygen({ threshold: 2, participants: 2, outputs: shares }));
  const commitments: FrostCommitment[] = [];
  for (const i of [1, 2]) commitments.push((await c.execute(frostCommit({ share: shares[i - 1]!, nonces: { vault: 'frost-nonces', record: `n${i}` } }))).commitment);
  await sh.save();
  await sh.close();
  return { path, group, commitments };
}

/** Runs the child until it reports `crashPoint`, then SIGKILLs it. Returns what it reported. */
async function signAndKill(path: string, crashPoint: string, commitments: FrostCommitment[]): Promise<Record<string, unknown>> {
  const child = fork(CHILD, [path, crashPoint, MSG.toString('hex'), JSON.stringify(commitments.map(commitmentToJSON))], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Record<string, unknown>));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ${crashPoint}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return report;
}

function nodeVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

describe('FROST: a crash between commit and sign', { timeout: 120_000 }, () => {
  for (const crashPoint of ['afterMark', 'beforeSave', 'returned']) {
    test(`killed at ${crashPoint}: the reloaded snapshot refuses the handle`, async () => {
      const { path, group, commitments } = await prepare();
      const report = await signAndKill(path, crashPoint, commitments);
      assert.equal(report.at, crashPoint);

      const sh = await openFrostStronghold(path, 'password', { workFactor: 0 });
      try {
        const c = sh.loadClient('w');
        const again = (message: Uint8Array) => c.execute(frostSign({ share: { vault: 'shares', record: 's1' }, nonces: { vault: 'frost-nonces', record: 'n1' }, message, commitments }));
        for (const message of [OTHER, MSG]) {
          await assert.rejects(again(message), (e: unknown) => isStrongholdError(e, 'RecordRevoked'));
        }
        // The other participant's handle is untouched by the crash.
        const second = await c.execute(frostSign({ share: { vault: 'shares', record: 's2' }, nonces: { vault: 'frost-nonces', record: 'n2' }, message: MSG, commitments }));
        if (crashPoint === 'returned') {
          const first = report.share as { identifier: number; signatureShare: string };
          const sig = aggregate(group, commitments, MSG, [{ identifier: first.identifier, signatureShare: Uint8Array.from(Buffer.from(first.signatureShare, 'hex')) }, second]);
          assert.ok(nodeVerifies(group.groupPublicKey, MSG, sig));
        }
      } finally {
        await sh.close();
      }
    });
  }

  test('concurrent FrostSign calls with one handle: exactly one share, the others RecordRevoked', async () => {
    const { path, commitments } = await prepare();
    const sh = await openFrostStronghold(path, 'password', { workFactor: 0 });
    try {
      const c = sh.loadClient('w');
      const attempts = await Promise.allSettled(Array.from({ length: 6 }, (_, k) => c.execute(frostSign({
        share: { vault: 'shares', record: 's1' }, nonces: { vault: 'frost-nonces', record: 'n1' }, message: Buffer.from(`message ${k}`), commitments,
      }))));
      assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
      for (const a of attempts) if (a.status === 'rejected') assert.ok(isStrongholdError(a.reason, 'RecordRevoked'), String(a.reason));
    } finally {
      await sh.close();
    }
  });
});
