/**
 * `stronghold mnemonic recover`: reads a mnemonic from standard input (or a prompt without echo on a
 * terminal) and stores its BIP-39 seed. The words stay bytes from stdin to BIP39Recover and are wiped.
 * @module
 */
import { wipe } from '../../memory/guarded.js';
import { bip39Recover } from '../../procedures/bip39-recover.js';
import { optionalFlag, positionals } from '../args.js';
import type { Command } from '../command.js';
import { MAX_SECRET_INPUT_BYTES, normalizeWords, promptHidden, readSecretFile, readStdin } from '../password.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { guardOverwrite, RECORD_FLAGS, RECORD_OPTIONS, recordTarget } from '../records.js';

export const mnemonicRecover: Command = {
  name: 'mnemonic recover',
  summary: 'store the seed of an existing mnemonic read from standard input',
  usage: 'mnemonic recover <snapshot> --client C --vault V --record R [--passphrase-file F] < words.txt',
  flags: [
    ...RECORD_FLAGS,
    ['--passphrase-file F', 'the BIP-39 passphrase ("25th word"), read from F (default: none)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold mnemonic recover wallet.stronghold --client iota_seed --vault iota-wallet-secret --record iota-wallet-seed < words.txt',
  options: { ...RECORD_OPTIONS, 'passphrase-file': { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out, input } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const t = recordTarget(args.values);
    const ppFile = optionalFlag(args.values, 'passphrase-file');
    const passphrase = ppFile === undefined ? new Uint8Array(0) : await readSecretFile(ppFile, 'passphrase-file');
    let words: Uint8Array | null = null;
    try {
      await withSnapshot(ctx, path!, { write: true }, async (sh) => {
        const client = clientOf(sh, t.client, true);
        guardOverwrite(client, t.location, args.values);
        const raw = input.stdin.isTTY === true
          ? await promptHidden(input, 'Mnemonic (the words are not shown): ')
          : await readStdin(input, MAX_SECRET_INPUT_BYTES, 'the mnemonic');
        words = normalizeWords(raw);
        await client.execute(bip39Recover({ mnemonic: words, passphrase, output: t.location }));
      });
    } finally {
      wipe(passphrase, words);
    }
    out.result(`stored the seed in ${t.vault}/${t.record} of client ${t.client}`, { client: t.client, vault: t.vault, record: t.record });
  },
};
