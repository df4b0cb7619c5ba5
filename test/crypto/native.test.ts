import { nativeProvider } from '../../src/crypto/native.js';
import { runProviderCompliance } from '../compliance/crypto-provider.js';

runProviderCompliance('native', nativeProvider);
