/**
 * The storage a snapshot uses when the caller names none: files on this machine. The browser build replaces
 * this module with default-storage.browser.ts (scripts/build-browser.mjs swaps every `X.ts` that has an
 * `X.browser.ts`).
 * @module
 */
export { fileStorage as defaultStorage } from './file.js';
