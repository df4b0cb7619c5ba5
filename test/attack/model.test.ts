/**
 * The key-separation model (model.ts): the exhaustive search finds no way for a planted secret to come out; the
 * same search on rules weakened as before record kinds finds the chains; and the runtime agrees with the
 * model on every procedure: for every read and every kind, the engine accepts the record exactly when the rules
 * say so, and every write gets the kind and protection the rules give it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientDb } from '../../src/engine/db.js';
import { Location } from '../../src/engine/location.js';
import { decodeHint, fieldName, RECORD_KINDS, type AccessRules, type RecordKind } from '../../src/engine/policy.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { runChain } from '../../src/exec/chain.js';
import { parseChain } from '../../src/procedures/json.js';
import { FROST_KEY_PROCEDURES } from '../../src/procedures/policy.js';
import { PROCEDURES } from '../../src/procedures/registry.js';
import { plant } from '../engine-access.js';
import { Stronghold } from '../../src/client/stronghold.js';
import { ASSUMES, explore, RETURNS } from './model.js';
import { forgedPiece, plantFrost } from './frost-attacker.js';

const RULES = PROCEDURES.map((p) => p.rules);
const weaken = (procedure: string, change: (r: AccessRules) => AccessRules): AccessRules[] => RULES.map((r) => (r.procedure === procedure ? change(r) : r));

describe('the key-separation model', () => {
  test('the search over the catalogue reaches a fixpoint in which no planted secret is known', (t) => {
    const r = explore();
    t.diagnostic(`${r.states} abstract records, fixpoint after ${r.depth} rounds, ${r.transitions} transitions`);
    assert.equal(r.breach, null);
    assert.ok(r.states > RECORD_KINDS.length, 'the attacker reaches records beyond the planted ones');
  });

  test('every procedure of the catalogue is classified by the model', () => {
    assert.deepEqual(Object.keys(RETURNS).sort(), PROCEDURES.map((p) => p.type).sort());
  });

  test('with the rules of before (share export of any record), the search finds the issue\'s chain', () => {
    const any: RecordKind[] = [...RECORD_KINDS];
    const rules = weaken('FrostShareExport', (r) => ({ ...r, reads: { share: any } }));
    const concat = rules.map((r) => (r.procedure === 'ConcatSecret' ? { ...r, reads: { locationA: any, locationB: any } } : r));
    assert.match(explore(concat).breach ?? '', /FrostShareExport gives back the share/);
  });

  test('a repair step that would seal pieces of another kind of record is found', () => {
    const rules = weaken('FrostRepairStep1', (r) => ({ ...r, reads: { share: ['frost-share', 'x25519'] } }));
    assert.match(explore(rules).breach ?? '', /FrostRepairStep1 gives back the share it read: a x25519 record/);
  });

  test('a key wrap that does not declare its release is found', () => {
    const rules = weaken('AesKeyWrapEncrypt', (r) => ({ ...r, releases: undefined }) as AccessRules);
    assert.match(explore(rules).breach ?? '', /AesKeyWrapEncrypt gives back/);
  });

});

// Conformance: one JSON step per (procedure, read), with the record under test at that read's field.
const L = { vault: 'k', record: 'x' };
const OUT = { vault: 'o', record: 'y' };
const Z32 = '00'.repeat(32);
const Z64 = '00'.repeat(64);
const BASE = '58' + '66'.repeat(31);
const PACKAGES = [2, 3].map((identifier) => ({ identifier, commitments: [BASE, BASE], proofOfKnowledge: Z64 }));
// FrostDkgRound3 reads three records: the two not under test are of a kind it accepts.
const DKG_STATE = { vault: 'k', record: 'st' };
const DKG_KEY = { vault: 'k', record: 'kx' };
const DKG_SHARE = { vault: 'k', record: 'sh' };
const COMMITMENTS = [1, 2].map((identifier) => ({ identifier, hiding: '58'.repeat(32), binding: '58'.repeat(32) }));
function stepFor(procedure: string, access: string): Record<string, unknown> {
  const variant = /\((\w+)\)/.exec(access)?.[1];
  switch (procedure) {
    case 'CopyRecord': return { type: procedure, source: L, target: OUT };
    case 'Slip10Derive': return access === 'input.seed'
      ? { type: procedure, curve: 'ed25519', chain: ["0'"], input: { seed: L }, output: OUT }
      : { type: procedure, curve: variant, chain: ["0'"], input: { key: L }, output: OUT };
    case 'PublicKey': return { type: procedure, keyType: variant, privateKey: L };
    case 'GetEvmAddress': return { type: procedure, privateKey: L };
    case 'Ed25519Sign': return { type: procedure, privateKey: L, msg: '00' };
    case 'Secp256k1EcdsaSign': return { type: procedure, flavor: 'sha256', privateKey: L, msg: '00' };
    case 'X25519DiffieHellman': return { type: procedure, privateKey: L, publicKey: '09' + '00'.repeat(31), sharedKey: OUT };
    case 'Hmac': return { type: procedure, hashType: 'sha256', msg: '00', key: L };
    case 'Hkdf': return { type: procedure, hashType: 'sha256', ikm: L, okm: OUT };
    case 'ConcatKdf': return { type: procedure, hashType: 'sha256', algorithmId: 'A', sharedSecret: L, keyLen: 32, apu: '', apv: '', pubInfo: '', privInfo: '', output: OUT };
    case 'AeadEncrypt': return { type: procedure, cipher: 'xchacha20poly1305', key: L, nonce: '00'.repeat(24), plaintext: '00', associatedData: '' };
    case 'AeadDecrypt': return { type: procedure, cipher: 'xchacha20poly1305', key: L, nonce: '00'.repeat(24), tag: '00'.repeat(16), ciphertext: '00', associatedData: '' };
    case 'AesKeyWrapEncrypt': return access === 'wrapKey'
      ? { type: procedure, cipher: 'aes256', encryptionKey: { vault: 'k', record: 'kek' }, wrapKey: L }
      : { type: procedure, cipher: 'aes256', encryptionKey: L, wrapKey: { vault: 'k', record: 'kek' } };
    case 'AesKeyWrapDecrypt': return { type: procedure, cipher: 'aes256', decryptionKey: L, wrappedKey: '00'.repeat(40), output: OUT };
    case 'ConcatSecret': return access === 'locationA'
      ? { type: procedure, locationA: L, locationB: { vault: 'k', record: 'kek' }, output: OUT }
      : { type: procedure, locationA: { vault: 'k', record: 'kek' }, locationB: L, output: OUT };
    case 'FrostCommit': return { type: procedure, share: L, nonces: OUT };
    case 'FrostSign': return access === 'share'
      ? { type: procedure, share: L, nonces: { vault: 'k', record: 'kek' }, message: '00', commitments: COMMITMENTS }
      : { type: procedure, share: { vault: 'k', record: 'kek' }, nonces: L, message: '00', commitments: COMMITMENTS };
    case 'FrostShareExport': return { type: procedure, share: L };
    case 'FrostShareImport': return { type: procedure, sealed: '00'.repeat(400), key: L, output: OUT };
    case 'FrostDkgRound1': return { type: procedure, identifier: 1, threshold: 2, participants: 3, recipients: [BASE, BASE, BASE], state: L };
    case 'FrostDkgRound2': return { type: procedure, state: L, packages: PACKAGES };
    case 'FrostDkgRound3': return {
      type: procedure, state: access === 'state' ? L : DKG_STATE, key: access === 'key' ? L : DKG_KEY, share: access === 'share' ? L : DKG_SHARE,
      packages: PACKAGES, shares: [2, 3].map((from) => ({ from, sealed: '00'.repeat(104) })), output: OUT,
    };
    case 'FrostDkgAbort': return { type: procedure, state: L };
    case 'FrostRepairStep1': return { type: procedure, share: L, helpers: [1, 2], for: 3 };
    case 'FrostRepairStep2': return { type: procedure, key: L, identifier: 1, participants: 3, commitments: [BASE, BASE], helpers: [1, 2], for: 3, deltas: [1, 2].map((from) => ({ from, sealed: '00'.repeat(264) })) };
    case 'FrostRepairStep3': return { type: procedure, key: L, participants: 3, commitments: [BASE, BASE], helpers: [1, 2], for: 3, sigmas: [1, 2].map((from) => ({ from, sealed: '00'.repeat(200) })), output: OUT };
    default: throw new Error(`no conformance step for ${procedure}.${access}`);
  }
}

/** Refused by kind: a PolicyViolation that names this field and this kind. */
async function refusedByKind(kind: Exclude<RecordKind, 'invalid'>, procedure: string, access: string): Promise<boolean> {
  const db = new ClientDb(new Uint8Array(24).fill(1));
  // A read confined to some procedures (a FROST participant's key) gets a record confined to them: only its kind is on trial.
  const confined = PROCEDURES.find((p) => p.type === procedure)?.rules.confined?.[access];
  plant(db, Location.generic('k', 'x'), new Uint8Array(Buffer.from(kind === 'x25519' || access.startsWith('wrapKey') ? Z32 : Z64, 'hex')).fill(7), kind, confined ? { allowed: confined } : undefined);
  plant(db, Location.generic('k', 'kek'), new Uint8Array(32).fill(9), 'symmetric');
  plant(db, Location.from(DKG_STATE), new Uint8Array(64).fill(5), 'frost-dkg-state');
  plant(db, Location.from(DKG_KEY), new Uint8Array(32).fill(5), 'x25519', { allowed: FROST_KEY_PROCEDURES });
  plant(db, Location.from(DKG_SHARE), new Uint8Array(64).fill(5), 'frost-share');
  // FrostSign reads its nonces only after a genuine share.
  if (procedure === 'FrostSign' && access === 'nonces') {
    await runChain(db, nativeProvider, parseChain([{ type: 'FrostKeygen', threshold: 2, participants: 3, outputs: [{ vault: 'k', record: 'kek' }, { vault: 'k', record: 's2' }, { vault: 'k', record: 's3' }] }]));
  }
  try {
    await runChain(db, nativeProvider, parseChain([stepFor(procedure, access)]));
    return false;
  } catch (e: any) {
    return e.code === 'PolicyViolation' && e.details.field === fieldName(access) && e.details.kind === kind && e.details.accepted !== undefined;
  }
}

