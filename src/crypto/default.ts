/**
 * The providers a Stronghold accepts and the one it uses when the caller names none: native here, noble in the
 * browser build (default.browser.ts, which leaves sodium-native and node:crypto out of the bundle).
 * @module
 */
import { nativeProvider } from './native.js';
import { nobleProvider } from './noble.js';
import type { CryptoProvider } from './provider.js';

export const defaultProvider: CryptoProvider = nativeProvider;
export const knownProviders: readonly CryptoProvider[] = [nativeProvider, nobleProvider];
/** How messages name `knownProviders`. */
export const KNOWN_PROVIDER_NAMES = 'nativeProvider or nobleProvider';
