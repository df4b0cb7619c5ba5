/**
 * The plugin rejects with a plain string (the Rust error's `to_string()`), so app code written for it does
 * `String(e)`, `` `${e}` ``, `e.includes(...)` or `e.startsWith(...)`. A `TauriStrongholdError` keeps the typed
 * `code` and `details` of a `StrongholdError` and also answers those: it converts to its message, and the
 * read-only `String.prototype` methods work on the message. `typeof e === 'string'` is the one check it cannot pass.
 * @module
 */
import { StrongholdError, type ErrorCode } from '../errors.js';

/** The read-only string methods app code calls on a rejection it believes is a string. */
// Up to ES2019, the `lib` of the SDK's examples' tsconfig, so these declarations compile in such projects too.
const STRING_METHODS = [
  'charAt', 'charCodeAt', 'codePointAt', 'concat', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'localeCompare',
  'match', 'normalize', 'padEnd', 'padStart', 'repeat', 'replace', 'search', 'slice', 'split',
  'startsWith', 'substring', 'toLocaleLowerCase', 'toLocaleUpperCase', 'toLowerCase', 'toUpperCase', 'trim', 'trimEnd', 'trimStart',
] as const satisfies readonly (keyof string)[];

type StringMethods = Pick<string, (typeof STRING_METHODS)[number]>;

export class TauriStrongholdError<C extends ErrorCode = ErrorCode> extends StrongholdError<C> {
  /** The message alone, as the plugin's string rejection reads (an `Error` would prefix its name). */
  override toString(): string {
    return this.message;
  }

  [Symbol.toPrimitive](): string {
    return this.message;
  }

  get length(): number {
    return this.message.length;
  }
}

// Declaration merging gives the class the string methods' types; the loop below gives it their behaviour.
export interface TauriStrongholdError<C extends ErrorCode = ErrorCode> extends StringMethods {}

for (const name of STRING_METHODS) {
  const method = String.prototype[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(TauriStrongholdError.prototype, name, {
    value: function (this: TauriStrongholdError, ...args: unknown[]) {
      return method.apply(this.message, args);
    },
    writable: true,
    configurable: true,
  });
}

/** The rejection the facade gives for `e`: a StrongholdError becomes a TauriStrongholdError with the same fields. */
export function toPluginError(e: unknown): unknown {
  if (!(e instanceof StrongholdError) || e instanceof TauriStrongholdError) return e;
  return new TauriStrongholdError(e.code, e.message, e.details, { cause: e });
}

/** Runs an async facade method so that it rejects the way the plugin's methods do. */
export function pluginCall<T>(fn: () => Promise<T>): Promise<T> {
  return fn().catch((e: unknown) => {
    throw toPluginError(e);
  });
}