describe('the model\'s assumptions hold at runtime', () => {
  test('a confined-key procedure refuses a key that X25519DiffieHellman may use, and DiffieHellman refuses the confined ones', async () => {
    assert.equal(FROST_KEY_PROCEDURES.includes('X25519DiffieHellman'), false);
    const confinedReads = PROCEDURES.filter((p) => p.rules.confined).map((p) => p.type).sort();
    assert.deepEqual(Object.entries(ASSUMES).filter(([, a]) => a.includes('confined key')).map(([p]) => p).sort(), confinedReads, 'every procedure with a confined read states the assumption');
    for (const [procedure, assumed] of Object.entries(ASSUMES)) {
      if (!assumed.includes('confined key')) continue;
      assert.deepEqual(PROCEDURES.find((p) => p.type === procedure)?.rules.confined?.key, FROST_KEY_PROCEDURES, procedure);
      const db = new ClientDb(new Uint8Array(24).fill(4));
      plant(db, Location.generic('k', 'x'), new Uint8Array(32).fill(7), 'x25519');
      plant(db, Location.from(DKG_STATE), new Uint8Array(64).fill(5), 'frost-dkg-state');
      plant(db, Location.from(DKG_SHARE), new Uint8Array(64).fill(5), 'frost-share');
      await assert.rejects(runChain(db, nativeProvider, parseChain([stepFor(procedure, 'key')])), (e: any) => e.code === 'PolicyViolation' && e.details.field === 'key', procedure);
    }
    const db = new ClientDb(new Uint8Array(24).fill(4));
    plant(db, Location.generic('k', 'x'), new Uint8Array(32).fill(7), 'x25519', { allowed: FROST_KEY_PROCEDURES });
    await assert.rejects(runChain(db, nativeProvider, parseChain([stepFor('X25519DiffieHellman', 'privateKey')])), (e: any) => e.code === 'PolicyViolation' && e.details.field === 'privateKey');
  });

  test('FrostRepairStep2 sums signed pieces only: a piece of the real repair forged in another helper\'s name is refused, the real one is summed', async () => {
    assert.deepEqual(Object.entries(ASSUMES).filter(([, a]) => a.includes('signed pieces')).map(([p]) => p), ['FrostRepairStep2']);
    const sh = Stronghold.create();
    const c = sh.createClient('c');
    const w = await plantFrost(sh, c);
    const real = w.messages.find((m) => m.cls === 'delta' && m.from === 1 && m.to === 1)!;
    const step = { type: 'FrostRepairStep2', key: { vault: 'frost', record: 'x1' }, identifier: 1, participants: 3, commitments: w.commitments.map((x) => Buffer.from(x).toString('hex')), helpers: [1, 2], for: 3 };
    const deltas = (forged: Uint8Array): { from: number; sealed: string }[] => [{ from: 1, sealed: Buffer.from(real.sealed).toString('hex') }, { from: 2, sealed: Buffer.from(forged).toString('hex') }];
    await assert.rejects(c.executeChain(parseChain([{ ...step, deltas: deltas(forgedPiece(w, 2, 1)) }])), (e: any) => e.code === 'FrostMisbehaviour' && e.details.participant === 2 && e.details.check === 'signature');
    const honest = w.messages.find((m) => m.cls === 'delta' && m.from === 2 && m.to === 1)!;
    await c.executeChain(parseChain([{ ...step, deltas: deltas(honest.sealed) }]));
  });
});

