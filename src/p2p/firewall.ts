/**
 * The firewall: every incoming request is checked before anything runs (docs/spec/p2p-protocol.md §5).
 *
 * A rule is `"deny"`, `"allow"`, `"ask"` (an application callback decides, with a timeout; silence denies) or
 * restricted: per client path and per vault path, which operations are allowed. The effective rule is the
 * peer's own rule, else the default, which is `"deny"` unless configured. A request needs every access it
 * implies: for a procedure chain, `use` on the vault of every input and `write` on the vault of every output
 * of every step (Rust checked only the first input of each procedure).
 *
 * Rules name paths, the check compares ids, and it never looks at the Stronghold's state: so a denied peer
 * gets the same `PermissionDenied` whether the client or vault exists or not.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { describePath, toPathBytes } from '../assert.js';
import { clientId, vaultId } from '../engine/ids.js';
import { invalidArgument, StrongholdError } from '../errors.js';
import { DEFAULT_ASK_TIMEOUT_MS, IDENTITY_CLIENT } from './constants.js';
import { DenialLog } from './denial-log.js';
import type { Request, RequestType } from './messages.js';

/** Operations on a vault. `sync` lets the peer pull copies of the records (irrevocable, like Rust's `clone`). */
export const VAULT_OPERATIONS = ['use', 'write', 'revoke', 'list', 'sync'] as const;
export type VaultOperation = (typeof VAULT_OPERATIONS)[number];
/** Operations on a client's store. */
export const STORE_OPERATIONS = ['read', 'write'] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** What one client allows: vault path (or `"*"` for any other vault) to operations, and store operations. */
export interface ClientRule {
  vaults?: Record<string, VaultOperation[]>;
  store?: StoreOperation[];
}

/** Restricted: client path (or `"*"` for any other client) to what it allows. Anything not listed is denied. */
export interface RestrictedRule {
  clients: Record<string, ClientRule>;
}

export type Rule = 'deny' | 'allow' | 'ask' | RestrictedRule;

/** The JSON rule file: `{"default": Rule, "peers": {"<peer id>": Rule}}`. */
export interface FirewallRules {
  default: Rule;
  peers: Record<string, Rule>;
}

/** One access a request needs. `vault` is absent for store operations and for a hierarchy listing. */
export interface Access {
  op: VaultOperation | `store.${StoreOperation}`;
  vault?: string;
}

/** What an "ask" callback sees: no secret, no message bytes, only who wants to do what where. */
export interface FirewallQuery {
  peer: string;
  request: RequestType;
  client: string;
  accesses: Access[];
}

/** A denial, as it is logged. */
export interface Denial extends FirewallQuery {
  reason: 'rule' | 'ask-refused' | 'ask-timeout' | 'reserved-client';
}

export interface FirewallInit {
  rules?: FirewallRules;
  /** Decides requests of peers whose rule is "ask". No answer within `askTimeoutMs` denies. */
  ask?: (query: FirewallQuery) => boolean | Promise<boolean>;
  askTimeoutMs?: number;
  /**
   * Called for every denial (peer id, request type, paths; never secret data). Default: a `DenialLog` on stderr,
   * at most a few lines per peer per window and a count of the rest (denial-log.ts); a callback given here
   * sees every denial and must bound its own output.
   */
  onDenied?: (denial: Denial) => void;
}

interface CompiledClient {
  vaults: Map<string, Set<VaultOperation>>;
  store: Set<StoreOperation>;
}
type Compiled = 'deny' | 'allow' | 'ask' | Map<string, CompiledClient>;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** Client ids by path: an HMAC per request is a measurable part of a remote signature. Bounded; cleared when full. */
const clientIds = new Map<string, string>();
const MAX_CACHED_IDS = 1024;

function clientIdHex(path: Uint8Array): string {
  const key = hex(path);
  let id = clientIds.get(key);
  if (id === undefined) {
    if (clientIds.size >= MAX_CACHED_IDS) clientIds.clear();
    id = hex(clientId(path));
    clientIds.set(key, id);
  }
  return id;
}

const IDENTITY_ID = hex(clientId(new TextEncoder().encode(IDENTITY_CLIENT)));

/**
 * Validates a rule file's content.
 * @throws StrongholdError `InvalidArgument` naming the field (e.g. `peers.12D3….clients.wallet.vaults.keys[1]`)
 */
export function parseFirewallRules(json: unknown): FirewallRules {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidArgument('rules', 'an object {"default", "peers"}');
  const j = json as Record<string, unknown>;
  for (const k of Object.keys(j)) if (k !== 'default' && k !== 'peers') throw invalidArgument(k, 'no such field; a rule file has "default" and "peers"');
  const peers: Record<string, Rule> = {};
  const rawPeers = j.peers ?? {};
  if (typeof rawPeers !== 'object' || rawPeers === null || Array.isArray(rawPeers)) throw invalidArgument('peers', 'an object {"<peer id>": rule}');
  for (const [peer, rule] of Object.entries(rawPeers)) {
    if (!/^[1-9A-HJ-NP-Za-km-z]{1,128}$/.test(peer)) throw invalidArgument('peers', 'keys that are base58 peer ids');
    peers[peer] = parseRule(rule, `peers.${peer}`);
  }
  return { default: j.default === undefined ? 'deny' : parseRule(j.default, 'default'), peers };
}

