/**
 * The browser's default.ts: the noble provider only (the compliance suite proves it equivalent to the native one).
 * @module
 */
import { nobleProvider } from './noble.js';
import type { CryptoProvider } from './provider.js';

export const defaultProvider: CryptoProvider = nobleProvider;
export const knownProviders: readonly CryptoProvider[] = [nobleProvider];
export const KNOWN_PROVIDER_NAMES = 'nobleProvider (the browser build has no native provider)';