describe('the runtime agrees with the model', () => {
  for (const p of PROCEDURES) {
    for (const [access, accepted] of Object.entries(p.rules.reads)) {
      test(`${p.type} ${access}: accepts exactly ${accepted.join(', ')}`, async () => {
        for (const kind of RECORD_KINDS) {
          const refused = await refusedByKind(kind, p.type, access);
          assert.equal(refused, !accepted.includes(kind), `${kind} is ${refused ? 'refused' : 'accepted'}`);
        }
      });
    }
  }

  test('writes get the kind of their rule, and protection follows a protected input', async () => {
    const cases: [Record<string, unknown>[], RecordKind, boolean][] = [
      [[{ type: 'WriteVault', data: Z32, location: OUT }], 'unknown', true],
      [[{ type: 'GenerateKey', keyType: 'ed25519', output: OUT }], 'ed25519', false],
      [[{ type: 'GenerateKey', keyType: 'secp256k1', output: OUT }], 'secp256k1', false],
      [[{ type: 'GenerateKey', keyType: 'x25519', output: OUT }], 'x25519', false],
      [[{ type: 'Slip10Generate', output: OUT }], 'seed', false],
      [[{ type: 'BIP39Recover', mnemonic: 'abandon '.repeat(11) + 'about', output: OUT }], 'seed', false],
      [[{ type: 'WriteVault', data: Z64, location: L }, { type: 'Slip10Derive', curve: 'secp256k1', chain: [0], input: { seed: L }, output: OUT }], 'slip10-secp256k1', false],
      [[{ type: 'WriteVault', data: Z32, location: L }, { type: 'Hkdf', hashType: 'sha256', ikm: L, okm: OUT }], 'derived', false],
      [[{ type: 'WriteVault', data: Z32, location: L }, { type: 'ConcatSecret', locationA: L, locationB: L, output: OUT }], 'derived', true],
      [[{ type: 'WriteVault', data: Z32, location: L, policy: { exportable: false } }, { type: 'ConcatSecret', locationA: L, locationB: L, output: OUT }], 'derived', false],
      [[{ type: 'WriteVault', data: Z32, location: L, policy: { allowed: ['CopyRecord'] } }, { type: 'CopyRecord', source: L, target: OUT }], 'unknown', true],
      [[{ type: 'GenerateKey', keyType: 'x25519', output: L }, { type: 'CopyRecord', source: L, target: OUT }], 'x25519', false],
    ];
    for (const [chain, kind, exportable] of cases) {
      const db = new ClientDb(new Uint8Array(24).fill(2));
      await runChain(db, nativeProvider, parseChain(chain));
      const meta = decodeHint(db.recordInfo(Location.from(OUT)).hint);
      assert.deepEqual([meta.kind, meta.policy.exportable], [kind, exportable], JSON.stringify(chain));
    }
  });

  test('an exportable output cannot be asked of a protected input', async () => {
    const db = new ClientDb(new Uint8Array(24).fill(3));
    await assert.rejects(runChain(db, nativeProvider, parseChain([
      { type: 'WriteVault', data: Z32, location: L, policy: { exportable: false } },
      { type: 'Hkdf', hashType: 'sha256', ikm: L, okm: OUT, policy: { exportable: true } },
    ])), (e: any) => e.code === 'PolicyViolation');
    assert.equal(db.recordExists(Location.from(L)), false, 'the chain rolled back');
  });
});
