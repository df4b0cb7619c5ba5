/**
 * Messages a user can act on (issue 15, item 5): each message the issue quotes, run as the user ran it, must say
 * what happened and what to do in the user's terms: no parser text, no chain step or procedure name in a
 * single-procedure command, no protocol request names, and a hint that matches where the password came from.
 * The commands run in process (src/cli/dispatch.ts) on work factor 0 snapshots.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { presentError } from '../../src/cli/messages.js';
import { StrongholdError } from '../../src/errors.js';
import { REQUEST_TYPES } from '../../src/p2p/messages.js';
import { fakeTerminal, runInProcess, type CliResult } from './harness.js';

const PW = { STRONGHOLD_PASSWORD: 'pw' };
let dir: string;
let snap: string;

const errorLine = (r: CliResult): string => /^stronghold: error: .*$/m.exec(r.stderr)?.[0] ?? '';
const hintLine = (r: CliResult): string => /^stronghold: hint: .*$/m.exec(r.stderr)?.[0] ?? '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stronghold-messages-'));
  snap = join(dir, 'x.stronghold');
  assert.equal((await runInProcess(['init', snap, '--work-factor', '0'], PW)).code, 0);
  assert.equal((await runInProcess(['key', 'generate', snap, '--client', 'c', '--vault', 'v', '--record', 'k', '--type', 'ed25519'], PW)).code, 0);
});

after(() => rm(dir, { recursive: true, force: true }));

describe('flags and commands', () => {
  test('a mistyped flag is named, with the flag it resembles; no parser text', async () => {
    const r = await runInProcess(['ls', snap, '--clent', 'a'], PW);
    assert.equal(r.code, 1);
    assert.equal(errorLine(r), 'stronghold: error: Usage: unknown flag --clent for stronghold ls');
    assert.match(hintLine(r), /did you mean --client\?/);
    assert.doesNotMatch(r.stderr, /positional|Unknown option/);
  });

  test('a flag without its value, and a value given to a switch', async () => {
    const missing = await runInProcess(['ls', snap, '--client'], PW);
    assert.equal(errorLine(missing), 'stronghold: error: Usage: --client needs a value');
    const value = await runInProcess(['ls', snap, '--json=yes'], PW);
    assert.equal(errorLine(value), 'stronghold: error: Usage: --json takes no value');
  });

  test('global flags before the command work as after it', async () => {
    const r = await runInProcess(['--json', 'ls', snap, '--client', 'c'], PW);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { clients: { name: string }[] };
    assert.equal(doc.clients[0]!.name, 'c');
    const help = await runInProcess(['--help', 'sign']);
    assert.match(help.stdout, /^USAGE\n {2}stronghold sign /m);
    const bad = await runInProcess(['--jsno', 'ls', snap], PW);
    assert.equal(errorLine(bad), 'stronghold: error: Usage: unknown flag --jsno before the command');
    assert.match(hintLine(bad), /did you mean --json\?/);
  });

  test('a mistyped command or subcommand gets "did you mean"', async () => {
    assert.match(hintLine(await runInProcess(['sing'])), /did you mean sign\?/);
    assert.match(hintLine(await runInProcess(['store', 'lst', snap])), /did you mean store ls\?/);
    assert.doesNotMatch(hintLine(await runInProcess(['frobnicate'])), /did you mean/);
  });
});

describe('snapshots and passwords', () => {
  test('init in a missing folder says the folder is missing, not that the snapshot is, and suggests no init', async () => {
    const r = await runInProcess(['init', join(dir, 'no/such/dir/x.stronghold'), '--work-factor', '0'], PW);
    assert.equal(r.code, 3);
    assert.match(errorLine(r), /^stronghold: error: FolderNotFound: .*the folder .*no\/such\/dir does not exist$/);
    assert.match(hintLine(r), /mkdir -p /);
    assert.doesNotMatch(r.stderr, /stronghold init/);
  });

  test('a wrong password typed at the prompt: the hint speaks of the prompt, not of STRONGHOLD_PASSWORD', async () => {
    const stdin = fakeTerminal('not-the-password\r');
    const r = await runInProcess(['ls', snap], {}, stdin);
    assert.equal(r.code, 2, r.stderr);
    assert.match(hintLine(r), /typed at the prompt/);
    assert.doesNotMatch(r.stderr, /STRONGHOLD_PASSWORD|file key/);
    assert.deepEqual(stdin.rawModes, [true, false], 'the terminal is back in cooked mode');
  });

  test('a wrong password from the environment or a file: the hint names that source', async () => {
    assert.match(hintLine(await runInProcess(['ls', snap], { STRONGHOLD_PASSWORD: 'nope' })), /STRONGHOLD_PASSWORD does not hold/);
    const file = join(dir, 'pw.txt');
    await writeFile(file, 'nope\n');
    const r = await runInProcess(['ls', snap, '--password-file', file]);
    assert.match(hintLine(r), /--password-file does not hold/);
    assert.doesNotMatch(r.stderr, /STRONGHOLD_PASSWORD/);
  });

  test('the SnapshotLocked hint says who holds the lock and how to clear it', () => {
    const err = new StrongholdError('SnapshotLocked', 'm', { path: '/w/x.stronghold', pid: 4242, host: 'box' });
    const { hint } = presentError(err, false);
    assert.match(hint!, /process 4242 on box/);
    assert.match(hint!, /remove \/w\/x\.stronghold\.lock/);
  });
});

describe('mnemonic recover', () => {
  test('empty standard input: says no mnemonic was given and how to give one', async () => {
    const r = await runInProcess(['mnemonic', 'recover', snap, '--client', 'c', '--vault', 'v', '--record', 'seed'], PW);
    assert.equal(r.code, 1);
    assert.equal(errorLine(r), 'stronghold: error: Usage: no mnemonic on standard input; nothing was stored');
    assert.match(hintLine(r), /separated by spaces or newlines/);
    assert.doesNotMatch(r.stderr, /single spaces|BIP39Recover|step/);
  });

  test('a wrong word count: one plain sentence, no step or procedure name', async () => {
    const r = await runInProcess(['mnemonic', 'recover', snap, '--client', 'c', '--vault', 'v', '--record', 'seed'], PW, Readable.from([Buffer.from('abandon\n  about\n')]));
    assert.equal(r.code, 1);
    assert.equal(errorLine(r), 'stronghold: error: InvalidArgument: the mnemonic is not a valid BIP-39 mnemonic: expected 12, 15, 18, 21 or 24 words, got 2; nothing was stored');
    assert.doesNotMatch(r.stderr, /about|abandon/, 'no word is quoted');
  });
});

describe('procedure errors', () => {
  test('a single-procedure command names no chain step or procedure, in text or JSON', async () => {
    const r = await runInProcess(['sign', snap, '--client', 'c', '--key', 'nov/k', '--message-hex', '00', '--json'], PW);
    assert.equal(r.code, 3);
    assert.doesNotMatch(r.stderr, /step|Ed25519Sign/);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; details: Record<string, unknown> } };
    assert.equal(doc.error.code, 'VaultNotFound');
    assert.equal(doc.error.details.vault, 'nov');
    assert.equal('step' in doc.error.details, false);
    assert.doesNotMatch(doc.error.message, /step/);
  });

  test('run, whose chain the user wrote, names the failing step once', async () => {
    const chain = '[{"type":"GenerateKey","keyType":"ed25519","output":{"vault":"v","record":"n"}},{"type":"BIP39Recover","mnemonic":"a b","output":{"vault":"v","record":"z"}}]';
    const r = await runInProcess(['run', snap, '--client', 'c'], PW, Readable.from([Buffer.from(chain)]));
    assert.equal(r.code, 1);
    assert.match(errorLine(r), /^stronghold: error: InvalidArgument: step 1 \(BIP39Recover\): "mnemonic" expected /);
    assert.equal(r.stderr.split('BIP39Recover').length - 1, 1, 'the procedure is named once');
  });

  test('a firewall denial, as it arrives from a server, names no protocol request', () => {
    for (const op of REQUEST_TYPES) {
      const wire = StrongholdError.fromJSON({ code: 'PermissionDenied', message: `${op}: not permitted`, details: { operation: op } });
      const { message, hint } = presentError(wire, false);
      assert.doesNotMatch(message, new RegExp(op), op);
      assert.match(message, /^the server refused to [a-z (),]+ this client/, op);
      assert.match(hint!, /stronghold id/);
    }
  });
});
