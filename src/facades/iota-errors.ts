/**
 * The SDK's error shape on top of the typed one. The SDK's secret manager rejects with an `Error` whose
 * `message` is the JSON of its Rust error, `{ "type": "client", "error": "<text>" }`, and SDK code reads it with
 * `JSON.parse(err.message)`. Errors of `stronghold-ts/iota` have that message and keep the `code`, `details`
 * and `cause` of a `StrongholdError`.
 * @module
 */
import { StrongholdError } from '../errors.js';

/** The `type` the SDK's bindings give Stronghold and secret-manager errors (its `client` error module). */
export const SDK_ERROR_TYPE = 'client';

/** The shape `JSON.parse(err.message)` gives. */
export interface SdkErrorMessage {
  type: string;
  error: string;
}

const converted = new WeakSet<StrongholdError>();

/** `e` with the SDK's message shape, if it is a StrongholdError; other values pass unchanged. Idempotent. */
export function sdkError(e: unknown): unknown {
  if (!(e instanceof StrongholdError) || converted.has(e)) return e;
  const message: SdkErrorMessage = { type: SDK_ERROR_TYPE, error: e.message };
  const out = new StrongholdError(e.code, JSON.stringify(message), e.details, { cause: e });
  converted.add(out);
  return out;
}

/** Runs an async facade method so that it rejects with the SDK's error shape. */
export function sdkCall<T>(fn: () => Promise<T>): Promise<T> {
  return fn().catch((e: unknown) => {
    throw sdkError(e);
  });
}
