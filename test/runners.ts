/** Stronghold options that run procedures inline or in the secure zone, for suites that run both ways. */
import type { StrongholdOptions } from '../src/client/stronghold.js';
import { processZone } from '../src/zone/host.js';

export const optionsFor = (zone: 'inline' | 'process'): StrongholdOptions => (zone === 'process' ? { runner: processZone() } : {});
