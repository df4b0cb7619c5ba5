/**
 * The FROST protocol attacker (frost-attacker.ts), inline and in the secure zone: a real key generation and repair
 * between honest participants and the attacker's one, whose every message the attacker feeds, whole, in parts or
 * forged, to every procedure that takes bytes. The number of episodes grows with STRONGHOLD_ATTACK_RUNS.
 * The zone runs the built worker (dist/): a change to a procedure reaches its search after `npm run build`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Stronghold } from '../../src/client/stronghold.js';
import { Fn } from '../../src/procedures/frost-dkg-records.js';
import { parseChain } from '../../src/procedures/json.js';
import { optionsFor } from '../runners.js';
import { bytesIn } from './attacker.js';
import { collect, frostLeak, moves, plantFrost, resolve, type FrostWorld, type Learned } from './frost-attacker.js';

const RUNS = Number(process.env.STRONGHOLD_ATTACK_RUNS ?? 1);
const SEED_OFFSET = Number(process.env.STRONGHOLD_ATTACK_SEED ?? 0);

type Door = (json: Record<string, unknown>[]) => Promise<unknown>;

/** Each chain writes its own scratch records (a procedure's output location must be fresh). */
function renamed(value: unknown, n: number): unknown {
  if (Array.isArray(value)) return value.map((v) => renamed(v, n));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if (o.vault === 's' && typeof o.record === 'string') return { vault: 's', record: `${o.record}-${n}` };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, renamed(v, n)]));
}

async function outcome(door: Door, chain: Record<string, unknown>[]): Promise<{ result: unknown; failed: boolean }> {
  try {
    return { result: await door(chain), failed: false };
  } catch (e) {
    const err = e as { message?: unknown; details?: unknown };
    return { result: { message: String(err.message), details: err.details ?? null }, failed: true };
  }
}

let counter = 0;

/** Runs the moves (a failing chain again step by step) and returns the first honest secret given away, or null. */
async function attackFrost(door: Door, w: FrostWorld, chains: Record<string, unknown>[][], ran: Map<string, number>): Promise<string | null> {
  const learned: Learned = { opened: [] };
  for (const moveChain of chains) {
    const chain = renamed(resolve(w, moveChain), counter++) as Record<string, unknown>[];
    const first = await outcome(door, chain);
    for (const run of first.failed && chain.length > 1 ? [chain, ...chain.map((s) => [s])] : [chain]) {
      const { result, failed } = run === chain ? first : await outcome(door, run);
      if (!failed) for (const s of run) ran.set(s.type as string, (ran.get(s.type as string) ?? 0) + 1);
      const leak = frostLeak(w, learned, bytesIn(result));
      if (leak) return `${leak} after ${JSON.stringify(run.map((s) => s.type))}`;
      if (run.length === 1) collect(w, result, run[0]!.type as string);
    }
  }
  return null;
}

/** The steps that ran to the end, by procedure: the moves reach past the procedures' checks. */
const tally = (ran: Map<string, number>): string => [...ran].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');

async function search(sh: Stronghold, episodes: number, seed: number): Promise<{ world: FrostWorld; chains: number; ran: Map<string, number> }> {
  const client = sh.getClient('c');
  const world = await plantFrost(sh, client);
  const door: Door = (json) => client.executeChain(parseChain(json));
  let chains = 0;
  const ran = new Map<string, number>();
  await fc.assert(fc.asyncProperty(fc.array(moves(world), { minLength: 1, maxLength: 4 }), async (episode) => {
    chains += episode.length;
    const leak = await attackFrost(door, world, episode, ran);
    assert.equal(leak, null, `breach: the attacker learned ${leak}`);
  }), { numRuns: episodes * RUNS, seed: seed + SEED_OFFSET, endOnFailure: true });
  return { world, chains, ran };
}

describe('the FROST protocol attacker', { timeout: 600_000 }, () => {
  test('the check finds an honest secret in a result, less a known scalar, and sealed to the attacker (it can fail)', async () => {
    const sh = Stronghold.create();
    sh.createClient('c');
    const w = await plantFrost(sh, sh.getClient('c'));
    const [secret, what] = [...w.secrets].find(([, d]) => d.startsWith('the round-two share'))!;
    assert.match(frostLeak(w, { opened: [] }, [Fn.toBytes(secret)]) ?? '', /round-two share/);
    assert.match(frostLeak(w, { opened: [] }, [Uint8Array.from(Fn.toBytes(secret)).reverse()]) ?? '', /round-two share/);
    assert.match(frostLeak(w, { opened: [] }, [Fn.toBytes(Fn.add(secret, w.known[0]!))]) ?? '', /less a scalar/);
    const sigmas = w.messages.filter((m) => m.cls === 'sigma');
    assert.equal(frostLeak(w, { opened: [] }, sigmas.map((m) => m.sealed)), null, 'the sums sealed to the attacker give away nothing alone or together');
    assert.ok(what.length > 0 && w.secrets.size >= 20, `${w.secrets.size} secrets`);
  });

  test('inline: a thousand episodes of real and forged messages learn no honest secret', async (t) => {
    const sh = Stronghold.create();
    sh.createClient('c');
    const { world, chains, ran } = await search(sh, 1000, 0xf205);
    t.diagnostic(`inline: ${chains} chains, ${world.messages.length} messages seen, ${world.secrets.size} secrets, keys confined: ${world.confined}; steps that succeeded: ${tally(ran)}`);
    // X25519DiffieHellman refuses every FROST key (they are confined), so Hkdf and AeadDecrypt get no shared secret to run on.
    for (const type of ['FrostRepairStep1', 'FrostRepairStep2', 'FrostRepairStep3', 'FrostDkgRound3']) assert.ok((ran.get(type) ?? 0) > 0, `some ${type} ran to the end`);
    assert.equal(world.confined, true, 'the vault requires the FROST keys to be confined');
  });

  test('in the secure zone: the same search learns nothing', async (t) => {
    const sh = Stronghold.create(optionsFor('process'));
    try {
      sh.createClient('c');
      const { world, chains, ran } = await search(sh, 250, 0xf20e);
      t.diagnostic(`zone: ${chains} chains, ${world.messages.length} messages seen; steps that succeeded: ${tally(ran)}`);
    } finally {
      await sh.close();
    }
  });
});
