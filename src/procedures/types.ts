/**
 * The contract between procedures and the layer that runs them. A procedure is a plain object:
 * `parse` turns the JSON form into a typed input (naming the field on error), `run` does the work through
 * a `ProcedureContext`, `locations` names every record it reads and writes (for the p2p firewall and the
 * zone), and `rules` declares the record kinds each field accepts and what each output becomes, which the
 * engine's use gate enforces. Procedures never touch the engine directly.
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { Location } from '../engine/location.js';
import type { AccessRules, PolicyRequest } from '../engine/policy.js';

export type { RecordPolicy } from '../engine/policy.js';

/**
 * What a procedure gets to work with: the use gate of one step, under the rules the procedure declares.
 * `access` names a declared read or write (`privateKey`, `input.key(ed25519)`): the engine checks the
 * record's kind and policy against it before anything is opened, and derives what a write becomes.
 */
export interface ProcedureContext {
  readonly provider: CryptoProvider;
  /** Opens one record into guarded memory for the callback. */
  use<T>(access: string, loc: Location, fn: (secret: Uint8Array) => T): T;
  /** Opens several records at once (two-input procedures). */
  useMany<T>(reads: readonly (readonly [string, Location])[], fn: (secrets: Uint8Array[]) => T): T;
  /** Stores a secret (a copy is sealed; the caller wipes its bytes); kind and policy come from the rules. */
  write(access: string, loc: Location, secret: Uint8Array, request?: PolicyRequest): void;
  revoke(loc: Location): void;
  garbageCollect(vaultPath: Uint8Array): number;
  recordExists(loc: Location): boolean;
  /** Names the current sealed content of a live record; it changes with every write (see ClientDb.recordVersion). */
  versionOf(loc: Location): string;
}

/** Caller-chosen work of one call (see `Procedure.cost`). */
export interface ProcedureCost {
  /** PBKDF2-HMAC iterations (Pbkdf2Hmac's `count`, 2048 for a BIP-39 seed). */
  kdfIterations: number;
}

/** What a procedure reads and writes, in order. */
export interface ProcedureLocations {
  inputs: Location[];
  outputs: Location[];
  /** Vaults it garbage-collects or revokes in (RevokeData, GarbageCollect). */
  vaults: Uint8Array[];
}

export interface Procedure<I = unknown, O = unknown> {
  /** The catalogue name, also the JSON `"type"`. */
  readonly type: string;
  /** What it reads (field → accepted kinds), releases and writes (field → kind and policy): the engine enforces these. */
  readonly rules: AccessRules;
  /** Validates the builder form (TS values: bytes, Locations, numbers) into the typed input; InvalidArgument naming the field. */
  build(args: any): I;
  /** Validates the JSON form (without `type`) into the typed input; throws InvalidArgument naming the field. */
  parse(json: Record<string, unknown>): I;
  locations(input: I): ProcedureLocations;
  run(ctx: ProcedureContext, input: I): O | Promise<O>;
  /**
   * The work the caller chose for this call, where it is not bounded by the size of the input: a p2p server
   * compares it with its limits before anything runs (src/p2p/limits.ts). Absent: no such work.
   */
  cost?(input: I): ProcedureCost;
  /** The JSON form of the output: hex for bytes, strings as they are, null for nothing. */
  outputToJSON(output: O): unknown;
}

/** A procedure with its parsed input, ready to run: what `client.execute` takes. */
export interface ProcedureCall<I = unknown, O = unknown> {
  readonly procedure: Procedure<I, O>;
  readonly input: I;
}
