/**
 * `stronghold mnemonic generate`: stores the seed of a new 24-word BIP-39 mnemonic and prints the words
 * once. The words are written to stdout as bytes (never a JS string) after the snapshot is saved.
 * @module
 */
import { wipe } from '../../memory/guarded.js';
import { bip39Generate } from '../../procedures/bip39-generate.js';
import type { Bip39Language } from '../../procedures/bip39.js';
import { oneOf, optionalFlag, positionals } from '../args.js';
import type { Command } from '../command.js';
import { readSecretFile } from '../password.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { guardOverwrite, RECORD_FLAGS, RECORD_OPTIONS, recordTarget } from '../records.js';

const encoder = new TextEncoder();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const mnemonicGenerate: Command = {
  name: 'mnemonic generate',
  summary: 'store the seed of a new 24-word mnemonic; print the words once',
  usage: 'mnemonic generate <snapshot> --client C --key V/R [--language english|japanese] [--passphrase-file F]',
  flags: [
    ...RECORD_FLAGS,
    ['--language L', 'english (default) or japanese'],
    ['--passphrase-file F', 'the BIP-39 passphrase ("25th word"), read from F (default: none)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold mnemonic generate wallet.stronghold --client iota_seed --key iota-wallet-secret/iota-wallet-seed',
  options: { ...RECORD_OPTIONS, language: { type: 'string' }, 'passphrase-file': { type: 'string' }, ...OPEN_OPTIONS },
  async run(ctx) {
    const { args, out } = ctx;
    const [path] = positionals(args, ['snapshot']);
    const t = recordTarget(args.values);
    const lang = optionalFlag(args.values, 'language');
    const language: Bip39Language = lang === undefined ? 'english' : oneOf(lang, ['english', 'japanese'] as const, 'language');
    const ppFile = optionalFlag(args.values, 'passphrase-file');
    const passphrase = ppFile === undefined ? new Uint8Array(0) : await readSecretFile(ppFile, 'passphrase-file');
    let mnemonic: Uint8Array | null = null;
    let output: Uint8Array | null = null;
    try {
      mnemonic = await withSnapshot(ctx, path!, { write: true }, async (sh) => {
        const client = clientOf(sh, t.client, true);
        guardOverwrite(client, t.location, args.values);
        return client.execute(bip39Generate({ output: t.location, passphrase, language }));
      });
      if (out.json) {
        const head = JSON.stringify({ client: t.client, key: t.key, language }).slice(0, -1);
        // Mnemonic words need no JSON escaping (lowercase letters, Japanese kana, spaces).
        output = concat([encoder.encode(`${head},"mnemonic":"`), mnemonic, encoder.encode('"}\n')]);
      } else output = concat([mnemonic, encoder.encode('\n')]);
      await out.resultBytes(output);
      out.note(`The seed is stored in ${t.key.vault}/${t.key.record} of client ${t.client}. Write the 24 words down now: they are not shown again.`);
    } finally {
      wipe(passphrase, mnemonic, output);
    }
  },
};
