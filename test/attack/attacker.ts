/**
 * A searching attacker for the key-separation promise (SECURITY.md, "Key separation"): protected records of
 * every kind are planted in a client, then an attacker who knows nothing of them writes records it chooses and
 * runs chains of the JSON vocabulary (every procedure, every field) through whatever door the test opens
 * (inline, the zone, a p2p firewall). Every result and error is searched for a planted secret:
 * - byte windows (16 bytes) of every planted secret, of the seed's SLIP-10 master keys, of FROST share scalars
 *   and nonces, in each output as it is, reversed, halved, and XORed with every byte string the attacker knows;
 * - private keys by their public keys: each 32-byte candidate is turned into its Ed25519, X25519 and secp256k1
 *   public key and compared with the planted keys' public keys.
 * The FROST protocol attacker's key generation and repair (frost-attacker.ts) is planted too: its honest
 *   participants' X25519 keys and shares are in this attacker's vocabulary, and every scalar of theirs is a secret.
 * @module
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import type { Client } from '../../src/client/client.js';
import type { Stronghold } from '../../src/client/stronghold.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { Location } from '../../src/engine/location.js';
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { Fn } from '../../src/procedures/frost-dkg-records.js';
import { decodeShare, idOf } from '../../src/procedures/frost-records.js';
import { parseChain } from '../../src/procedures/json.js';
import { FROST_KEY_PROCEDURES } from '../../src/procedures/policy.js';
import { masterKey } from '../../src/procedures/slip10.js';
import { peekIn } from '../engine-access.js';
import { plantFrost } from './frost-attacker.js';

const p = nativeProvider;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** The planted records: vault `keys`, one per kind (and a restricted exportable one). */
export const PLANTED = ['ed', 'secp', 'x', 'seed', 'slip-ed', 'slip-secp', 'imported', 'sym', 'derived', 'share', 'nonce', 'restricted', 'dkg-share', 'dkg-state', 'dkg-x1'] as const;
const SCRATCH = ['a', 'b', 'c'];
const keysLoc = (r: string): { vault: string; record: string } => ({ vault: 'keys', record: r });
const scratchLoc = (r: string): { vault: string; record: string } => ({ vault: 's', record: r });

export interface Planted {
  /** Hex of every 16-byte window of every planted secret. */
  windows: Set<string>;
  /** Hex of the public keys (every curve) of every planted private key. */
  publicKeys: Set<string>;
  /** The planted secrets themselves, for the direct check of whole values. */
  secrets: Uint8Array[];
}

