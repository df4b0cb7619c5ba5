/**
 * Checks on the results a server sends back: each answer is untrusted input, so its shape is checked before
 * anything uses it, and a wrong shape is `ProtocolError`.
 * @module
 */
import { protocolError } from './messages.js';

export function expectObject(result: unknown): Record<string, unknown> {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) throw protocolError('result is not an object');
  return result as Record<string, unknown>;
}

export function expectBool(result: unknown, field: string): boolean {
  const v = expectObject(result)[field];
  if (typeof v !== 'boolean') throw protocolError(`result.${field} is not a boolean`);
  return v;
}
