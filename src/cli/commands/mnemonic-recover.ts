/**
 * `stronghold mnemonic recover`: reads a mnemonic from standard input (or a prompt without echo on a
 * terminal) and stores its BIP-39 seed. The words stay bytes from stdin to BIP39Recover and are wiped.
 * @module
 */
import { isStrongholdError, StrongholdError } from '../../errors.js';
import { wipe } from '../../memory/guarded.js';
import { bip39Recover } from '../../procedures/bip39-recover.js';
import { optionalFlag, positionals } from '../args.js';
import type { Command } from '../command.js';
import { withHint } from '../messages.js';
import { usage } from '../output.js';
import { MAX_SECRET_INPUT_BYTES, normalizeWords, promptHidden, readSecretFile, readStdin } from '../password.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { guardOverwrite, RECORD_FLAGS, RECORD_OPTIONS, recordTarget } from '../records.js';

/** BIP39Recover's refusal in the words of someone who typed a mnemonic (never quoting a word). */
function invalidMnemonic(expected: string): StrongholdError<'InvalidArgument'> {
  return withHint(new StrongholdError('InvalidArgument', `the mnemonic is not a valid BIP-39 mnemonic: expected ${expected}; nothing was stored`,
    { field: 'mnemonic', expected }), 'check the words and their order');
}

export const mnemonicRecover: Command = {
  name: 'mnemonic recover',
  summary: 'store the seed of an existing mnemonic read from standard input',
  usage: 'mnemonic recover <snapshot> --client C --key V/R [--passphrase-file F] < words.txt',
  flags: [
    ...RECORD_FLAGS,
    ['--passphrase-file F', 'the BIP-39 passphrase ("25th word"), read from F (default: none)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold mnemonic recover wallet.stronghold --client iota_seed --key iota-wallet-secret/iota-wallet-seed < words.txt',
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
        if (words.length === 0) {
          throw usage(input.stdin.isTTY === true ? 'no mnemonic was typed; nothing was stored' : 'no mnemonic on standard input; nothing was stored',
            'give the words on standard input, separated by spaces or newlines: stronghold mnemonic recover <snapshot> ... < words.txt');
        }
        await client.execute(bip39Recover({ mnemonic: words, passphrase, output: t.location })).catch((e: unknown) => {
          throw isStrongholdError(e, 'InvalidArgument') && e.details.field === 'mnemonic' ? invalidMnemonic(e.details.expected) : e;
        });
      });
    } finally {
      wipe(passphrase, words);
    }
    out.result(`stored the seed in ${t.key.vault}/${t.key.record} of client ${t.client}`, { client: t.client, key: t.key });
  },
};