/** Plants protected records of every kind in `client` (through the procedures, as a user would) and reads them back for the search. */
export async function plant(sh: Stronghold, client: Client): Promise<Planted> {
  const imported = randomBytes(32);
  const symmetric = randomBytes(32);
  const kek = createCipheriv('id-aes256-wrap', imported, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
  const wrapped = Buffer.concat([kek.update(symmetric), kek.final()]);
  const recipients = [1, 2, 3].map(() => p.x25519PublicKey(randomBytes(32)));
  await client.executeChain(parseChain([
    { type: 'GenerateKey', keyType: 'ed25519', output: keysLoc('ed') },
    { type: 'GenerateKey', keyType: 'secp256k1', output: keysLoc('secp') },
    { type: 'GenerateKey', keyType: 'x25519', output: keysLoc('x') },
    { type: 'Slip10Generate', output: keysLoc('seed') },
    { type: 'Slip10Derive', curve: 'ed25519', chain: ["44'", "4218'", "0'"], input: { seed: keysLoc('seed') }, output: keysLoc('slip-ed') },
    { type: 'Slip10Derive', curve: 'secp256k1', chain: ["44'", "60'", 0], input: { seed: keysLoc('seed') }, output: keysLoc('slip-secp') },
    { type: 'WriteVault', data: hex(imported), location: keysLoc('imported'), policy: { exportable: false } },
    { type: 'AesKeyWrapDecrypt', cipher: 'aes256', decryptionKey: keysLoc('imported'), wrappedKey: hex(wrapped), output: keysLoc('sym') },
    { type: 'Hkdf', hashType: 'sha256', salt: '', label: '', ikm: keysLoc('imported'), okm: keysLoc('derived') },
    { type: 'FrostKeygen', threshold: 2, participants: 3, outputs: [keysLoc('share'), keysLoc('share2'), keysLoc('share3')], recipients: recipients.map(hex) },
    { type: 'FrostCommit', share: keysLoc('share'), nonces: keysLoc('nonce') },
    { type: 'WriteVault', data: hex(randomBytes(32)), location: keysLoc('restricted'), policy: { allowed: ['Hmac'] } },
  ]));
  await plantDkg(client);
  const frost = await plantFrost(sh, client);
  const read = (r: string): Uint8Array => peekIn(sh, client.id, Location.generic('keys', r), (s) => Uint8Array.from(s));
  const secrets: Uint8Array[] = [];
  for (const r of PLANTED) {
    const bytes = read(r);
    if (r === 'slip-ed' || r === 'slip-secp') secrets.push(bytes.subarray(0, 32));
    else if (r === 'share' || r === 'dkg-share') secrets.push(decodeShare(bytes, 'share', 'test').signingShare);
    else if (r === 'dkg-state') secrets.push(bytes.subarray(bytes.length - 32 - 64, bytes.length - 32));
    else if (r === 'nonce') secrets.push(bytes.subarray(37));
    else secrets.push(bytes);
  }
  for (const r of ['share2', 'share3', 'dkg-share2', 'dkg-share3']) secrets.push(decodeShare(read(r), 'share', 'test').signingShare);
  for (const r of ['dkg-x2', 'dkg-x3']) secrets.push(read(r));
  for (const s of frost.secrets.keys()) secrets.push(Fn.toBytes(s));
  for (const j of [1, 2]) secrets.push(peekIn(sh, client.id, Location.generic('frost', `x${j}`), (s) => Uint8Array.from(s)));
  const seed = read('seed');
  secrets.push(masterKey(p, 'ed25519', seed), masterKey(p, 'secp256k1', seed));
  const windows = new Set<string>();
  for (const s of secrets) for (let i = 0; i + 16 <= s.length; i++) windows.add(hex(s.subarray(i, i + 16)));
  const publicKeys = new Set<string>();
  for (const s of secrets) for (const pk of publicKeysOf(s.subarray(0, 32))) publicKeys.add(pk);
  return { windows, publicKeys, secrets };
}

/**
 * A 2-of-3 key generation among three participants of this one client (keys/dkg-x1..3, shares keys/dkg-share,
 * dkg-share2, dkg-share3), and a fourth run left after its round one (keys/dkg-state: a live polynomial).
 */
async function plantDkg(client: Client): Promise<void> {
  const ids = [1, 2, 3];
  const x = (i: number): { vault: string; record: string } => keysLoc(`dkg-x${i}`);
  const share = (i: number): { vault: string; record: string } => keysLoc(i === 1 ? 'dkg-share' : `dkg-share${i}`);
  const state = (i: number): { vault: string; record: string } => ({ vault: 'dkg-run', record: `s${i}` });
  const pks = await client.executeChain(parseChain(ids.flatMap((i) => [
    { type: 'GenerateKey', keyType: 'x25519', output: x(i), policy: { allowed: FROST_KEY_PROCEDURES } }, { type: 'PublicKey', keyType: 'x25519', privateKey: x(i) },
  ]))) as (Uint8Array | undefined)[];
  const recipients = pks.filter((v): v is Uint8Array => v instanceof Uint8Array).map(hex);
  const base = { threshold: 2, participants: 3, recipients };
  const r1 = await client.executeChain(parseChain(ids.map((i) => ({ type: 'FrostDkgRound1', identifier: i, ...base, state: state(i) })))) as { identifier: number; commitments: Uint8Array[]; proofOfKnowledge: Uint8Array }[];
  const pkgJson = r1.map((p) => ({ identifier: p.identifier, commitments: p.commitments.map(hex), proofOfKnowledge: hex(p.proofOfKnowledge) }));
  const others = (i: number): typeof pkgJson => pkgJson.filter((p) => p.identifier !== i);
  const r2 = await client.executeChain(parseChain(ids.map((i) => ({ type: 'FrostDkgRound2', state: state(i), packages: others(i) })))) as { shares: { from: number; to: number; sealed: Uint8Array }[] }[];
  const sharesFor = (i: number): { from: number; sealed: string }[] => r2.flatMap((o) => o.shares.filter((m) => m.to === i).map((m) => ({ from: m.from, sealed: hex(m.sealed) })));
  await client.executeChain(parseChain(ids.map((i) => ({ type: 'FrostDkgRound3', state: state(i), key: x(i), packages: others(i), shares: sharesFor(i), output: share(i) }))));
  await client.executeChain(parseChain([{ type: 'FrostDkgRound1', identifier: 1, ...base, state: keysLoc('dkg-state') }]));
}

function publicKeysOf(candidate: Uint8Array): string[] {
  if (candidate.length !== 32) return [];
  const out = [hex(p.ed25519PublicKey(candidate)), hex(p.x25519PublicKey(candidate))];
  if (secp256k1.utils.isValidSecretKey(candidate)) out.push(hex(secp256k1.getPublicKey(candidate, true)));
  return out;
}

const xor = (a: Uint8Array, b: Uint8Array): Uint8Array => a.map((x, i) => x ^ b[i]!);

/** What the attacker could undo an output into: as is, reversed, its halves, XOR with any known bytes of its length. */
function transforms(o: Uint8Array, known: readonly Uint8Array[]): Uint8Array[] {
  const out = [o, Uint8Array.from(o).reverse(), o.subarray(0, o.length >> 1), o.subarray(o.length >> 1)];
  for (const k of known) if (k.length === o.length && k !== o) out.push(xor(o, k));
  return out;
}

/** The first planted secret `values` reveal, as a short description (never the secret itself), or null. */
export function findLeak(planted: Planted, values: readonly Uint8Array[], known: readonly Uint8Array[]): string | null {
  for (const v of values) {
    for (const t of transforms(v, known)) {
      for (let i = 0; i + 16 <= t.length; i++) if (planted.windows.has(hex(t.subarray(i, i + 16)))) return `a planted byte window at offset ${i} of a ${v.length}-byte value`;
      for (const c of t.length >= 32 ? [t.subarray(0, 32), t.subarray(t.length - 32)] : []) {
        if (publicKeysOf(c).some((pk) => planted.publicKeys.has(pk))) return `a planted private key (matched by its public key) in a ${v.length}-byte value`;
      }
    }
  }
  return null;
}

/** Every byte string in a JSON result or error: hex strings of 16+ bytes, and hex runs inside messages. */
export function bytesIn(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/[0-9a-f]{32,}/g)) if (m[0].length % 2 === 0) out.push(unhex(m[0]));
  } else if (value instanceof Uint8Array) out.push(value);
  else if (Array.isArray(value)) for (const v of value) bytesIn(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) bytesIn(v, out);
  return out;
}

