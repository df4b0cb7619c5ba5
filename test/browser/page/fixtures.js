// Opens an IOTA SDK fixture in the zone worker and derives Ed25519 public keys from its seed record.
import { Location, StrongholdWorker } from '/bundle/stronghold.js';
import { publicKey, slip10Derive } from '/bundle/procedures.js';
import { fetchBlob, hex } from './util.js';

export async function fixturePublicKeys(file, password, chains) {
  const progress = [];
  const sh = await StrongholdWorker.open({
    path: 'fixture.stronghold', password, file: await fetchBlob(`/fixtures/${file}`), readOnly: true,
    onProgress: (p) => progress.push(p.fraction === undefined ? p.phase : `${p.phase} ${p.fraction}`),
  });
  try {
    const info = await sh.info();
    const client = await sh.loadClient('iota_seed');
    const seed = Location.generic('iota-wallet-secret', 'iota-wallet-seed');
    const keys = [];
    for (const [i, chain] of chains.entries()) {
      const key = Location.generic('derived', `key-${i}`);
      await client.execute(slip10Derive({ curve: 'ed25519', chain, input: { seed }, output: key }));
      keys.push(hex(await client.execute(publicKey({ keyType: 'ed25519', privateKey: key }))));
    }
    return { version: info.snapshotVersion, storage: info.storage, protection: info.memoryProtection, progress, keys };
  } finally {
    await sh.close();
  }
}
