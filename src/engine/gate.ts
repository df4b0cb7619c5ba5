/**
 * The use gate: the only way a stored secret is opened or a record written on a caller's behalf. A
 * `Transaction` groups the steps of one chain (and undoes their writes when the chain fails); each `Step` is one
 * procedure, opened with that procedure's declared `AccessRules`, and enforces them where the secret is opened:
 *
 * - a read names its declared field, and the record's kind must be one the field accepts;
 * - a record whose policy lists procedures may be used only by those;
 * - a field the procedure releases (returns in a form its caller can undo) must hold an exportable record;
 * - a write gets its kind from the rule and its policy derived here: not exportable when any record the step
 *   opened is protected, the rule's fixed procedure list if it has one, and a caller's request may only tighten
 *   (except where the rule leaves exportability to the caller's request: a fresh key that opened nothing).
 *
 * So protection only tightens: bytes from a protected record reach only records that are protected too, of a
 * kind whose uses cannot give them back (SECURITY.md, "Key separation").
 *
 * Rollback: every record the chain *created* is revoked and its vault garbage-collected; every record it
 * *overwrote* gets its previous secret and hint back (kept in guarded memory until the chain ends).
 * RevokeData and GarbageCollect steps that ran are not undone (as in Rust).
 * @module
 */
import { GuardedPool, type GuardedBuffer } from '../memory/guarded.js';
import type { ClientDb } from './db.js';
import type { Location } from './location.js';
import { describePolicy, encodeHint, fieldName, isProtected, policyViolation, type AccessRules, type PolicyRequest, type ProcedureName, type RecordMeta, type RecordPolicy, type ReadRule } from './policy.js';

/** Opens a record for a callback; given only to the gate by the engine. */
export type Opener = <T>(loc: Location, fn: (secret: Uint8Array) => T) => T;

/** Holds the previous secrets of overwritten records while a chain runs; pooled, since allocations are scarce. */
const savedPool = new GuardedPool();

interface Written {
  loc: Location;
  /** The record that was there before the chain's first write to it, or null if the chain created it. */
  previous: { secret: GuardedBuffer; hint: Uint8Array } | null;
}

const keyOf = (loc: Location): string => `${loc.vaultKey}/${loc.recordKey}`;

/** The open door and the write log of a transaction; only this module holds one, so only a Step opens a record. */
class Core {
  readonly #db: ClientDb;
  readonly open: Opener;
  readonly #random: (n: number) => Uint8Array;
  /** Made at the first write: most chains only read. */
  #written: Map<string, Written> | null = null;

  constructor(db: ClientDb, open: Opener, random: (n: number) => Uint8Array) {
    this.#db = db;
    this.open = open;
    this.#random = random;
  }

  meta(loc: Location): RecordMeta {
    return this.#db.recordMeta(loc);
  }

