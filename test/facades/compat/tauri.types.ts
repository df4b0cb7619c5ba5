// Issue 16, item 1a: stronghold-ts/tauri against the declarations of @tauri-apps/plugin-stronghold 2.3.2, with
// tsc as the judge (test/facades/compat.test.ts compiles this file; `npm run typecheck` does too).
// Instances of the facade's classes must be assignable to the plugin's types, every argument the plugin's
// methods take must be accepted by the facade's, and the facade's results must be what the plugin promises.
// The other direction (a plugin instance where a facade type is expected) is not possible for the classes:
// the facade's `Vault` has a protected member, which structural typing cannot match, and no app needs it.
import type * as Plugin from '@tauri-apps/plugin-stronghold';
import type * as Facade from '../../../src/facades/tauri.js';
import type { AcceptsArgs, Assert, IsAny, Not, ReturnsWithin } from './util.types.js';

export type Resolved = Assert<Not<IsAny<Plugin.Stronghold>>>;

// Instances: facade -> plugin.
export const stronghold = (s: Facade.Stronghold): Plugin.Stronghold => s;
export const client = (c: Facade.Client): Plugin.Client => c;
export const vault = (v: Facade.Vault): Plugin.Vault => v;
export const store = (s: Facade.Store): Plugin.Store => s;
export const location = (l: Facade.Location): Plugin.Location => l;
// Location has no private members: both ways.
export const pluginLocation = (l: Plugin.Location): Facade.Location => l;
export const load: typeof Plugin.Stronghold.load = (path, password) => ({} as typeof Facade.Stronghold).load(path, password);
export const generic: typeof Plugin.Location.generic = ({} as typeof Facade.Location).generic;
export const counter: typeof Plugin.Location.counter = ({} as typeof Facade.Location).counter;

// Arguments the plugin takes are accepted, results are within what the plugin promises, method by method.
export type Methods = Assert<
  & AcceptsArgs<Plugin.Stronghold, Facade.Stronghold, 'unload' | 'loadClient' | 'createClient' | 'save'>
  & ReturnsWithin<Plugin.Stronghold, Facade.Stronghold, 'unload' | 'loadClient' | 'createClient' | 'save'>
  & AcceptsArgs<Plugin.Client, Facade.Client, 'getVault' | 'getStore'>
  & ReturnsWithin<Plugin.Client, Facade.Client, 'getVault' | 'getStore'>
  & AcceptsArgs<Plugin.Store, Facade.Store, 'get' | 'insert' | 'remove'>
  & ReturnsWithin<Plugin.Store, Facade.Store, 'get' | 'insert' | 'remove'>
  & AcceptsArgs<Plugin.Vault, Facade.Vault, 'insert' | 'remove' | 'generateSLIP10Seed' | 'deriveSLIP10' | 'recoverBIP39' | 'generateBIP39' | 'getEd25519PublicKey' | 'signEd25519'>
  & ReturnsWithin<Plugin.Vault, Facade.Vault, 'insert' | 'remove' | 'generateSLIP10Seed' | 'deriveSLIP10' | 'recoverBIP39' | 'generateBIP39' | 'getEd25519PublicKey' | 'signEd25519'>
>;

// Constructors an app may call directly take the plugin's arguments.
export const newClient = (...a: ConstructorParameters<typeof Plugin.Client>): Facade.Client => new ({} as typeof Facade.Client)(...a);
export const newVault = (...a: ConstructorParameters<typeof Plugin.Vault>): Facade.Vault => new ({} as typeof Facade.Vault)(...a);
export const newStore = (...a: ConstructorParameters<typeof Plugin.Store>): Facade.Store => new ({} as typeof Facade.Store)(...a);

// The plain types, both ways.
export const types = {
  duration: [(d: Plugin.Duration): Facade.Duration => d, (d: Facade.Duration): Plugin.Duration => d],
  network: [(n: Plugin.NetworkConfig): Facade.NetworkConfig => n, (n: Facade.NetworkConfig): Plugin.NetworkConfig => n],
  permissions: [(p: Plugin.Permissions): Facade.Permissions => p, (p: Facade.Permissions): Plugin.Permissions => p],
  access: [(c: Plugin.ClientAccess): Facade.ClientAccess => c, (c: Facade.ClientAccess): Plugin.ClientAccess => c],
  peer: [(p: Plugin.PeerAddress): Facade.PeerAddress => p, (p: Facade.PeerAddress): Plugin.PeerAddress => p],
  address: [(a: Plugin.AddressInfo): Facade.AddressInfo => a, (a: Facade.AddressInfo): Plugin.AddressInfo => a],
  limits: [(l: Plugin.ConnectionLimits): Facade.ConnectionLimits => l, (l: Facade.ConnectionLimits): Plugin.ConnectionLimits => l],
  paths: [(p: Plugin.ClientPath): Facade.ClientPath => p, (p: Plugin.StoreKey): Facade.StoreKey => p, (p: Plugin.VaultPath): Facade.VaultPath => p, (p: Plugin.RecordPath): Facade.RecordPath => p],
};
