/**
 * One participant of test/memory/dkg-residue.test.ts, in its own process: a vault (ClientDb) that runs the JSON
 * procedures the test's coordinator sends over IPC, with the polynomial scalars the test chose (its test-only
 * provider, dkg-helpers.ts `scalarQueue`), so that the test knows the group secret before the run and can scan
 * this process for it between the rounds.
 *
 * Messages: {op: 'init', id, scalars: hex[]} → {pk}; {op: 'run', json} → {result} or {error};
 * {op: 'signing share'} → {share} (the test computes the group secret from the shares); {op: 'hold', hex} keeps
 * the bytes (the scan's control); 'exit'.
 */
import { nativeProvider } from '../../src/crypto/native.js';
import { ClientDb } from '../../src/engine/db.js';
import { runChain } from '../../src/exec/chain.js';
import { parseProcedure, resultToJSON } from '../../src/procedures/json.js';
import { decodeShare } from '../../src/procedures/frost-records.js';
import { Location } from '../../src/engine/location.js';
import { peek } from '../engine-access.js';
import { scalarQueue } from '../frost/dkg-helpers.js';

let db: ClientDb | null = null;
let provider = nativeProvider;
const held: unknown[] = [];

process.on('message', async (m: { op: string; id?: number; scalars?: string[]; json?: Record<string, unknown>; hex?: string } | 'exit') => {
  if (m === 'exit') process.exit(0);
  try {
    if (m.op === 'init') {
      db = new ClientDb(new Uint8Array(24).fill(m.id!));
      provider = scalarQueue(nativeProvider, m.scalars!.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))));
      const run = async (json: Record<string, unknown>): Promise<unknown> => {
        const call = parseProcedure(json);
        return resultToJSON(call, (await runChain(db!, provider, [call]))[0]);
      };
      await run({ type: 'GenerateKey', keyType: 'x25519', output: { vault: 'frost-keys', record: 'x25519' }, policy: { allowed: ['PublicKey', 'FrostShareImport', 'FrostDkgRound3', 'FrostRepairStep2', 'FrostRepairStep3'] } });
      process.send!({ pk: await run({ type: 'PublicKey', keyType: 'x25519', privateKey: { vault: 'frost-keys', record: 'x25519' } }) });
    } else if (m.op === 'run') {
      const call = parseProcedure(m.json!);
      process.send!({ result: resultToJSON(call, (await runChain(db!, provider, [call]))[0]) });
    } else if (m.op === 'signing share') {
      const loc = Location.generic('frost-shares', m.hex!);
      process.send!({ share: peek(db!, loc, (s) => Buffer.from(decodeShare(s, 'share', 'test').signingShare).toString('hex')) });
    } else if (m.op === 'hold') {
      held.push(Buffer.from(m.hex!, 'hex'), m.hex);
      process.send!({ held: held.length });
    }
  } catch (e) {
    const err = e as { code?: string; message?: string; details?: unknown };
    process.send!({ error: { code: err.code ?? 'Error', message: String(err.message), details: err.details ?? {} } });
  }
});
process.send!({ ready: true });
