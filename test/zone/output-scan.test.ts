/**
 * Output scanning: a long seeded random sequence of procedures (every catalogue procedure, valid and failing
 * calls, single calls and chains), inline and in the zone. Every stored secret is collected after every step
 * through the engine's use gate (test-only access); no result, JSON output, error (message, details, JSON,
 * cause) or log line (console, process warnings) may contain a 16-byte window of one, raw or as hex.
 * Public by design and left out: the chain code Slip10Derive returns (the second half of its record) and
 * BIP39Generate's mnemonic (the stored secret is the seed).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Stronghold } from '../../src/client/stronghold.js';
import { processZone } from '../../src/zone/host.js';
import { Location } from '../../src/engine/location.js';
import { aeadDecrypt } from '../../src/procedures/aead-decrypt.js';
import { aeadEncrypt } from '../../src/procedures/aead-encrypt.js';
import { aesKeyWrapDecrypt } from '../../src/procedures/aes-key-wrap-decrypt.js';
import { aesKeyWrapEncrypt } from '../../src/procedures/aes-key-wrap-encrypt.js';
import { bip39Generate } from '../../src/procedures/bip39-generate.js';
import { bip39Recover } from '../../src/procedures/bip39-recover.js';
import { concatKdf } from '../../src/procedures/concat-kdf.js';
import { concatSecret } from '../../src/procedures/concat-secret.js';
import { copyRecord } from '../../src/procedures/copy-record.js';
import { ed25519Sign } from '../../src/procedures/ed25519-sign.js';
import { garbageCollect } from '../../src/procedures/garbage-collect.js';
import { generateKey } from '../../src/procedures/generate-key.js';
import { getEvmAddress } from '../../src/procedures/get-evm-address.js';
import { hkdf } from '../../src/procedures/hkdf.js';
import { hmac } from '../../src/procedures/hmac.js';
import { resultToJSON } from '../../src/procedures/json.js';
import { pbkdf2Hmac } from '../../src/procedures/pbkdf2-hmac.js';
import { publicKey } from '../../src/procedures/public-key.js';
import { revokeData } from '../../src/procedures/revoke-data.js';
import { secp256k1EcdsaSign } from '../../src/procedures/secp256k1-ecdsa-sign.js';
import { slip10Derive } from '../../src/procedures/slip10-derive.js';
import { slip10Generate } from '../../src/procedures/slip10-generate.js';
import type { ProcedureCall } from '../../src/procedures/types.js';
import { writeVault } from '../../src/procedures/write-vault.js';
import { x25519DiffieHellman } from '../../src/procedures/x25519-diffie-hellman.js';
import { peekIn } from '../engine-access.js';

const STEPS = 400;
const WINDOW = 16;

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number): number => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    bytes: (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
    chance: (p: number): boolean => next() < p,
  };
}

const VAULTS = ['a', 'b'];
const RECORDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
const LOCATIONS = VAULTS.flatMap((v) => RECORDS.map((r) => Location.generic(v, r)));
const MNEMONIC = new TextEncoder().encode('legal winner thank year wave sausage worth useful legal winner thank yellow');

type R = ReturnType<typeof rng>;

/** One random call; many fail (missing, wrong-size or revoked records, policies), which is the point. */
function randomCall(r: R, ciphertexts: { key: Location; nonce: Uint8Array; sealed: Uint8Array }[]): ProcedureCall {
  const loc = (): Location => r.pick(LOCATIONS);
  const policy = r.chance(0.2) ? { policy: { exportable: false } } : {};
  const make: (() => ProcedureCall)[] = [
    () => writeVault({ data: r.bytes(r.pick([16, 32, 64])), location: loc(), ...policy }),
    () => revokeData({ location: loc(), shouldGc: r.chance(0.5) }),
    () => garbageCollect({ vault: r.pick(VAULTS) }),
    () => copyRecord({ source: loc(), target: loc() }),
    () => slip10Generate({ output: loc(), ...policy }),
    () => slip10Derive({ curve: r.pick(['ed25519', 'secp256k1'] as const), chain: ["44'", `${r.int(5)}'`], input: r.chance(0.7) ? { seed: loc() } : { key: loc() }, output: loc() }),
    () => bip39Generate({ output: loc() }),
    () => bip39Recover({ mnemonic: MNEMONIC, output: loc() }),
    () => generateKey({ keyType: r.pick(['ed25519', 'x25519', 'secp256k1'] as const), output: loc(), ...policy }),
    () => publicKey({ keyType: r.pick(['ed25519', 'x25519', 'secp256k1'] as const), privateKey: loc() }),
    () => getEvmAddress({ privateKey: loc() }),
    () => ed25519Sign({ privateKey: loc(), msg: r.bytes(r.int(80)) }),
    () => secp256k1EcdsaSign({ flavor: r.pick(['keccak256', 'sha256'] as const), privateKey: loc(), msg: r.bytes(r.int(80)) }),
    () => x25519DiffieHellman({ privateKey: loc(), publicKey: r.bytes(32), sharedKey: loc() }),
    () => hmac({ hashType: r.pick(['sha256', 'sha384', 'sha512'] as const), msg: r.bytes(r.int(80)), key: loc() }),
    () => hkdf({ hashType: r.pick(['sha256', 'sha512'] as const), ikm: loc(), okm: loc(), salt: r.bytes(8), label: r.bytes(4) }),
    () => pbkdf2Hmac({ hashType: 'sha256', password: r.bytes(12), salt: r.bytes(8), count: 1 + r.int(50), output: loc() }),
    () => concatKdf({ hashType: 'sha256', algorithmId: 'A256GCM', sharedSecret: loc(), keyLen: 32, output: loc() }),
    () => {
      const key = loc();
      const nonce = r.bytes(24);
      return aeadEncrypt({ cipher: 'xchacha20poly1305', key, nonce, plaintext: r.bytes(1 + r.int(64)) });
    },
    () => {
      const c = ciphertexts.length > 0 && r.chance(0.7) ? r.pick(ciphertexts) : { key: loc(), nonce: r.bytes(24), sealed: r.bytes(40) };
      return aeadDecrypt({ cipher: 'xchacha20poly1305', key: c.key, nonce: c.nonce, tag: c.sealed.subarray(0, 16), ciphertext: c.sealed.subarray(16) });
    },
    () => aesKeyWrapEncrypt({ encryptionKey: loc(), wrapKey: loc() }),
    () => aesKeyWrapDecrypt({ decryptionKey: loc(), wrappedKey: r.bytes(40), output: loc() }),
    () => concatSecret({ locationA: loc(), locationB: loc(), output: loc() }),
  ];
  return r.pick(make)();
}

