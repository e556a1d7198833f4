/**
 * Request parameters as upstream's PHP sees them: query string and form bodies with PHP bracket
 * syntax, JSON bodies, body over query at the top level, telemetry and credentials taken out.
 */
import { settings, type Config } from '../config.js';
import { decodeForm, decodeFormYielding, type DecodeLimits } from './bracket-params.js';
import { RestError } from './errors.js';
import { scanJsonShape } from './json-scan.js';
import type { Params } from './params.js';

export { checkShape, type DecodeLimits } from './bracket-params.js';

export function decodeLimits(config: Pick<Config, 'maxParams' | 'maxDepth'>): DecodeLimits {
  return { maxParams: config.maxParams, maxDepth: config.maxDepth };
}

/** The default limits, for query strings that the URL's size bounds anyway (the OAuth pages). */
const DEFAULT_LIMITS: DecodeLimits = { maxParams: settings.maxParams.default, maxDepth: settings.maxDepth.default };

/** A query string or urlencoded body (PHP bracket syntax) as parameters, in linear time. */
export function parseQueryString(text: string, limits: DecodeLimits = DEFAULT_LIMITS): Params {
  return decodeForm(text, limits);
}

/** A urlencoded body as parameters: `parseQueryString`'s, built with the event loop served meanwhile. */
export function parseFormBody(text: string, limits: DecodeLimits): Promise<Params> {
  return decodeFormYielding(text, limits);
}

/**
 * A JSON body as parameters. JSON.parse itself is linear and needs no stack for nesting; what
 * reads the result afterwards may, so REST requests check its shape (`checkShape`) before any
 * method sees it. With `limits`, the text's shape is checked before JSON.parse builds a tree of
 * it (`scanJsonShape`): a 1 MiB body of 500,000 values is refused without being parsed. The admin
 * import, whose documents are far larger, takes the same parser without limits.
 */
export function parseJsonBody(text: string, limits?: DecodeLimits): Params {
  if (text.trim() === '') return {};
  if (limits) scanJsonShape(text, limits);
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

/** Keys a method never sees: telemetry, credentials and the server's own, and `__proto__`. */
function isWithheld(key: string): boolean {
  // JSON.parse keeps "__proto__" as a plain key; assigning it would swap the object's prototype
  return isTelemetry(key) || key === '__proto__' || SERVER_KEYS.has(key);
}

export function splitParams(query: Params, body: Params): SplitParams {
  const merged: Params = { ...query, ...body };
  const params: Params = {};
  let token: string | undefined;
  for (const [key, value] of Object.entries(merged)) {
    if (!isWithheld(key)) params[key] = value;
    else if ((key === 'auth' || key === 'access_token') && typeof value === 'string' && value !== '') token ??= value;
  }
  return { params, token };
}

/** A batch command's parameters without credentials and telemetry: the object itself when it holds none. */
export function commandParams(params: Params): Params {
  for (const key in params) if (isWithheld(key)) return splitParams(params, {}).params;
  return params;
}
