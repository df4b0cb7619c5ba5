/**
 * The contract between procedures and the layer that runs them. A procedure is a plain object:
 * `parse` turns the JSON form into a typed input (naming the field on error), `run` does the work through
 * a `ProcedureContext`, and `locations` names every record it reads and writes (for rollback, policies
 * and the p2p firewall). Procedures never touch the engine directly.
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { Location } from '../engine/location.js';

/**
 * A record's usage policy, persisted inside its (authenticated) data transaction hint.
 * `exportable: false` means the secret can never leave: it cannot be wrapped, copied or concatenated into an
 * exportable record, nor returned. `allowed` restricts which procedures may use it (null: any).
 */
export interface RecordPolicy {
  exportable: boolean;
  allowed: readonly string[] | null;
}

export interface ProcedureContext {
  readonly provider: CryptoProvider;
  /** Opens one record into guarded memory for the callback; checks the record's policy for `procedure`. */
  use<T>(procedure: string, loc: Location, fn: (secret: Uint8Array) => T): T;
  /** Opens several records at once (two-input procedures). */
  useMany<T>(procedure: string, locs: Location[], fn: (secrets: Uint8Array[]) => T): T;
  /** The policy of a live record (throws RecordNotFound / RecordRevoked / VaultNotFound). */
  policyOf(loc: Location): RecordPolicy;
  /** Stores a secret with a policy (a copy is sealed; the caller wipes its bytes). Logged for chain rollback. */
  write(loc: Location, secret: Uint8Array, policy: RecordPolicy): void;
  revoke(loc: Location): void;
  garbageCollect(vaultPath: Uint8Array): number;
  recordExists(loc: Location): boolean;
  /** Names the current sealed content of a live record; it changes with every write (see ClientDb.recordVersion). */
  versionOf(loc: Location): string;
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
  /** Validates the JSON form (without `type`) into the typed input; throws InvalidArgument naming the field. */
  parse(json: Record<string, unknown>): I;
  locations(input: I): ProcedureLocations;
  run(ctx: ProcedureContext, input: I): O | Promise<O>;
  /** The JSON form of the output: hex for bytes, strings as they are, null for nothing. */
  outputToJSON(output: O): unknown;
}

/** A procedure with its parsed input, ready to run: what `client.execute` takes. */
export interface ProcedureCall<I = unknown, O = unknown> {
  readonly procedure: Procedure<I, O>;
  readonly input: I;
}
