import { argumentError } from '../rest/errors.js';
import { preview, type Params } from '../rest/params.js';
import { MAX_ID } from '../store/users.js';

/**
 * A required id parameter: a positive whole number, written as a number or as digits. Anything
 * else (empty, negative, fractional, a list, an object, beyond the id range) is ERROR_ARGUMENT
 * naming the parameter, before anything is read or written.
 */
export function readId(p: Params, key: string, what: string): number {
  const v = p[key];
  if (v === undefined || v === null || v === '') throw argumentError(key, `${key} is required: the id of ${what}`);
  const ok = (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\s*\d{1,20}\s*$/.test(v));
  const n = ok ? Number(v) : NaN;
  if (!ok || n <= 0 || n > MAX_ID) {
    throw argumentError(key, `${key} must be the id of ${what} (a positive integer), got ${preview(v)}`);
  }
  return n;
}
