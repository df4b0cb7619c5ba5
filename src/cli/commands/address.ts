/**
 * `stronghold address`: IOTA-SDK-compatible Ed25519 addresses from a seed record. For each index it derives
 * m/44'/coin'/account'/change'/index' (all hardened, SLIP-10 Ed25519) into a temporary record, asks for its
 * public key, and deletes the record; the address is bech32(hrp, 0x00 || BLAKE2b-256(public key)), the
 * SDK's Ed25519 address. The snapshot is opened read-only and never saved.
 * @module
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bech32 } from '@scure/base';
import { Location } from '../../engine/location.js';
import { publicKey } from '../../procedures/public-key.js';
import { slip10Derive } from '../../procedures/slip10-derive.js';
import { optionalFlag, parseInteger, parseRange, positionals, requireFlag } from '../args.js';
import type { Command } from '../command.js';
import { hex, usage } from '../output.js';
import { clientOf, OPEN_FLAGS, OPEN_OPTIONS, withSnapshot } from '../session.js';
import { KEY_OPTIONS, keyFlag } from '../records.js';

/** The IOTA SDK's seed location (iota-sdk `StrongholdAdapter`). */
export const SDK_CLIENT = 'iota_seed';
export const SDK_VAULT = 'iota-wallet-secret';
export const SDK_RECORD = 'iota-wallet-seed';
/** Address type byte of an Ed25519 address (TIP-31). */
const ED25519_ADDRESS_TYPE = 0;
/** Where the derived keys live for a moment; an in-memory vault of a snapshot that is not saved. */
const TEMP_VAULT = 'stronghold-cli-address';

const HRP = /^[a-z0-9]{1,83}$/;

/** The bech32 IOTA Ed25519 address of a public key: bech32(hrp, 0x00 || BLAKE2b-256(publicKey)). */
export function iotaAddress(publicKey: Uint8Array, hrp: string): string {
  const payload = Uint8Array.of(ED25519_ADDRESS_TYPE, ...blake2b(publicKey, { dkLen: 32 }));
  return bech32.encode(hrp, bech32.toWords(payload));
}

export const address: Command = {
  name: 'address',
  summary: 'IOTA SDK Ed25519 addresses from the seed record (SDK layout by default)',
  usage: 'address <snapshot> --coin-type N [--client iota_seed --key iota-wallet-secret/iota-wallet-seed] [--account 0] [--internal] [--range 0..10] [--hrp rms]',
  flags: [
    ['--coin-type N', 'SLIP-44 coin type: 4218 (IOTA), 4219 (Shimmer), 1 (testnet)'],
    ['--client C', `client of the seed (default ${SDK_CLIENT})`],
    ['--key V/R', `the seed record (default ${SDK_VAULT}/${SDK_RECORD})`],
    ['--vault V --record R', 'the same record, in the older form (an alias of --key V/R)'],
    ['--account N', 'account index (default 0)'],
    ['--internal', 'internal (change) addresses instead of external (public) ones'],
    ['--range A..B', 'address indices A to B-1, end-exclusive as in the SDK (default 0..1)'],
    ['--hrp H', 'bech32 human-readable part (default rms)'],
    ...OPEN_FLAGS,
  ],
  example: 'stronghold address wallet.stronghold --coin-type 4219 --range 0..10\nstronghold address wallet.stronghold --coin-type 4218 --account 1 --internal --hrp iota --json',
  options: {
    'coin-type': { type: 'string' }, client: { type: 'string' }, ...KEY_OPTIONS,
    account: { type: 'string' }, internal: { type: 'boolean' }, range: { type: 'string' }, hrp: { type: 'string' }, ...OPEN_OPTIONS,
  },
  async run(ctx) {
    const { args, out } = ctx;
    const v = args.values;
    const [path] = positionals(args, ['snapshot']);
    const coinType = parseInteger(requireFlag(v, 'coin-type'), 'coin-type', 0, 0x7fff_ffff);
    const account = parseInteger(optionalFlag(v, 'account') ?? '0', 'account', 0, 0x7fff_ffff);
    const change = v.internal === true ? 1 : 0;
    const range = parseRange(optionalFlag(v, 'range') ?? '0..1', 'range');
    const hrp = optionalFlag(v, 'hrp') ?? 'rms';
    if (!HRP.test(hrp)) throw usage(`--hrp must be 1 to 83 lowercase letters or digits, got "${hrp.slice(0, 40)}"`);
    const clientPath = optionalFlag(v, 'client') ?? SDK_CLIENT;
    const key = keyFlag(v, { vault: SDK_VAULT, record: SDK_RECORD });
    const seed = Location.generic(key.vault, key.record);
    const addresses = await withSnapshot(ctx, path!, { write: false }, async (sh) => {
      const client = clientOf(sh, clientPath);
      const list = [];
      for (let index = range.start; index < range.end; index++) {
        const chain = [`44'`, `${coinType}'`, `${account}'`, `${change}'`, `${index}'`];
        const temp = Location.generic(TEMP_VAULT, `${index}`);
        try {
          const [, pk] = await client.executeChain([
            slip10Derive({ curve: 'ed25519', chain, input: { seed }, output: temp }),
            publicKey({ keyType: 'ed25519', privateKey: temp }),
          ]);
          list.push({ index, path: `m/${chain.join('/')}`, address: iotaAddress(pk as Uint8Array, hrp), publicKey: hex(pk as Uint8Array) });
        } finally {
          if (client.recordExists(temp)) client.deleteSecret(temp);
        }
      }
      return list;
    });
    out.result(addresses.map((a) => `${a.index}\t${a.path}\t${a.address}`),
      { client: clientPath, key, coinType, account, internal: change === 1, hrp, addresses });
  },
};
