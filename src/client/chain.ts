// PLACEHOLDER until the procedures work lands: replaced by the procedures engineer.
import type { CryptoProvider } from '../crypto/provider.js';
import type { ClientDb } from '../engine/db.js';
import type { ProcedureCall } from '../procedures/types.js';
export async function runChain(_db: ClientDb, _provider: CryptoProvider, _calls: readonly ProcedureCall[]): Promise<unknown[]> {
  throw new Error('procedures not implemented yet');
}
