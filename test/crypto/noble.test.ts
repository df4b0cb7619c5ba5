import { nobleProvider } from '../../src/crypto/noble.js';
import { runProviderCompliance } from '../compliance/crypto-provider.js';

runProviderCompliance('noble', nobleProvider);
