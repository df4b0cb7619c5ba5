/**
 * The command line's argument parsers and exit status table, in process (the bin itself is covered by
 * cli.test.ts). Errors are checked by code and exit status, never by message text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBip32Path, parseDuration, parseFlags, parseHexFlag, parseInteger, parseRange, parseVaultRecord } from '../../src/cli/args.js';
import { CliError, EXIT, exitCodeOf } from '../../src/cli/output.js';
import { normalizeWords } from '../../src/cli/password.js';
import { StrongholdError, type ErrorCode } from '../../src/errors.js';

function usageError(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof CliError && e.code === 'Usage' && e.exitCode === 1);
}

describe('argument parsers', () => {
  test('ranges are end-exclusive, START < END', () => {
    assert.deepEqual(parseRange('0..10', 'range'), { start: 0, end: 10 });
    assert.deepEqual(parseRange('9..10', 'range'), { start: 9, end: 10 });
    for (const bad of ['5..2', '3..3', '0..', '..4', '1...3', '-1..2', '01..3', '0..10000001', '0..2147483649', 'a..b']) usageError(() => parseRange(bad, 'range'));
  });

  test('BIP-32 paths: m/ prefix, indices below 2^31, hardened by \' or h', () => {
    assert.deepEqual(parseBip32Path("m/44'/4219'/0'/0'/0'", 'path'), ["44'", "4219'", "0'", "0'", "0'"]);
    assert.deepEqual(parseBip32Path('m/44h/0/1H', 'path'), ["44'", '0', "1'"]);
    for (const bad of ["44'/0'", 'm', 'm/', "m//0'", 'm/2147483648', "m/01'", "m/0''", 'M/0']) usageError(() => parseBip32Path(bad, 'path'));
  });

  test('VAULT/RECORD splits at the first slash; both parts non-empty', () => {
    assert.deepEqual(parseVaultRecord('wallet/seed', 'key'), { vault: 'wallet', record: 'seed' });
    assert.deepEqual(parseVaultRecord('a/b/c', 'key'), { vault: 'a', record: 'b/c' });
    for (const bad of ['noslash', '/r', 'v/', '/']) usageError(() => parseVaultRecord(bad, 'key'));
  });

  test('hex of even length; durations; whole numbers in range', () => {
    assert.deepEqual([...parseHexFlag('00fF10', 'm')], [0, 255, 16]);
    assert.equal(parseHexFlag('', 'm').length, 0);
    usageError(() => parseHexFlag('abc', 'm'));
    usageError(() => parseHexFlag('zz', 'm'));
    assert.equal(parseDuration('500ms', 'ttl'), 500);
    assert.equal(parseDuration('10m', 'ttl'), 600_000);
    assert.equal(parseDuration('7d', 'ttl'), 604_800_000);
    for (const bad of ['0s', '10', '1.5h', '10 m', '-1s']) usageError(() => parseDuration(bad, 'ttl'));
    assert.equal(parseInteger('19', 'wf', 0, 23), 19);
    for (const bad of ['24', '-1', '1e3', '07', '']) usageError(() => parseInteger(bad, 'wf', 0, 23));
  });

  test('flags are strict: an unknown flag or a missing value is a usage error', () => {
    assert.deepEqual({ ...parseFlags(['snap', '--client', 'c', '--json'], { client: { type: 'string' } }).values }, { client: 'c', json: true });
    usageError(() => parseFlags(['--bogus'], {}));
    usageError(() => parseFlags(['--client'], { client: { type: 'string' } }));
  });

  test('mnemonic words: whitespace runs become one space, none at the ends; the input is wiped', () => {
    const input = new TextEncoder().encode(' \tabandon  \r\nability\n\nable \n');
    const out = normalizeWords(input);
    assert.equal(new TextDecoder().decode(out), 'abandon ability able');
    assert.ok(input.every((b) => b === 0));
    assert.equal(normalizeWords(new Uint8Array(0)).length, 0);
  });
});

describe('exit statuses', () => {
  const table: [ErrorCode, number][] = [
    ['InvalidArgument', 1], ['InvalidLocation', 1], ['UnknownProcedure', 1],
    ['WrongPassword', 2],
    ['SnapshotNotFound', 3], ['ClientNotFound', 3], ['VaultNotFound', 3], ['RecordNotFound', 3], ['RecordRevoked', 3],
    ['NotASnapshot', 4], ['UnsupportedVersion', 4], ['CorruptHeader', 4], ['CorruptPayload', 4], ['CorruptRecord', 4],
    ['Truncated', 4], ['DecompressionLimit', 4], ['WorkFactorTooHigh', 4],
    ['PolicyViolation', 5], ['PermissionDenied', 5], ['ClientAlreadyLoaded', 5],
    ['SnapshotLocked', 6],
    ['Io', 10], ['Locked', 10], ['ProcedureFailed', 10], ['ZoneCrashed', 10], ['Timeout', 10], ['RemoteError', 10], ['ProtocolError', 10],
  ];
  for (const [code, status] of table) {
    test(`${code} exits ${status}`, () => assert.equal(exitCodeOf(new StrongholdError(code, 'm', {} as never)), status));
  }

  test('errors rebuilt from JSON map by code; foreign errors exit 10', () => {
    assert.equal(exitCodeOf(StrongholdError.fromJSON({ code: 'SnapshotLocked', message: 'm', details: {} })), EXIT.locked);
    assert.equal(exitCodeOf(new TypeError('x')), EXIT.other);
    assert.equal(exitCodeOf(new CliError('AlreadyExists', 'm', EXIT.refused)), 5);
  });
});
