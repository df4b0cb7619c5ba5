/**
 * The fuzz targets: every parser that meets outside bytes.
 * - `snapshot`: the file reader end to end, and each layer on its own: the age header, the LZ4-style
 *   decompressor, the bincode state (seeded from the IOTA SDK fixtures, read in place, and from files this
 *   library writes);
 * - `procedure-json`: `parseChain` (seeded from the docs' procedure examples);
 * - `p2p-frames`: request and response frames of the remote protocol;
 * - `firewall-rules`: the firewall rule file;
 * - `cli-args`: the command line (`main(argv)` with in-memory streams, in a scratch directory).
 * A target whose module has not landed reports why and is skipped.
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { isStrongholdError } from '../../src/errors.js';
import { parseChain, parseProcedure, procedureToJSON } from '../../src/procedures/json.js';
import { parseHeader, MAX_WORK_FACTOR } from '../../src/snapshot/age.js';
import { decodeState, encodeState } from '../../src/snapshot/bincode.js';
import { FILE_HEADER_BYTES, readSnapshot } from '../../src/snapshot/codec.js';
import { passwordKey, v2PasswordKey } from '../../src/snapshot/keys.js';
import { compress, decompress } from '../../src/snapshot/lz4.js';
import { FuzzFailure, type FuzzTarget } from './harness.js';
import { mutatedBytes, mutatedJson, wordsOf } from './mutate.js';

const SRC = new URL('../../src/', import.meta.url);
const FIXTURES = new URL('../../../shared/fixtures/iota-sdk/', import.meta.url);
const DOCS = new URL('../../docs/', import.meta.url);
const enc = new TextEncoder();
const dec = new TextDecoder();
const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Reads a JSON corpus file; JSON targets keep their inputs as text. */
const jsonCodec = {
  encode: (v: unknown): Uint8Array => enc.encode(JSON.stringify(v) ?? 'null'),
  decode: (b: Uint8Array): unknown => JSON.parse(dec.decode(b)) as unknown,
  extension: 'json',
};

const moduleMissing = (path: string): string | null => (existsSync(new URL(path, SRC)) ? null : `src/${path} does not exist yet`);

// ---------------------------------------------------------------- snapshot

/** Layers of the snapshot reader; the first byte of a snapshot input says which one it feeds. */
const LAYERS = ['file', 'age-header', 'lz4', 'bincode'] as const;
/** Our choice: a fuzzed header may ask for any work factor, but running scrypt past 2^2 only makes fuzzing slow. */
const FUZZ_MAX_WORK_FACTOR = 2;
/** Cap for the decompressor layer: large enough for every seed, small enough that bombs stop fast. */
const FUZZ_DECOMPRESS_CAP = 4 * 1024 * 1024;
/** The key of the files this library writes for the corpus (test data). */
const LIBRARY_KEY = new Uint8Array(32).fill(0x24);

/** Keys that open the fixtures (README passwords), then ours: a mutated file is tried with each until one is not WrongPassword. */
function snapshotKeys(): Uint8Array[] {
  return [
    passwordKey('password'), passwordKey('some_hopefully_secure_password'), LIBRARY_KEY,
    v2PasswordKey('current_password'), v2PasswordKey('STRONGHOLD_PASSWORD'), v2PasswordKey('A12345678*'),
  ];
}

function fixtureFiles(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (dir: URL): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(new URL(`${e.name}/`, dir));
      else if (!e.name.endsWith('.md')) out.push(new Uint8Array(readFileSync(new URL(e.name, dir))));
    }
  };
  if (existsSync(FIXTURES)) walk(FIXTURES);
  return out;
}