function windows(secret: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i + WINDOW <= secret.length; i += 4) out.push(Buffer.from(secret.subarray(i, i + WINDOW)).toString('hex'));
  return out;
}

async function scenario(zone: 'inline' | 'process', seed: number): Promise<{ steps: number; failures: number; procedures: Set<string> }> {
  const r = rng(seed);
  const sh = Stronghold.create(zone === 'process' ? { runner: processZone() } : {});
  const client = sh.createClient('scan');
  const secretWindows = new Set<string>();
  const publicWindows = new Set<string>();
  const haystacks: string[] = [];
  const ciphertexts: { key: Location; nonce: Uint8Array; sealed: Uint8Array }[] = [];
  const logged: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const originals = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
  const onWarning = (w: Error): void => void logged.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  const procedures = new Set<string>();
  let failures = 0;
  const collect = (): void => {
    for (const loc of LOCATIONS) if (client.recordExists(loc)) peekIn(sh, client.id, loc, (s) => windows(s).forEach((w) => secretWindows.add(w)));
  };
  try {
    for (let step = 0; step < STEPS; step++) {
      const calls = Array.from({ length: r.chance(0.25) ? 2 + r.int(3) : 1 }, () => randomCall(r, ciphertexts));
      try {
        const outputs = await client.executeChain(calls);
        calls.forEach((call, i) => {
          procedures.add(call.procedure.type);
          const out = outputs[i];
          if (out instanceof Uint8Array) {
            haystacks.push(Buffer.from(out).toString('hex'));
            // Public by design (see the module comment): never counted as a stored secret.
            if (call.procedure.type === 'Slip10Derive' || call.procedure.type === 'BIP39Generate') windows(out).forEach((w) => publicWindows.add(w));
            if (call.procedure.type === 'AeadEncrypt') {
              const input = call.input as { key: Location; nonce: Uint8Array };
              ciphertexts.push({ key: input.key, nonce: input.nonce, sealed: out });
            }
          }
          haystacks.push(Buffer.from(JSON.stringify(resultToJSON(call, out)) ?? '').toString('hex'));
        });
      } catch (e) {
        failures++;
        const err = e as { message: string; details?: unknown; toJSON?: () => unknown; cause?: { message?: string; details?: unknown } };
        assert.equal(typeof (err as { code?: unknown }).code, 'string', `step ${step}: every failure is a StrongholdError`);
        const text = JSON.stringify({ m: err.message, d: err.details, j: err.toJSON?.(), c: err.cause?.message, cd: err.cause?.details, s: String(e) });
        haystacks.push(Buffer.from(text).toString('hex'));
      }
      collect();
    }
  } finally {
    methods.forEach((m, i) => (console[m] = originals[i]!));
    process.off('warning', onWarning);
    await sh.close();
  }
  for (const line of logged) haystacks.push(Buffer.from(line).toString('hex'));
  const secrets = [...secretWindows].filter((w) => !publicWindows.has(w));
  assert.ok(secrets.length > 100, `${secrets.length} secret windows collected`);
  // Each haystack is hex, so a raw window appears as its hex; a hex window appears as the hex of its hex text.
  const all = haystacks.join('|');
  for (const w of secrets) {
    assert.ok(!all.includes(w), 'raw bytes of a stored secret in an output, error or log line');
    assert.ok(!all.includes(Buffer.from(w).toString('hex')), 'hex of a stored secret in an output, error or log line');
  }
  return { steps: STEPS, failures, procedures };
}

describe('output scanning', () => {
  for (const zone of ['inline', 'process'] as const) {
    test(`${zone}: ${STEPS} random steps leak no stored secret into results, errors or logs`, async () => {
      const { failures, procedures } = await scenario(zone, zone === 'inline' ? 0x5eed : 0x20e);
      assert.ok(failures > 20 && failures < STEPS - 20, `${failures} failing steps: both outcomes are exercised`);
      assert.ok(procedures.size >= 20, `${procedures.size} procedures succeeded at least once: ${[...procedures].join(', ')}`);
    });
  }
});
