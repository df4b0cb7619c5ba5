/**
 * `stronghold demo`: the README's main job as a guided run on a temporary snapshot (removed at the end):
 * a client, a generated and a recovered mnemonic, a secret, a derived key that signs (checked with
 * node:crypto), an IOTA address, save, reopen, and the same results again. Everything goes through the
 * library's public API; it takes a moment because the temporary snapshot uses work factor 0.
 * @module
 */
import { createPublicKey, getRandomValues, verify } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stronghold } from '../../client/stronghold.js';
import { Location } from '../../engine/location.js';
import { isStrongholdError } from '../../errors.js';
import { wipe } from '../../memory/guarded.js';
import { bip39Generate } from '../../procedures/bip39-generate.js';
import { bip39Recover } from '../../procedures/bip39-recover.js';
import { ed25519Sign } from '../../procedures/ed25519-sign.js';
import { publicKey } from '../../procedures/public-key.js';
import { slip10Derive } from '../../procedures/slip10-derive.js';
import { positionals } from '../args.js';
import type { Command } from '../command.js';
import { hex } from '../output.js';
import { iotaAddress } from './address.js';

/** The BIP-39 reference mnemonic (trezor vectors): public, so the demo can show it. */
const TEST_MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), to hand a raw key to node:crypto. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const CHAIN = ["44'", "4218'", "0'", "0'", "0'"];
const MESSAGE = new TextEncoder().encode('hello from stronghold-ts');

function verifiedByNode(pub: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, pub]), format: 'der', type: 'spki' });
  return verify(null, MESSAGE, key, signature);
}

export const demo: Command = {
  name: 'demo',
  summary: 'a guided tour on a temporary snapshot (nothing of yours is touched)',
  usage: 'demo',
  flags: [],
  example: 'stronghold demo\nnpm run demo',
  options: {},
  async run({ args, out }) {
    positionals(args, []);
    const say = (line = ''): void => {
      if (!out.json) out.streams.stdout.write(`${line}\n`);
    };
    const dir = await mkdtemp(join(tmpdir(), 'stronghold-demo-'));
    const path = join(dir, 'demo.stronghold');
    const password = getRandomValues(new Uint8Array(16));
    const seed = { vault: 'wallet', record: 'seed' };
    const addr0 = { vault: 'wallet', record: 'addr0' };
    try {
      say('Stronghold demo: a secret store whose secrets never leave it, on a throw-away snapshot.');
      say(`1. Creating ${path}`);
      say('   with scrypt work factor 0 so that the demo is instant. Real snapshots default to 19');
      say('   (about 1.5 s and 512 MiB per open): that cost is what makes guessing the password slow.');
      let sh = await Stronghold.open(path, password, { create: true, workFactor: 0 });
      let client = sh.createClient('demo-app');
      say('2. Created client "demo-app" (a client is an isolated set of vaults plus a key/value store).');

      const words = await client.execute(bip39Generate({ output: { vault: 'wallet', record: 'generated' } }));
      const count = words.reduce((n, b) => n + (b === 0x20 ? 1 : 0), 1);
      wipe(words);
      say(`3. Generated a ${count}-word mnemonic; its seed is in wallet/generated. The demo does not print the words;`);
      say('   `stronghold mnemonic generate` prints them exactly once, for you to write down.');

      await client.execute(bip39Recover({ mnemonic: new TextEncoder().encode(TEST_MNEMONIC), output: seed }));
      say('4. Recovered the public BIP-39 test mnemonic "abandon ... about" into wallet/seed.');

      const token = getRandomValues(new Uint8Array(32));
      client.writeSecret(Location.generic('secrets', 'api-token'), token);
      wipe(token);
      const listed = client.listRecords('secrets');
      say(`5. Wrote a 32-byte secret to secrets/api-token. Listing shows ids and hints only: record ${listed[0]!.id}.`);

      const [chainCode, pub] = await client.executeChain([
        slip10Derive({ curve: 'ed25519', chain: CHAIN, input: { seed }, output: addr0 }),
        publicKey({ keyType: 'ed25519', privateKey: addr0 }),
      ]) as [Uint8Array, Uint8Array];
      const address = iotaAddress(pub, 'iota');
      say(`6. Derived m/${CHAIN.join('/')} (SLIP-10 Ed25519) into wallet/addr0; chain code ${hex(chainCode)}.`);
      say(`   Its public key ${hex(pub)}`);
      say(`   is the IOTA address ${address}`);

      const signature = await client.execute(ed25519Sign({ privateKey: addr0, msg: MESSAGE }));
      const verified = verifiedByNode(pub, signature);
      say(`7. Signed "hello from stronghold-ts" inside the vault: ${hex(signature).slice(0, 32)}...`);
      say(`   ${verified ? 'verified' : 'NOT verified'} with node:crypto against the public key (the private key never left the vault).`);

      client.store.insert('last-demo', new Date().toISOString());
      await sh.save();
      const bytes = (await stat(path)).size;
      await sh.close();
      say(`8. Saved atomically (${bytes} bytes, encrypted with age/scrypt) and closed: every key in memory is wiped.`);

      let wrongPassword = false;
      try {
        await (await Stronghold.open(path, new TextEncoder().encode('not the password'), { readOnly: true })).close();
      } catch (e) {
        wrongPassword = isStrongholdError(e, 'WrongPassword');
      }
      say(`9. Opening with a wrong password fails with ${wrongPassword ? 'WrongPassword (exit status 2 on the command line)' : 'an unexpected result'}.`);

      sh = await Stronghold.open(path, password);
      client = sh.loadClient('demo-app');
      const again = await client.execute(ed25519Sign({ privateKey: addr0, msg: MESSAGE }));
      const pubAgain = await client.execute(publicKey({ keyType: 'ed25519', privateKey: addr0 }));
      const same = hex(again) === hex(signature) && iotaAddress(pubAgain, 'iota') === address;
      await sh.close();
      say(`10. Reopened with the password: ${same ? 'the same address and the same signature (Ed25519 is deterministic)' : 'DIFFERENT results'}.`);
      say();
      say('Try it on your own file:');
      say('  export STRONGHOLD_PASSWORD=...   # or --password-file F; never on the command line');
      say('  stronghold init wallet.stronghold');
      say('  stronghold mnemonic generate wallet.stronghold --client iota_seed --key iota-wallet-secret/iota-wallet-seed');
      say('  stronghold address wallet.stronghold --coin-type 4218 --hrp iota --range 0..3');
      out.result('', { snapshot: path, workFactor: 0, mnemonicWords: count, address, publicKey: hex(pub), signature: hex(signature), verified, wrongPasswordRefused: wrongPassword, reopenedSame: same, removed: true });
    } finally {
      wipe(password);
      await rm(dir, { recursive: true, force: true });
    }
  },
};
