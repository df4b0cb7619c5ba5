// Issue 16, item 1a: stronghold-ts/iota against the declarations of @iota/sdk 1.1.6 (type-only imports: the SDK's
// native addon is never loaded), with tsc as the judge. The SDK's `SecretManager` class has a private member,
// so no other class can be assignable to it; instead every method both provide is checked: the SDK's arguments
// are accepted and the facade's results are what the SDK promises. Not provided (no network or no secret
// leaves the vault): signTransaction, getLedgerNanoStatus, getSeed.
import type * as Sdk from '@iota/sdk';
import type * as Facade from '../../../src/facades/iota.js';
import type { AcceptsArgs, Assert, IsAny, Not, ReturnsWithin } from './util.types.js';

export type Resolved = Assert<Not<IsAny<Sdk.SecretManager>>>;

type Shared = 'generateEd25519Addresses' | 'generateEvmAddresses' | 'storeMnemonic' | 'signatureUnlock' | 'signEd25519' | 'signSecp256k1Ecdsa';
export type Methods = Assert<AcceptsArgs<Sdk.SecretManager, Facade.SecretManager, Shared> & ReturnsWithin<Sdk.SecretManager, Facade.SecretManager, Shared>>;

// The SDK's option types go into the facade's constructor, and the facade's into the SDK's.
export const construct = (o: Sdk.StrongholdSecretManager, t: Sdk.SecretManagerType): Facade.SecretManager[] => [new ({} as typeof Facade.SecretManager)(o), new ({} as typeof Facade.SecretManager)(t)];
export const options = [
  (o: Facade.StrongholdSecretManager): Sdk.StrongholdSecretManager => o,
  (o: Sdk.StrongholdSecretManager): Facade.StrongholdSecretManager => o,
  (o: Facade.SecretManagerType): Sdk.SecretManagerType => o,
  (o: Sdk.IGenerateAddressesOptions): Facade.IGenerateAddressesOptions => o,
  (o: Facade.IGenerateAddressesOptions): Sdk.IGenerateAddressesOptions => o,
  (b: Sdk.Bip44): Facade.Bip44 => b,
  (b: Facade.Bip44): Sdk.Bip44 => b,
];

// Result objects: the facade's are the SDK's (getType() included).
export const results = [
  (s: Facade.Ed25519Signature): Sdk.Ed25519Signature => s,
  (u: Facade.Unlock): Sdk.Unlock => u,
  (u: Facade.SignatureUnlock): Sdk.SignatureUnlock => u,
  (s: Facade.Secp256k1EcdsaSignature): Sdk.Secp256k1EcdsaSignature => s,
];

// CoinType: the SDK's enum members are the facade's numbers, and the reverse.
export const coins: Facade.CoinType[] = [0 as unknown as Sdk.CoinType.IOTA, 0 as unknown as Sdk.CoinType.Shimmer, 0 as unknown as Sdk.CoinType.Ether];
export const sdkCoins: Sdk.IGenerateAddressesOptions = { coinType: ({} as typeof Facade.CoinType).Shimmer };

// The pure helpers have the SDK's signatures.
export const helpers = {
  utf8ToHex: ((f: typeof Facade.utf8ToHex): typeof Sdk.utf8ToHex => f),
  hexToUtf8: ((f: typeof Facade.hexToUtf8): typeof Sdk.hexToUtf8 => f),
  initLogger: ((f: typeof Facade.initLogger): typeof Sdk.initLogger => f),
  migrate: ((f: typeof Facade.migrateStrongholdSnapshotV2ToV3): typeof Sdk.migrateStrongholdSnapshotV2ToV3 => f),
};
type UtilsShared = 'generateMnemonic' | 'verifyMnemonic' | 'hexPublicKeyToBech32Address' | 'hexToBech32' | 'aliasIdToBech32' | 'nftIdToBech32' | 'bech32ToHex' | 'isAddressValid' | 'verifyEd25519Signature';
export type UtilsMethods = Assert<AcceptsArgs<typeof Sdk.Utils, typeof Facade.Utils, UtilsShared> & ReturnsWithin<typeof Sdk.Utils, typeof Facade.Utils, UtilsShared>>;