/** Two files this library writes at W = 0: records in two vaults, a counter record, store entries with and without expiry. */
async function libraryFiles(): Promise<Uint8Array[]> {
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-fuzz-seed-'));
  try {
    const out: Uint8Array[] = [];
    for (const n of [1, 12]) {
      const path = join(dir, `s${n}.stronghold`);
      const sh = await Stronghold.open(path, { key: LIBRARY_KEY }, { create: true, workFactor: 0 });
      const c = sh.createClient(`client-${n}`);
      for (let i = 0; i < n; i++) c.writeSecret(Location.generic(`vault-${i % 2}`, `record-${i}`), new Uint8Array(16 + i).fill(i));
      c.writeSecret(Location.counter('counted', n), new Uint8Array(32).fill(7));
      c.store.insert('plain', 'value');
      c.store.insert('expiring', new Uint8Array(40), { ttlMs: 60_000 });
      sh.createClient('empty');
      await sh.save();
      await sh.close();
      out.push(new Uint8Array(readFileSync(path)));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openWithAnyKey(file: Uint8Array, keys: readonly Uint8Array[]): Promise<Awaited<ReturnType<typeof readSnapshot>>> {
  for (const [i, key] of keys.entries()) {
    try {
      return await readSnapshot(file, key, { maxWorkFactor: FUZZ_MAX_WORK_FACTOR, maxDecompressedBytes: FUZZ_DECOMPRESS_CAP });
    } catch (e) {
      if (!(isStrongholdError(e, 'WrongPassword') && i < keys.length - 1)) throw e;
    }
  }
  throw new Error('unreachable');
}

const snapshotTarget: FuzzTarget<Uint8Array> = {
  name: 'snapshot',
  timeBoundMs: 5_000,
  extension: 'bin',
  encode: (b) => b,
  decode: (b) => b,
  unavailable: async () => null,
  async arbitrary() {
    const keys = snapshotKeys();
    const files = [...fixtureFiles(), ...(await libraryFiles())];
    const headers = files.filter((f) => f[5] === 3).map((f) => f.subarray(FILE_HEADER_BYTES));
    const states: Uint8Array[] = [];
    for (const f of files) {
      try {
        states.push(encodeState((await openWithAnyKey(f, keys)).state));
      } catch {
        // W = 19 fixtures: their states come from the W = 0 ones.
      }
    }
    const compressed = states.map((s) => compress(s));
    const seeds = [files, headers, compressed, states];
    return fc.oneof(...LAYERS.map((_, layer) => mutatedBytes(seeds[layer]!).map((b) => {
      const out = new Uint8Array(1 + b.length);
      out[0] = layer;
      out.set(b, 1);
      return out;
    })));
  },
  async run(input) {
    const layer = LAYERS[input[0]! % LAYERS.length]!;
    const bytes = input.subarray(1);
    switch (layer) {
      case 'file': {
        const { state, version } = await openWithAnyKey(bytes, snapshotKeys());
        if (version !== 2 && version !== 3) throw new FuzzFailure(`version ${String(version)}`);
        const again = decodeState(encodeState(state));
        if (again.clients.length !== state.clients.length) throw new FuzzFailure('state does not survive re-encoding');
        return `valid ${layer}`;
      }
      case 'age-header': {
        const h = parseHeader(bytes);
        if (!Number.isInteger(h.workFactor) || h.workFactor < 0 || h.workFactor > MAX_WORK_FACTOR) throw new FuzzFailure(`work factor ${h.workFactor}`);
        return `valid ${layer}`;
      }
      case 'lz4': {
        const out = decompress(bytes, FUZZ_DECOMPRESS_CAP);
        if (out.length > FUZZ_DECOMPRESS_CAP) throw new FuzzFailure(`decompressed ${out.length} bytes past the cap`);
        if (!equal(decompress(compress(out), FUZZ_DECOMPRESS_CAP), out)) throw new FuzzFailure('compress does not invert decompress');
        return `valid ${layer}`;
      }
      case 'bincode': {
        const state = decodeState(bytes);
        // The decoder is strict: whatever it accepts is canonical and encodes back to the same bytes.
        const again = encodeState(state);
        if (!equal(again, bytes)) throw new FuzzFailure(`accepted a non-canonical state (${bytes.length} bytes in, ${again.length} out)`);
        return `valid ${layer}`;
      }
    }
  },
};

// ---------------------------------------------------------------- procedure JSON

function docExamples(): unknown[] {
  const path = new URL('procedures.md', DOCS);
  if (!existsSync(path)) return [];
  const doc = readFileSync(path, 'utf8');
  return [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].flatMap((m) => {
    try {
      return [JSON.parse(m[1]!) as unknown];
    } catch {
      return [];
    }
  });
}

/** Valid chains: the docs' whole catalogue, each procedure alone, and the docs' chain examples. */
function procedureSeeds(): unknown[] {
  const examples = docExamples();
  const single = examples.filter((e) => !Array.isArray(e));
  const chains = examples.filter((e) => Array.isArray(e));
  return [single, ...single.map((e) => [e]), ...chains];
}

const procedureJsonTarget: FuzzTarget<unknown> = {
  name: 'procedure-json',
  timeBoundMs: 2_000,
  ...jsonCodec,
  unavailable: async () => moduleMissing('procedures/json.ts'),
  async arbitrary() {
    const seeds = procedureSeeds();
    return fc.oneof({ weight: 9, arbitrary: mutatedJson(seeds, wordsOf(seeds)) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) });
  },
  async run(input) {
    const calls = parseChain(input);
    if (!Array.isArray(input) || calls.length !== input.length) throw new FuzzFailure('chain length changed');
    for (const call of calls) {
      // The JSON form of a parsed call parses again to the same JSON form.
      const json = procedureToJSON(call);
      const again = procedureToJSON(parseProcedure(JSON.parse(JSON.stringify(json))));
      if (JSON.stringify(again) !== JSON.stringify(json)) throw new FuzzFailure(`${call.procedure.type}: JSON form is not stable`);
    }
  },
};

// ---------------------------------------------------------------- p2p frames

const p2pFramesTarget: FuzzTarget<Uint8Array> = {
  name: 'p2p-frames',
  timeBoundMs: 2_000,
  extension: 'bin',
  encode: (b) => b,
  decode: (b) => b,
  unavailable: async () => moduleMissing('p2p/messages.ts'),
  async arbitrary() {
    const m = await import('../../src/p2p/messages.js');
    const loc = Location.generic('vault', 'record');
    const chain = procedureSeeds()[0];
    const vid = 'ab'.repeat(24);
    const bodies: [Parameters<typeof m.requestHeader>[1], Record<string, unknown>, Uint8Array?][] = [
      ['execute', { chain }],
      ['writeSecret', { location: loc }, new Uint8Array(32).fill(9)],
      ['revokeSecret', { location: loc }],
      ['deleteSecret', { location: Location.counter('vault', 3) }],
      ['recordExists', { location: loc }],
      ['vaultExists', { vault: 'vault' }],
      ['listRecords', { vault: new Uint8Array([0xff, 0xfe]) }],
      ['listVaults', {}],
      ['storeGet', { key: '6b6579' }],
      ['storeSet', { key: '6b6579', ttlMs: 1000 }, enc.encode('value')],
      ['storeDelete', { key: '6b6579' }],
      ['storeKeys', {}],
      ['syncHierarchy', {}],
      ['syncExport', { records: { [vid]: null, ['cd'.repeat(24)]: ['ef'.repeat(24)] }, publicKey: '11'.repeat(32) }],
    ];
    const requests = bodies.map(([type, body, blob], i) => ({ header: m.requestHeader(i + 1, type, { client: 'client', ...body }), blob }));
    const responses = [
      m.okFrame(1, true), m.okFrame(2, { records: [{ id: vid, hint: '00', length: 32 }] }, new Uint8Array(8)),
      m.errorFrame(3, { code: 'RecordNotFound', message: 'no record', details: { vault: 'v', record: 'r' } }), m.errorFrame(null, { code: 'ProtocolError', message: 'bad', details: { reason: 'x' } }),
    ];
    const frames = [...requests.map((r) => m.encodeFrame(r.header, r.blob)), ...responses];
    const headers = requests.map((r) => r.header);
    return fc.oneof(
      { weight: 5, arbitrary: mutatedBytes(frames) },
      // Header-level mutations keep the frame well-formed so the request parser itself is reached.
      { weight: 5, arbitrary: fc.tuple(mutatedJson(headers, wordsOf(headers)), fc.uint8Array({ maxLength: 64 })).map(([h, blob]) => m.encodeFrame(h, blob)) },
    );
  },
  async run(input) {
    const m = await import('../../src/p2p/messages.js');
    let requestError: unknown = null;
    try {
      const { header, blob } = m.decodeFrame(input);
      const id = m.requestId(header);
      if (id !== null) {
        const request = m.parseRequest(id, header, blob);
        if (request.id !== id || !(request.client instanceof Uint8Array)) throw new FuzzFailure('request lost its id or client');
      }
    } catch (e) {
      if (e instanceof FuzzFailure || !isStrongholdError(e)) throw e;
      requestError = e;
    }
    // The same bytes as a response (the client side): typed error or a response.
    try {
      const r = m.parseResponse(input);
      if (!r.ok && !isStrongholdError(r.error)) throw new FuzzFailure('an error response without a typed error');
    } catch (e) {
      if (e instanceof FuzzFailure || !isStrongholdError(e)) throw e;
    }
    if (requestError) throw requestError;
  },
};

// ---------------------------------------------------------------- firewall rules

const firewallTarget: FuzzTarget<unknown> = {
  name: 'firewall-rules',
  timeBoundMs: 2_000,
  ...jsonCodec,
  unavailable: async () => moduleMissing('p2p/firewall.ts'),
  async arbitrary() {
    const peer = '12D3KooWGRUVh7J6pSuNSyUeeJBbVVz6mm8ydC2hsyvmmfHT5zgB';
    const seeds = [
      { default: 'deny', peers: {} },
      { default: 'allow' },
      { default: 'ask', peers: { [peer]: 'deny' } },
      { peers: { [peer]: { clients: { wallet: { vaults: { keys: ['use', 'list'], '*': ['sync'] }, store: ['read'] } } } } },
      { default: { clients: { '*': { vaults: { '*': ['use', 'write', 'revoke', 'list', 'sync'] }, store: ['read', 'write'] } } } },
    ];
    return fc.oneof({ weight: 9, arbitrary: mutatedJson(seeds, wordsOf(seeds)) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) });
  },
  async run(input) {
    const fw = await import('../../src/p2p/firewall.js');
    const rules = fw.parseFirewallRules(input);
    const firewall = new fw.Firewall({ rules, onDenied: () => {} });
    if (JSON.stringify(fw.parseFirewallRules(firewall.rules)) !== JSON.stringify(rules)) throw new FuzzFailure('rules do not survive the firewall');
  },
};

// ---------------------------------------------------------------- command line

/**
 * Commands whose argv is fuzzed: the offline ones that finish on their own. Left out: `demo` (a scripted tour),
 * `init`, `passwd`, `backup`, `migrate` (a new key at work factor 19: seconds per input), and the network ones
 * (`serve`, `relay`, `remote`, `frost ...`: servers that run until stopped, or dials to peers). A command that
 * lands later is left out until it is added here.
 */
const CLI_FUZZED = new Set([
  'info', 'ls', 'id', 'mnemonic generate', 'mnemonic recover', 'key generate', 'derive', 'pubkey', 'address', 'sign', 'run',
  'store get', 'store set', 'store rm', 'store ls', 'record rm', 'verify', 'completion',
]);
/** The W = 0 fixture every cli input sees as `w0.stronghold` (a fresh copy per input); its password is in the env. */
const CLI_FIXTURE = 'chrysalis-backup-work-factor-0.stronghold';
const CLI_VALUES = [
  'w0.stronghold', 'missing.stronghold', 'iota_seed', 'iota-wallet-secret', 'iota-wallet-seed', 'v/r', 'vault/', '/r', "m/44'/4218'/0'/0'/0'",
  "m/44'/x", 'm', '0..3', '3..0', '0..99999', '30s', '0s', '10x', 'ed25519', 'secp256k1', 'x25519', '00ff', 'abc', '0', '-1', '4294967296',
  '', '--', '-', '-h', '--json', '--password', '--password=secret', 'a'.repeat(300), '\u0000', 'é',
];

interface CliCommand {
  name: string;
  options: Record<string, { type: string; short?: string }>;
}

let cliDir: string | null = null;

const cliTarget: FuzzTarget<string[]> = {
  name: 'cli-args',
  timeBoundMs: 10_000,
  ...jsonCodec,
  encode: (v) => enc.encode(JSON.stringify(v)),
  decode: (b) => JSON.parse(dec.decode(b)) as string[],
  isTypedError: (e) => (e as { name?: unknown }).name === 'CliError',
  unavailable: async () => moduleMissing('cli/args.ts') ?? moduleMissing('cli/dispatch.ts') ?? moduleMissing('cli/registry.ts'),
  async arbitrary() {
    const { COMMANDS } = (await import('../../src/cli/registry.js')) as { COMMANDS: readonly CliCommand[] };
    const commands = COMMANDS.filter((c) => CLI_FUZZED.has(c.name));
    const flagsOf = (c: CliCommand): string[] => [...new Set([...Object.keys(c.options), 'json', 'help', 'password-file', 'max-work-factor'])].map((f) => `--${f}`);
    const token = (c: CliCommand): fc.Arbitrary<string> => fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...flagsOf(c)) },
      { weight: 4, arbitrary: fc.constantFrom(...CLI_VALUES) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...flagsOf(c)), fc.constantFrom(...CLI_VALUES)).map(([f, v]) => `${f}=${v}`) },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    );
    return fc.oneof(
      { weight: 9, arbitrary: fc.nat(commands.length - 1).chain((i) => {
        const c = commands[i]!;
        return fc.tuple(fc.constant(c.name.split(' ')), fc.constantFrom(['w0.stronghold'], [], ['missing.stronghold']), fc.array(token(c), { maxLength: 8 }))
          .map(([name, file, rest]) => [...name, ...file, ...rest]);
      }) },
      { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...CLI_VALUES), fc.string({ maxLength: 12 })), { maxLength: 6 }) },
    );
  },
  async run(argv) {
    if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) throw new FuzzFailure('corpus entry is not an argv list');
    const { main } = await import('../../src/cli/dispatch.js');
    // Every input runs in a fresh scratch directory holding a copy of the W = 0 fixture, so a command that
    // writes (store set, key generate) changes only the copy, and relative paths land there.
    cliDir ??= mkdtempSync(join(tmpdir(), 'stronghold-fuzz-cli-'));
    const work = join(cliDir, 'cwd');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    writeFileSync(join(work, 'w0.stronghold'), readFileSync(new URL(CLI_FIXTURE, FIXTURES)));
    const previous = process.cwd();
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void): Writable => new Writable({ write(chunk: Buffer | string, _e, cb) { append(String(chunk)); cb(); } });
    process.chdir(work);
    let code: number;
    try {
      code = await main(argv, { stdout: sink((s) => { stdout += s; }), stderr: sink((s) => { stderr += s; }) }, {
        env: { STRONGHOLD_PASSWORD: 'password' }, stdin: Readable.from([]), stderr: sink(() => {}),
      });
    } finally {
      process.chdir(previous);
    }
    if (!Number.isInteger(code) || code < 0 || code > 10) throw new FuzzFailure(`exit status ${code}`);
    if (/stronghold: error: Internal:/.test(stderr)) throw new FuzzFailure(`internal error: ${stderr.split('\n')[0]}`);
    // With no arguments the help goes to stdout with the usage status; every other failure names its error.
    if (code !== 0 && argv.length > 0 && !/^stronghold: error: /m.test(stderr)) throw new FuzzFailure(`exit ${code} without an error line`);
    if (argv.includes('--json') && code === 0 && stdout.length > 0 && !argv.includes('--help') && !argv.includes('-h')) {
      try {
        JSON.parse(stdout.split('\n')[0]!);
      } catch {
        throw new FuzzFailure('--json printed something that is not JSON');
      }
    }
    return `exit ${code}`;
    if (argv.some((a) => /^--(new-)?password=secret/.test(a)) && (stderr.includes('secret') || stdout.includes('secret'))) throw new FuzzFailure('echoed a password given on the command line');
  },
};

/** Every target, by name. */
export const TARGETS: Record<string, FuzzTarget<any>> = {
  snapshot: snapshotTarget,
  'procedure-json': procedureJsonTarget,
  'p2p-frames': p2pFramesTarget,
  'firewall-rules': firewallTarget,
  'cli-args': cliTarget,
};

/** Removes the cli target's scratch directory (call when done). */
export function cleanupTargets(): void {
  if (cliDir) rmSync(cliDir, { recursive: true, force: true });
  cliDir = null;
}

