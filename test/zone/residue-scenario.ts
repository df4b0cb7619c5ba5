/**
 * The host side of the memory residue test, run in a child process (residue.test.ts scans its memory from
 * the outside). argv: mode (`inline` | `process`), variant (`clean` | `leaky`), snapshot path.
 *
 * The mnemonic to recover arrives on stdin and is read into a Buffer (never a string); the generated mnemonic
 * leaves on stdout as bytes (2-byte length prefix). Every copy is wiped, then the Stronghold is saved and
 * locked, and the process reports `ready` (with the zone's pid) and idles until told to exit.
 * The leaky variant also keeps a plain copy of the recovered mnemonic and of its seed, and in process mode makes the
 * zone keep a copy of the request that carries the mnemonic: the scan must find those.
 */
import { pbkdf2Sync } from 'node:crypto';
import { readSync, writeSync } from 'node:fs';
import { Stronghold } from '../../src/client/stronghold.js';
import { Location } from '../../src/engine/location.js';
import { wipe } from '../../src/memory/guarded.js';
import { bip39Generate } from '../../src/procedures/bip39-generate.js';
import { bip39Recover } from '../../src/procedures/bip39-recover.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { ZoneRunner } from '../../src/zone/host.js';

export const PATHS: readonly (readonly string[])[] = [["44'", "4218'", "0'", "0'", "0'"], ["44'", "4218'", "1'", "0'", "5'"], ["44'", "60'", "0'"]];
export const MNEMONIC_MAX = 1024;

const [mode, variant, file] = process.argv.slice(2) as ['inline' | 'process', 'clean' | 'leaky', string];
const leaks: Uint8Array[] = [];
(globalThis as { leaks?: unknown }).leaks = leaks;

function readMnemonic(): Uint8Array {
  const buf = Buffer.allocUnsafeSlow(MNEMONIC_MAX);
  let n = 0;
  for (;;) {
    const got = readSync(0, buf, n, MNEMONIC_MAX - n, null);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

const runner = mode === 'process' ? new ZoneRunner() : undefined;
const sh = await Stronghold.open(file, { key: new Uint8Array(32).fill(0x5a) }, { create: true, workFactor: 1, ...(runner ? { runner } : {}) });
const client = sh.createClient('wallet');
const at = (record: string): Location => Location.generic('keys', record);

const recovered = readMnemonic();
if (variant === 'leaky') {
  leaks.push(Buffer.from(recovered));
  leaks.push(pbkdf2Sync(recovered, 'mnemonic', 2048, 64, 'sha512'));
  // And a leaky zone: it keeps a copy of the request that carries the mnemonic.
  await runner?.testHook('retain-next');
}
await client.execute(bip39Recover({ mnemonic: recovered, output: at('recovered') }));
wipe(recovered);

const generated = await client.execute(bip39Generate({ output: at('generated') }));
const out = Buffer.allocUnsafeSlow(2 + generated.length);
out.writeUInt16LE(generated.length, 0);
out.set(generated, 2);
writeSync(1, out);
wipe(generated, out);

const msg = Uint8Array.of(1, 2, 3, 4);
for (const seed of ['recovered', 'generated']) {
  for (const [i, chain] of PATHS.entries()) {
    const key = at(`${seed}-${i}`);
    await client.executeChain([
      slip10Derive({ curve: 'ed25519', chain: [...chain], input: { seed: at(seed) }, output: key }),
      publicKey({ keyType: 'ed25519', privateKey: key }),
      ed25519Sign({ privateKey: key, msg }),
    ]);
  }
}
await sh.save();
await sh.lock();

process.send!({ t: 'ready', zonePid: runner?.pid ?? null });
process.on('message', async () => {
  await runner?.close();
  process.exit(0);
});
