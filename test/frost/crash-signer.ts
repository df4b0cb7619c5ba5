/**
 * Child process for crash.test.ts (not a test itself). Started with
 * `fork(thisFile, [path, crashPoint, messageHex, commitmentsJson], { execArgv: ['--import', 'tsx'] })`, it opens the
 * snapshot with `openFrostStronghold` and runs FrostSign for share `s1` with the handle `n1`. At `crashPoint`
 * (`afterMark`, `beforeSave`, or `returned`: after the share came back) it reports to the parent and waits to be killed.
 * @module
 */
import { openFrostStronghold, type DurableFrostRunner } from '../../src/frost/persist.js';
import { parseProcedure, resultToJSON } from '../../src/procedures/json.js';

const [path, crashPoint, messageHex, commitmentsJson] = process.argv.slice(2) as [string, string, string, string];
const hang = (at: string, extra: Record<string, unknown> = {}) => async (): Promise<void> => {
  process.send!({ at, ...extra });
  await new Promise(() => {});
};

const sh = await openFrostStronghold(path, 'password', { workFactor: 0 });
const runner = sh.runner as DurableFrostRunner;
if (crashPoint === 'afterMark') runner.crashPoints.afterMark = hang('afterMark');
if (crashPoint === 'beforeSave') runner.crashPoints.beforeSave = hang('beforeSave');
const call = parseProcedure({
  type: 'FrostSign', share: { vault: 'shares', record: 's1' }, nonces: { vault: 'frost-nonces', record: 'n1' },
  message: messageHex, commitments: JSON.parse(commitmentsJson),
});
const out = await sh.loadClient('w').execute(call);
await hang('returned', { share: resultToJSON(call, out) })();