/** One rule; throws InvalidArgument naming `field`. */
export function parseRule(value: unknown, field = 'rule'): Rule {
  if (value === 'deny' || value === 'allow' || value === 'ask') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(field, '"deny", "allow", "ask" or {"clients": {...}}');
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'clients') throw invalidArgument(field, 'a restricted rule {"clients": {...}}');
  const clients = (value as { clients: unknown }).clients;
  if (typeof clients !== 'object' || clients === null || Array.isArray(clients)) throw invalidArgument(`${field}.clients`, 'an object {"<client path>": {...}}');
  const out: Record<string, ClientRule> = {};
  for (const [path, rule] of Object.entries(clients)) {
    const f = `${field}.clients.${path}`;
    toPathBytes(path, f);
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw invalidArgument(f, 'an object {"vaults", "store"}');
    const r = rule as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'vaults' && k !== 'store') throw invalidArgument(`${f}.${k}`, 'no such field; a client rule has "vaults" and "store"');
    const cr: ClientRule = {};
    if (r.vaults !== undefined) {
      if (typeof r.vaults !== 'object' || r.vaults === null || Array.isArray(r.vaults)) throw invalidArgument(`${f}.vaults`, 'an object {"<vault path>": [operations]}');
      cr.vaults = {};
      for (const [vault, ops] of Object.entries(r.vaults)) {
        toPathBytes(vault, `${f}.vaults`);
        cr.vaults[vault] = opList(ops, VAULT_OPERATIONS, `${f}.vaults.${vault}`);
      }
    }
    if (r.store !== undefined) cr.store = opList(r.store, STORE_OPERATIONS, `${f}.store`);
    out[path] = cr;
  }
  return { clients: out };
}

function opList<T extends string>(value: unknown, allowed: readonly T[], field: string): T[] {
  if (!Array.isArray(value)) throw invalidArgument(field, `an array of ${allowed.join(', ')}`);
  return value.map((op, i) => {
    if (!(allowed as readonly unknown[]).includes(op)) throw invalidArgument(`${field}[${i}]`, `one of ${allowed.join(', ')}`);
    return op as T;
  });
}

/** Reads and validates a JSON rule file. */
export async function loadFirewallRules(path: string): Promise<FirewallRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new StrongholdError('Io', `cannot read the firewall rule file ${path}`, { path, op: 'read' }, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidArgument('rules', 'a JSON document');
  }
  return parseFirewallRules(json);
}

const pathKey = (path: string): string => (path === '*' ? '*' : hex(vaultId(toPathBytes(path, 'path'))));

function compile(rule: Rule): Compiled {
  if (typeof rule === 'string') return rule;
  const out = new Map<string, CompiledClient>();
  for (const [client, cr] of Object.entries(rule.clients)) {
    const vaults = new Map<string, Set<VaultOperation>>();
    for (const [vault, ops] of Object.entries(cr.vaults ?? {})) vaults.set(pathKey(vault), new Set(ops));
    // clientId and vaultId are the same derivation, so pathKey serves both.
    out.set(pathKey(client), { vaults, store: new Set(cr.store ?? []) });
  }
  return out;
}

/** The accesses a validated request implies, with vault ids in hex (`vault` ids) and names for the log. */
export function accessesOf(request: Request): { op: Access['op']; vaultId?: string; vault?: string }[] {
  const v = (op: VaultOperation, path: Uint8Array, id?: string): { op: Access['op']; vaultId: string; vault: string } => ({ op, vaultId: id ?? hex(vaultId(path)), vault: describePath(path) });
  switch (request.type) {
    case 'execute':
      return request.calls.flatMap((call) => {
        const l = call.procedure.locations(call.input);
        return [...l.inputs.map((loc) => v('use', loc.vaultPath, loc.vaultKey)), ...l.outputs.map((loc) => v('write', loc.vaultPath, loc.vaultKey)), ...l.vaults.map((p) => v('revoke', p))];
      });
    case 'writeSecret':
      return [v('write', request.location.vaultPath, request.location.vaultKey)];
    case 'revokeSecret':
    case 'deleteSecret':
      return [v('revoke', request.location.vaultPath, request.location.vaultKey)];
    case 'recordExists':
      return [v('list', request.location.vaultPath, request.location.vaultKey)];
    case 'vaultExists':
    case 'listRecords':
      return [v('list', request.vault)];
    case 'listVaults':
      // No vault is named: allowed with `list` on some vault, and the server lists only the vaults with it.
      return [{ op: 'list' }];
    case 'storeGet':
    case 'storeKeys':
      return [{ op: 'store.read' }];
    case 'storeSet':
    case 'storeDelete':
      return [{ op: 'store.write' }];
    case 'syncHierarchy':
      return [{ op: 'sync' }];
    case 'syncExport':
      return [...request.selection.keys()].map((id) => ({ op: 'sync' as const, vaultId: id, vault: `0x${id}` }));
  }
}