  /** Writes with the kind and policy a step derived, logging the write for rollback. */
  write(loc: Location, secret: Uint8Array, meta: RecordMeta): void {
    const hint = encodeHint(meta.kind === 'invalid' ? 'unknown' : meta.kind, meta.policy, this.#random(14));
    const key = keyOf(loc);
    this.#written ??= new Map();
    if (this.#written.has(key)) return this.#db.write(loc, secret, hint);
    const previous = this.#db.recordExists(loc) ? this.#save(loc) : null;
    try {
      this.#db.write(loc, secret, hint);
    } catch (e) {
      if (previous) savedPool.release(previous.secret);
      throw e;
    }
    this.#written.set(key, { loc, previous });
  }

  #save(loc: Location): { secret: GuardedBuffer; hint: Uint8Array } {
    const { hint, length } = this.#db.recordInfo(loc);
    const saved = savedPool.acquire(length);
    try {
      this.open(loc, (s) => saved.write((m) => m.set(s)));
    } catch (e) {
      savedPool.release(saved);
      throw e;
    }
    saved.length = length;
    return { secret: saved, hint };
  }

  /** Best effort: each undo step is independent, so one failure does not stop the others. */
  rollback(): void {
    const written = [...(this.#written?.values() ?? [])];
    const vaults = new Map<string, Location>();
    for (const w of written) {
      if (w.previous) continue;
      try {
        this.#db.revoke(w.loc);
      } catch {
        // already gone (a later step revoked and collected it)
      }
      vaults.set(w.loc.vaultKey, w.loc);
    }
    for (const loc of vaults.values()) {
      try {
        this.#db.garbageCollect(loc.vaultId, loc.vault);
      } catch {
        // vault vanished: nothing to collect
      }
    }
    for (const w of written) {
      if (!w.previous) continue;
      const { secret, hint } = w.previous;
      try {
        secret.read((s) => this.#db.write(w.loc, s, hint));
      } catch {
        // a later step revoked the record without collecting it; it stays revoked
      }
    }
  }

  release(): void {
    if (!this.#written) return;
    for (const w of this.#written.values()) if (w.previous) savedPool.release(w.previous.secret);
    this.#written = null;
  }
}

/** One chain's access to a client: steps under procedures' rules, and the undo of their writes. */
export class Transaction {
  readonly #db: ClientDb;
  readonly #core: Core;

  /** @internal Made by `ClientDb.transaction`. */
  constructor(db: ClientDb, open: Opener, random: (n: number) => Uint8Array) {
    this.#db = db;
    this.#core = new Core(db, open, random);
  }

  /** One procedure's access to the client, under its rules. */
  step(rules: AccessRules): Step {
    return new Step(this.#core, rules);
  }

  revoke(loc: Location): void {
    this.#db.revoke(loc);
  }

  garbageCollect(vaultId: Uint8Array, vaultName: string): number {
    return this.#db.garbageCollect(vaultId, vaultName);
  }

  recordExists(loc: Location): boolean {
    return this.#db.recordExists(loc);
  }

  versionOf(loc: Location): string {
    return this.#db.recordVersion(loc);
  }

  /** Undoes the writes of the chain so far (see the module doc). */
  rollback(): void {
    this.#core.rollback();
  }

  /** Ends the transaction: wipes and frees the saved copies of overwritten records. */
  release(): void {
    this.#core.release();
  }
}

/** The records one step opened, for deriving what its outputs become. */
interface Opened {
  loc: Location;
  meta: RecordMeta;
}

export class Step {
  readonly #tx: Core;
  readonly #rules: AccessRules;
  /** What the step opened, kept only by procedures that write (their outputs' policy depends on it). */
  readonly #opened: Opened[] = [];
  readonly #writes: boolean;

  /** @internal Made by `Transaction.step`. */
  constructor(tx: Core, rules: AccessRules) {
    this.#tx = tx;
    this.#rules = rules;
    this.#writes = hasAny(rules.writes);
  }

  /** Opens the record at `loc` as the declared read `access`, for the duration of `fn`. */
  use<T>(access: string, loc: Location, fn: (secret: Uint8Array) => T): T {
    this.#check(access, loc);
    return this.#tx.open(loc, fn);
  }

  /** Opens several records at once (two-input procedures), each checked as its declared read. */
  useMany<T>(reads: readonly (readonly [string, Location])[], fn: (secrets: Uint8Array[]) => T): T {
    for (const [access, loc] of reads) this.#check(access, loc);
    const open = (i: number, acc: Uint8Array[]): T =>
      i === reads.length ? fn(acc) : this.#tx.open(reads[i]![1], (s) => open(i + 1, [...acc, s]));
    return open(0, []);
  }

  #check(access: string, loc: Location): void {
    const { procedure } = this.#rules;
    const accepted: ReadRule | undefined = this.#rules.reads[access];
    if (accepted === undefined) throw new Error(`${procedure} declares no read '${access}'`);
    const meta = this.#tx.meta(loc);
    if (!accepted.includes(meta.kind)) {
      const field = fieldName(access);
      throw policyViolation(procedure, loc, `${field} takes a record of kind ${accepted.join(', ')}; this one is ${meta.kind}`, {
        field, kind: meta.kind, accepted: [...accepted],
      });
    }
    if (!this.#rules.internal && meta.policy.allowed !== null && !meta.policy.allowed.includes(procedure)) {
      const policy = describePolicy(meta.policy);
      throw policyViolation(procedure, loc, `the record may not be used by ${procedure} (${policy})`, { field: fieldName(access), kind: meta.kind, policy });
    }
    const confined = this.#rules.confined?.[access];
    if (confined && (meta.policy.allowed === null || meta.policy.allowed.some((name) => !confined.includes(name as ProcedureName)))) {
      const policy = describePolicy(meta.policy);
      throw policyViolation(procedure, loc, `${fieldName(access)} takes a key that only ${confined.join(', ')} may use (made with policy {"allowed": [those]}); this one is ${policy}`, {
        field: fieldName(access), kind: meta.kind, policy,
      });
    }
    if (this.#rules.releases?.includes(access) && !meta.policy.exportable) {
      const policy = describePolicy(meta.policy);
      const field = fieldName(access);
      throw policyViolation(procedure, loc, `${field} would leave the Stronghold, and the record is not exportable (${policy})`, { field, kind: meta.kind, policy });
    }
    if (this.#writes) this.#opened.push({ loc, meta });
  }

  /**
   * Stores `secret` at `loc` as the declared write `access`, with the kind and policy the rules and the records
   * this step opened give it; `request` may tighten the policy, never loosen it. The caller wipes `secret`.
   */
  write(access: string, loc: Location, secret: Uint8Array, request?: PolicyRequest): void {
    this.#tx.write(loc, secret, this.#derive(access, loc, request));
  }

  #derive(access: string, output: Location, request: PolicyRequest | undefined): RecordMeta {
    const { procedure } = this.#rules;
    const rule = this.#rules.writes[access];
    if (rule === undefined) throw new Error(`${procedure} declares no write '${access}'`);
    const closed = this.#opened.find((o) => isProtected(o.meta.policy));
    let meta: RecordMeta;
    if (rule.kind === 'source') {
      const source = this.#opened[0];
      if (source === undefined || this.#opened.length !== 1) throw new Error(`${procedure} writes its source's kind but opened ${this.#opened.length} records`);
      meta = { kind: source.meta.kind, policy: source.meta.policy };
    } else {
      const exportable = rule.exportable === true || (rule.exportable === 'on-request' && request?.exportable === true);
      meta = { kind: rule.kind, policy: { exportable: exportable && closed === undefined, allowed: rule.allowed ?? null } };
    }
    return { kind: meta.kind, policy: tighten(procedure, output, meta.policy, closed, request) };
  }
}

function hasAny(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** The policy `request` asks for, if it only tightens `base`; a PolicyViolation otherwise. */
function tighten(procedure: string, output: Location, base: RecordPolicy, closed: Opened | undefined, request: PolicyRequest | undefined): RecordPolicy {
  if (request === undefined) return base;
  if (request.exportable === true && !base.exportable) {
    const [loc, why] = closed ? [closed.loc, describePolicy(closed.meta.policy)] : [output, `non-exportable: ${procedure} output`];
    throw policyViolation(procedure, loc, `an exportable output was requested from a secret that is not exportable (${why})`, { policy: why });
  }
  let allowed = base.allowed;
  if (request.allowed !== undefined) {
    if (allowed !== null && request.allowed.some((name) => !allowed!.includes(name))) {
      throw policyViolation(procedure, closed?.loc ?? output, `the requested procedures exceed those the source allows (${describePolicy(base)})`, { policy: describePolicy(base) });
    }
    allowed = [...request.allowed];
  }
  return { exportable: base.exportable && request.exportable !== false, allowed };
}