// The attacker's vocabulary: every procedure with every field, over planted and scratch locations.
const bytes = (n: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: n, maxLength: n }).map(hex);
const len = fc.constantFrom(16, 32, 64);
const anyBytes = len.chain(bytes);
const planted = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PLANTED, 'share2').map(keysLoc) },
  { weight: 1, arbitrary: fc.constantFrom('x1', 'x2', 'share1', 'share2').map((record) => ({ vault: 'frost', record })) },
);
const scratch = fc.constantFrom(...SCRATCH).map(scratchLoc);
const anyLoc = fc.oneof({ arbitrary: planted, weight: 3 }, { arbitrary: scratch, weight: 2 });
const hash = fc.constantFrom('sha256', 'sha512');
const hardened = fc.integer({ min: 0, max: 5 }).map((n) => `${n}'`);
const index = fc.oneof(hardened, fc.integer({ min: 0, max: 5 }));
/** An X25519 public key the attacker holds the private key of (`ATTACKER_X25519`), or the base point. */
const ATTACKER_X25519 = p.x25519PublicKey(unhex('7'.repeat(64)));
const theirKey = fc.constantFrom(hex(ATTACKER_X25519), '09' + '00'.repeat(31));
const BASE_POINT = '58' + '66'.repeat(31);
/** Valid round-one packages of participants 2 and 3 (made by @noble/curves), so that round two gets past its checks. */
const PEER_PACKAGES = [2, 3].map((id) => {
  const r = ed25519_FROST.DKG.round1(idOf(id), { min: 2, max: 3 }).public;
  return { identifier: id, commitments: r.commitment.map(hex), proofOfKnowledge: hex(r.proofOfKnowledge) };
});
const policy = fc.option(fc.record({ exportable: fc.boolean() }, { requiredKeys: [] }), { nil: undefined });
const strip = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const step: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('WriteVault'), data: anyBytes, location: scratch, policy }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('RevokeData'), location: anyLoc, shouldGc: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('GarbageCollect'), vault: fc.constantFrom('s', 'keys') }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('CopyRecord'), source: anyLoc, target: scratch, policy }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('Slip10Generate'), output: scratch }) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('ed25519', 'secp256k1'), fc.oneof(fc.constant([]), fc.array(index, { minLength: 1, maxLength: 3 })), fc.constantFrom('seed', 'key'), anyLoc, scratch).map(([curve, chain, mode, from, output]) => ({
    type: 'Slip10Derive', curve, chain: curve === 'ed25519' ? chain.map((c) => (typeof c === 'number' ? `${c}'` : c)) : chain, input: { [mode]: from }, output,
  })) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('BIP39Generate'), output: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('BIP39Recover'), mnemonic: fc.constant('abandon '.repeat(11) + 'about'), output: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('GenerateKey'), keyType: fc.constantFrom('ed25519', 'secp256k1', 'x25519'), output: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('PublicKey'), keyType: fc.constantFrom('ed25519', 'secp256k1', 'x25519'), privateKey: anyLoc }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('GetEvmAddress'), privateKey: anyLoc }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('Ed25519Sign'), privateKey: anyLoc, msg: anyBytes }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('Secp256k1EcdsaSign'), flavor: fc.constantFrom('keccak256', 'sha256'), privateKey: anyLoc, msg: anyBytes }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('X25519DiffieHellman'), privateKey: anyLoc, publicKey: theirKey, sharedKey: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('Hmac'), hashType: hash, msg: anyBytes, key: anyLoc }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('Hkdf'), hashType: hash, salt: anyBytes, label: anyBytes, ikm: anyLoc, okm: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('Pbkdf2Hmac'), hashType: hash, password: anyBytes, salt: anyBytes, count: fc.integer({ min: 1, max: 3 }), output: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ConcatKdf'), hashType: hash, algorithmId: fc.constant('A256GCM'), sharedSecret: anyLoc, keyLen: fc.constantFrom(16, 32, 64), apu: fc.constant(''), apv: fc.constant(''), pubInfo: fc.constant(''), privInfo: fc.constant(''), output: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('AeadEncrypt'), cipher: fc.constantFrom('aes256gcm', 'xchacha20poly1305'), key: anyLoc, nonce: bytes(24), plaintext: anyBytes, associatedData: fc.constant('') }).map((s) => ({ ...s, nonce: s.cipher === 'aes256gcm' ? s.nonce.slice(0, 24) : s.nonce })) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('AeadDecrypt'), cipher: fc.constant('xchacha20poly1305'), key: anyLoc, nonce: bytes(24), tag: bytes(16), ciphertext: anyBytes, associatedData: fc.constant('') }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('AesKeyWrapEncrypt'), cipher: fc.constant('aes256'), encryptionKey: anyLoc, wrapKey: anyLoc }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('AesKeyWrapDecrypt'), cipher: fc.constant('aes256'), decryptionKey: anyLoc, wrappedKey: fc.constantFrom(40, 72).chain(bytes), output: scratch }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('ConcatSecret'), locationA: anyLoc, locationB: anyLoc, output: scratch, policy }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostKeygen'), threshold: fc.constant(2), participants: fc.constant(3), outputs: fc.constant([scratchLoc('a'), scratchLoc('b'), scratchLoc('c')]), recipients: fc.constant([hex(ATTACKER_X25519), hex(ATTACKER_X25519), hex(ATTACKER_X25519)]) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostCommit'), share: anyLoc, nonces: scratch }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('FrostShareExport'), share: anyLoc }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostShareImport'), sealed: fc.constantFrom(200, 300).chain(bytes), key: anyLoc, output: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostSign'), share: anyLoc, nonces: anyLoc, message: anyBytes, commitments: fc.constant([]) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostDkgRound1'), identifier: fc.constant(1), threshold: fc.constant(2), participants: fc.constant(3), recipients: fc.constant([hex(ATTACKER_X25519), hex(ATTACKER_X25519), hex(ATTACKER_X25519)]), refresh: fc.boolean(), state: scratch }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('FrostDkgRound2'), state: anyLoc, packages: fc.constant(PEER_PACKAGES) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('FrostDkgRound3'), state: anyLoc, key: anyLoc, share: fc.option(anyLoc, { nil: undefined }), packages: fc.constant(PEER_PACKAGES), shares: fc.constant([2, 3].map((from) => ({ from, sealed: '00'.repeat(104) }))), output: scratch }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostDkgAbort'), state: anyLoc }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('FrostRepairStep1'), share: anyLoc, helpers: fc.constantFrom([1, 2], [1, 3], [1, 2, 3]), for: fc.constantFrom(2, 3) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostRepairStep2'), key: anyLoc, identifier: fc.constant(1), participants: fc.constant(3), commitments: fc.constant([BASE_POINT, BASE_POINT]), helpers: fc.constant([1, 2]), for: fc.constant(3), deltas: fc.constant([1, 2].map((from) => ({ from, sealed: '00'.repeat(264) }))) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('FrostRepairStep3'), key: anyLoc, participants: fc.constant(3), commitments: fc.constant([BASE_POINT, BASE_POINT]), helpers: fc.constant([1, 2]), for: fc.constant(3), sigmas: fc.constant([1, 2].map((from) => ({ from, sealed: '00'.repeat(200) }))), output: scratch }) },
).map((s) => strip(s as Record<string, unknown>));

