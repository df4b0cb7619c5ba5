/**
 * Against a peer a user would pick instead: SoftHSM2 through PKCS#11, with a non-extractable Ed25519 key.
 * No PKCS#11 binding is a dependency of this package, so the benchmark compiles the small C program
 * `softhsm/ed25519-sign.c` with the system `cc` (against p11-kit's pkcs11.h) and drives it over stdin:
 * rounds of SoftHSM2 signing alternate with rounds of our procedure layer, and the ratio is taken per round.
 * The HSM's public key and a sample signature are verified with node:crypto first, so the figure is for
 * real Ed25519 signatures. Skipped, with the reason, where SoftHSM2, the header or a compiler is missing
 * (`.ci/setup` installs `softhsm2` and `libp11-kit-dev`). Runnable alone: `npx tsx bench/softhsm.ts [--quick]`.
 * @module
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { layerContender } from './ed25519.js';
import { formatTable, rate, rowOf, type BenchOptions, type Row } from './report.js';

const AREA = 'softhsm';
const MODULE_PATHS = [
  process.env.SOFTHSM2_MODULE,
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
].filter((p): p is string => typeof p === 'string' && p.length > 0);
const INCLUDE_DIRS = ['/usr/include/p11-kit-1', '/usr/local/include/p11-kit-1'];
/** SPKI DER prefix of an Ed25519 public key (RFC 8410 §4), followed by the 32-byte key. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Builds the C program into `dir`; returns its path or why it cannot be built. */
function build(dir: string): { binary: string } | { skipped: string } {
  const source = fileURLToPath(new URL('softhsm/ed25519-sign.c', import.meta.url));
  const include = INCLUDE_DIRS.find((d) => existsSync(join(d, 'p11-kit', 'pkcs11.h')));
  if (!include) return { skipped: 'p11-kit/pkcs11.h not found (Debian package libp11-kit-dev; .ci/setup installs it)' };
  const binary = join(dir, 'ed25519-sign');
  const cc = spawnSync('cc', ['-O2', `-I${include}`, '-o', binary, source, '-ldl'], { encoding: 'utf8' });
  if (cc.error) return { skipped: `no C compiler (cc): ${cc.error.message}` };
  if (cc.status !== 0) return { skipped: `cc failed: ${cc.stderr.trim().split('\n').slice(0, 3).join(' ')}` };
  return { binary };
}

/** The C program running, with a line-by-line reader of its stdout. */
class HsmSigner {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;

  constructor(binary: string, module: string, conf: string) {
    this.#child = spawn(binary, [module], { env: { ...process.env, SOFTHSM2_CONF: conf } });
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<Record<string, unknown>> {
    const line = await this.#lines.next();
    if (line.done) throw new Error('the SoftHSM2 signer exited');
    const json = JSON.parse(line.value) as Record<string, unknown>;
    if (json.error) throw new Error(`SoftHSM2: ${String(json.error)} (CK_RV ${String(json.rv)})`);
    return json;
  }

  /** Signatures per second over about `ms` milliseconds. */
  async rate(ms: number): Promise<number> {
    this.#child.stdin.write(`run ${ms}\n`);
    const r = await this.next();
    return (r.ops as number) / ((r.ms as number) / 1000);
  }

  close(): void {
    this.#child.stdin.end('quit\n');
  }
}

export async function benchSoftHsm(opts: BenchOptions = { quick: false }): Promise<{ rows: Row[]; skipped?: string }> {
  const module = MODULE_PATHS.find((p) => existsSync(p));
  if (!module) return { rows: [], skipped: 'SoftHSM2 is not installed (Debian package softhsm2; .ci/setup installs it where apt-get is available)' };
  const dir = mkdtempSync(join(tmpdir(), 'stronghold-bench-softhsm-'));
  const ms = opts.quick ? 200 : 1000;
  const rounds = opts.quick ? 1 : 5;
  let hsm: HsmSigner | undefined;
  const ours = await layerContender('Ed25519Sign, procedure layer (inline)', 'procedure layer (inline)');
  try {
    const built = build(dir);
    if ('skipped' in built) return { rows: [], skipped: built.skipped };
    mkdirSync(join(dir, 'tokens'));
    const conf = join(dir, 'softhsm2.conf');
    writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
    hsm = new HsmSigner(built.binary, module, conf);
    const hello = await hsm.next();
    // CKA_EC_POINT is a DER OCTET STRING (04 20 || key).
    const point = Buffer.from(String(hello.ecPoint), 'hex');
    const pub = point.length === 34 && point[0] === 0x04 && point[1] === 0x20 ? point.subarray(2) : point;
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' });
    if (!verify(null, Buffer.from(String(hello.message), 'hex'), key, Buffer.from(String(hello.signature), 'hex'))) {
      throw new Error('SoftHSM2 signature does not verify as Ed25519');
    }
    const hsmRates: number[] = [];
    const ourRates: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let h: number;
      let o: number;
      if (r % 2 === 0) {
        h = await hsm.rate(ms);
        o = await rate(ms, ours.sign);
      } else {
        o = await rate(ms, ours.sign);
        h = await hsm.rate(ms);
      }
      hsmRates.push(h);
      ourRates.push(o);
      ratios.push(o / h);
    }
    const note = `64-byte message; median of ${rounds} rounds × ${ms} ms, order alternating`;
    return {
      rows: [
        rowOf({ area: AREA, name: 'SoftHSM2 C_Sign CKM_EDDSA (non-extractable session key, C caller)', unit: 'signatures/s', note: `${module}; C_SignInit + C_Sign per signature; ${note}` }, hsmRates),
        rowOf({ area: AREA, name: 'Ed25519Sign, procedure layer (inline)', unit: 'signatures/s', note }, ourRates),
        rowOf({ area: AREA, name: 'ours / SoftHSM2', unit: 'x', note: 'per-round ratio', chart: 'Ed25519: ours / SoftHSM2 (PKCS#11)' }, ratios),
      ],
    };
  } finally {
    hsm?.close();
    await ours.close?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, skipped } = await benchSoftHsm({ quick: process.argv.includes('--quick') });
  console.log(formatTable(rows));
  if (skipped) console.log(`skipped: ${skipped}`);
}