function restrictedAllows(rule: Map<string, CompiledClient>, client: string, op: Access['op'], vault: string | undefined): boolean {
  const cr = rule.get(client) ?? rule.get('*');
  if (!cr) return false;
  if (op === 'store.read' || op === 'store.write') return cr.store.has(op === 'store.read' ? 'read' : 'write');
  if (vault === undefined) return [...cr.vaults.values()].some((ops) => ops.has(op));
  return (cr.vaults.get(vault) ?? cr.vaults.get('*'))?.has(op) ?? false;
}

export function permissionDenied(request: RequestType): StrongholdError<'PermissionDenied'> {
  return new StrongholdError('PermissionDenied', `${request}: not permitted (the firewall denies it, or the client or vault does not exist)`, { operation: request });
}

/** Rules per peer, changeable at runtime, and the check every request goes through. */
export class Firewall {
  #default: Rule;
  #peers: Map<string, Rule>;
  readonly #compiled = new Map<string, Compiled>();
  readonly #ask: FirewallInit['ask'];
  readonly #askTimeoutMs: number;
  readonly #onDenied: (d: Denial) => void;

  constructor(init: FirewallInit = {}) {
    const rules = init.rules ? parseFirewallRules(init.rules) : { default: 'deny' as Rule, peers: {} };
    this.#default = rules.default;
    this.#peers = new Map(Object.entries(rules.peers));
    this.#ask = init.ask;
    this.#askTimeoutMs = init.askTimeoutMs ?? DEFAULT_ASK_TIMEOUT_MS;
    this.#onDenied = init.onDenied ?? new DenialLog({ write: (line) => process.stderr.write(line) }).denied;
  }

  /** The current rules, in the rule file's form. */
  get rules(): FirewallRules {
    return { default: this.#default, peers: Object.fromEntries(this.#peers) };
  }

  /** Replaces every rule. */
  setRules(rules: FirewallRules): void {
    const r = parseFirewallRules(rules);
    this.#default = r.default;
    this.#peers = new Map(Object.entries(r.peers));
    this.#compiled.clear();
  }

  setDefault(rule: Rule): void {
    this.#default = parseRule(rule, 'default');
    this.#compiled.clear();
  }

  setPeerRule(peer: string, rule: Rule): void {
    this.setRules({ default: this.#default, peers: { ...Object.fromEntries(this.#peers), [peer]: rule } });
  }

  /** Removes a peer's rule; the default applies to it again. */
  removePeerRule(peer: string): void {
    this.#peers.delete(peer);
    this.#compiled.delete(peer);
  }

  #ruleOf(peer: string): Compiled {
    let c = this.#compiled.get(peer);
    if (c === undefined) {
      c = compile(this.#peers.get(peer) ?? this.#default);
      this.#compiled.set(peer, c);
    }
    return c;
  }

  /**
   * Resolves when `peer` may make `request`; otherwise throws PermissionDenied (and logs the denial).
   * @throws StrongholdError `PermissionDenied`
   */
  async check(peer: string, request: Request): Promise<void> {
    const client = clientIdHex(request.client);
    const rule = this.#ruleOf(peer);
    if (rule === 'allow' && client !== IDENTITY_ID) return;
    const accesses = accessesOf(request);
    const query = (): FirewallQuery => ({
      peer, request: request.type, client: describePath(request.client),
      accesses: accesses.map((a) => (a.vault === undefined ? { op: a.op } : { op: a.op, vault: a.vault })),
    });
    const deny = (reason: Denial['reason']): never => {
      try {
        this.#onDenied({ ...query(), reason });
      } catch {
        // a failing logger must not turn a denial into another error
      }
      throw permissionDenied(request.type);
    };
    if (client === IDENTITY_ID) deny('reserved-client');
    if (rule === 'deny') deny('rule');
    if (rule === 'ask') {
      const answer = await this.#askWithTimeout(query());
      if (answer !== true) deny(answer === 'timeout' ? 'ask-timeout' : 'ask-refused');
      return;
    }
    for (const a of accesses) if (!restrictedAllows(rule as Map<string, CompiledClient>, client, a.op, a.vaultId)) deny('rule');
  }

  /** Of `vaultIds` (hex), those `peer` may use for `op` in `client` (after `check` passed for the request). */
  filterVaults(peer: string, client: Uint8Array, op: VaultOperation, vaultIds: string[]): string[] {
    const rule = this.#ruleOf(peer);
    if (rule === 'allow' || rule === 'ask') return vaultIds;
    if (rule === 'deny') return [];
    const id = clientIdHex(client);
    return vaultIds.filter((v) => restrictedAllows(rule, id, op, v));
  }

  async #askWithTimeout(query: FirewallQuery): Promise<boolean | 'timeout'> {
    if (!this.#ask) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      // Unreferenced: a pending question must not keep a stopped server's process alive.
      timer = setTimeout(() => resolve('timeout'), this.#askTimeoutMs).unref();
    });
    try {
      return await Promise.race([Promise.resolve().then(() => this.#ask!(query)).then((a) => a === true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