/** A chain of 1..5 steps; the steps that move or combine records come more often, as an attacker would try them. */
export const chain = fc.array(step, { minLength: 1, maxLength: 5 });

/** An episode: a few chains one after another on the same planted client (state carries over). */
export const episode = fc.array(chain, { minLength: 1, maxLength: 3 });

export type Door = (json: Record<string, unknown>[]) => Promise<unknown>;

/** The result of a chain, or its error as the caller sees it (message and details). */
async function outcome(door: Door, chain: Record<string, unknown>[]): Promise<unknown> {
  try {
    return await door(chain);
  } catch (e) {
    const err = e as { message?: unknown; details?: unknown };
    return { message: String(err.message), details: err.details ?? null, failed: true };
  }
}

const failed = (result: unknown): boolean => typeof result === 'object' && result !== null && 'failed' in result;

/**
 * Runs `chains` through `door` and returns the first leak found (with the chain that caused it), or null.
 * The attacker knows everything it wrote and every result; every result and error is searched.
 */
export async function attack(door: Door, planted: Planted, chains: readonly Record<string, unknown>[][]): Promise<{ leak: string; chain: unknown } | null> {
  const known: Uint8Array[] = [];
  for (const c of chains) {
    for (const s of c) known.push(...bytesIn(s));
    // A chain that fails gives back only its error and leaves nothing behind; the attacker then tries its steps
    // one by one, so that what a random chain breaks on does not hide what its other steps would do.
    const first = await outcome(door, c);
    for (const run of failed(first) ? [c, ...c.map((s) => [s])] : [c]) {
      const result = run === c ? first : await outcome(door, run);
      const values = bytesIn(result);
      const leak = findLeak(planted, values, known);
      if (leak) return { leak, chain: run };
      known.push(...values);
    }
  }
  return null;
}
