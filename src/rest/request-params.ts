/**
 * Request parameters as upstream's PHP sees them: query string and form bodies with PHP bracket
 * syntax, JSON bodies, body over query at the top level, telemetry and credentials taken out.
 */
import qs from 'qs';
import { RestError } from './errors.js';
import type { Params } from './params.js';

const QS_OPTIONS: qs.IParseOptions = {
  depth: 10,
  strictDepth: true,
  // qs turns arrays longer than its default 20 into objects: a 50-command batch must stay a list
  arrayLimit: 100000,
  parameterLimit: 100000,
  throwOnLimitExceeded: true,
  allowPrototypes: false,
  charset: 'utf-8',
};

export function parseQueryString(text: string): Params {
  if (!text) return {};
  try {
    return qs.parse(text, QS_OPTIONS) as Params;
  } catch (error) {
    throw new RestError('ERROR_ARGUMENT', `Malformed parameters: ${(error as Error).message}`);
  }
}

export function parseJsonBody(text: string): Params {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RestError('ERROR_ARGUMENT', 'Malformed JSON body');
  }
  if (Array.isArray(value)) return { ...value };
  if (value === null || typeof value !== 'object') {
    throw new RestError('ERROR_ARGUMENT', 'The JSON body must be an object of parameters');
  }
  return value as Params;
}

/** Client telemetry that must never reach a method (CONTRACT §1). */
function isTelemetry(key: string): boolean {
  return key.startsWith('bx24_');
}

/** Keys the server reads itself; never passed on to a method. */
const SERVER_KEYS = new Set(['auth', 'access_token', 'auth_connector', 'state']);

export interface SplitParams {
  params: Params;
  /** the access token from `auth` or `access_token`, when given as a non-empty string */
  token?: string;
}

export function splitParams(query: Params, body: Params): SplitParams {
  const merged: Params = { ...query, ...body };
  const params: Params = {};
  let token: string | undefined;
  for (const [key, value] of Object.entries(merged)) {
    // JSON.parse keeps "__proto__" as a plain key; assigning it would swap the object's prototype
    if (isTelemetry(key) || key === '__proto__') continue;
    if (SERVER_KEYS.has(key)) {
      if ((key === 'auth' || key === 'access_token') && typeof value === 'string' && value !== '') token ??= value;
      continue;
    }
    params[key] = value;
  }
  return { params, token };
}
