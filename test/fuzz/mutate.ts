/**
 * Mutators for the fuzz targets: byte strings (flip, set, insert, delete, truncate, duplicate, splice) and
 * JSON values (replace a node, delete or add a key, swap a procedure type, change hex lengths). Each mutation is
 * a list of small integers chosen by fast-check, so a failing input shrinks to few, simple mutations of a seed.
 * @module
 */
import fc from 'fast-check';

type Op = [kind: number, a: number, b: number, c: number];
const op: fc.Arbitrary<Op> = fc.tuple(fc.nat(8), fc.nat(), fc.nat(), fc.nat(255));
/** Byte values that tend to matter to parsers: boundaries, lengths, ASCII of the age header. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x0a, 0x20, 0x2d, 0x30, 0x39, 0x7f, 0x80, 0xfe, 0xff];

function applyBytes(seed: Uint8Array, ops: readonly Op[], other: readonly Uint8Array[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  for (const [kind, a, x, v] of ops) {
    const at = b.length === 0 ? 0 : a % b.length;
    switch (kind) {
      case 0: // flip one bit
        if (b.length > 0) b[at] = b[at]! ^ (1 << (v & 7));
        break;
      case 1: // set an interesting byte
        if (b.length > 0) b[at] = INTERESTING[v % INTERESTING.length]!;
        break;
      case 2: { // insert a few bytes
        const ins = Uint8Array.from({ length: 1 + (x % 16) }, (_, i) => (v + i * 37) & 0xff);
        b = concat(b.subarray(0, at), ins, b.subarray(at));
        break;
      }
      case 3: // delete a range
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + (x % 64))));
        break;
      case 4: // truncate
        b = b.subarray(0, at);
        break;
      case 5: { // duplicate a range in place
        const len = 1 + (x % 256);
        b = concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at));
        break;
      }
      case 6: { // splice the tail of another seed
        const o = other[x % Math.max(1, other.length)];
        if (o && o.length > 0) b = concat(b.subarray(0, at), o.subarray(v % o.length));
        break;
      }
      case 7: // overwrite a 32-bit big-endian length-like word
        if (b.length >= 4) new DataView(b.buffer, b.byteOffset, b.length).setUint32(Math.min(at, b.length - 4), [0, 1, 0x7fffffff, 0xffffffff, x][v % 5]! >>> 0);
        break;
      default: // overwrite a 64-bit little-endian word (bincode lengths)
        if (b.length >= 8) {
          const dv = new DataView(b.buffer, b.byteOffset, b.length);
          const pos = Math.min(at, b.length - 8);
          dv.setBigUint64(pos, [0n, 1n, 0xffffffffn, 0xffffffffffffffffn, BigInt(x)][v % 5]!, true);
        }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Seeds mutated by up to `maxOps` byte mutations, plus some unrelated random bytes. */
export function mutatedBytes(seeds: readonly Uint8Array[], maxOps = 6, maxRandom = 2048): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) return fc.uint8Array({ maxLength: maxRandom });
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.nat(seeds.length - 1), fc.array(op, { minLength: 1, maxLength: maxOps })).map(([i, ops]) => applyBytes(seeds[i]!, ops, seeds)) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every node of a JSON value as a path of keys/indices (the root is []). */
function nodes(value: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out);
  return out;
}

function get(value: Json, path: readonly (string | number)[]): Json {
  let v: Json = value;
  for (const k of path) v = (v as Record<string | number, Json>)[k]!;
  return v;
}

function set(root: Json, path: readonly (string | number)[], next: Json | undefined): Json {
  if (path.length === 0) return next === undefined ? null : next;
  const parent = get(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, Json>)[key as string];
  } else (parent as Record<string | number, Json>)[key] = next;
  return root;
}

type JsonOp = [kind: number, node: number, pick: number, value: Json];

/**
 * Seeds mutated at the JSON level. `words` are strings worth trying as keys and values (field names,
 * procedure types, enum values).
 */
export function mutatedJson(seeds: readonly unknown[], words: readonly string[], maxOps = 4): fc.Arbitrary<unknown> {
  const pool = words.length > 0 ? words : ['x'];
  const values: fc.Arbitrary<Json> = fc.oneof(
    fc.constantFrom<Json>(null, true, false, 0, -1, 1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1.5, Number.MAX_VALUE, '', '00', 'ff'.repeat(32), 'zz', '0'.repeat(3), [], {}),
    fc.constantFrom(...pool),
    fc.nat(200).map((n) => 'ab'.repeat(n)),
    fc.string({ maxLength: 40 }),
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  );
  const jsonOp: fc.Arbitrary<JsonOp> = fc.tuple(fc.nat(5), fc.nat(), fc.nat(), values);
  return fc.tuple(fc.nat(Math.max(0, seeds.length - 1)), fc.array(jsonOp, { minLength: 1, maxLength: maxOps })).map(([i, ops]) => {
    let v = structuredClone(seeds[i] ?? null) as Json;
    for (const [kind, n, pick, value] of ops) {
      const all = nodes(v);
      const path = all[n % all.length]!;
      const node = get(v, path);
      switch (kind) {
        case 0: // replace the node
          v = set(v, path, structuredClone(value));
          break;
        case 1: // remove it from its parent
          if (path.length > 0) v = set(v, path, undefined);
          break;
        case 2: // add a key (often a real field name) to an object, or an element to an array
          if (Array.isArray(node)) node.push(structuredClone(value));
          else if (node !== null && typeof node === 'object') node[pool[pick % pool.length]!] = structuredClone(value);
          break;
        case 3: // a string becomes another known word
          if (typeof node === 'string') v = set(v, path, pool[pick % pool.length]!);
          break;
        case 4: // hex strings change length by one digit pair or one digit
          if (typeof node === 'string' && /^[0-9a-f]*$/.test(node)) v = set(v, path, pick % 3 === 0 ? node.slice(2) : pick % 3 === 1 ? `${node}00` : `${node}0`);
          break;
        default: // wrap the node in an array
          v = set(v, path, [structuredClone(node)]);
      }
    }
    return v;
  });
}

/** Every object key and string value in `values`, for `mutatedJson`'s word pool. */
export function wordsOf(values: readonly unknown[]): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length <= 64) out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.add(k);
        walk(x);
      }
    }
  };
  values.forEach(walk);
  return [...out].sort();
}
