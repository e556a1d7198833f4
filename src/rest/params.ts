/**
 * Reading method parameters the way upstream's PHP does, so that the same requests mean the
 * same thing: `intval`, `Y`/`N` flags, id lists given as arrays, bracket arrays or JSON-ish
 * strings, and the OFFSET/LIMIT/start rules of the im list methods.
 */
import { RestError, type ErrorCode } from './errors.js';

export type Params = Record<string, unknown>;

/** PHP `intval`, bounded to the safe integer range. */
export function intval(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 0;
    return clampSafe(Math.trunc(value));
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    // most are plain digits: no match array
    if (/^\d{1,15}$/.test(value)) return Number(value);
    const m = /^[\s]*([+-]?\d+)/.exec(value);
    if (!m) return 0;
    return clampSafe(Number(m[1]));
  }
  return 0;
}

function clampSafe(n: number): number {
  if (n > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  if (n < -Number.MAX_SAFE_INTEGER) return -Number.MAX_SAFE_INTEGER;
  return n === 0 ? 0 : n; // no -0 on the wire
}

/** Upstream compares flags loosely with 'Y': the string Y or JSON true. */
export function isYes(value: unknown): boolean {
  return value === 'Y' || value === true;
}

/** Top-level keys upper-cased, as every im handler does before reading them. */
export function upperKeys(params: Params): Params {
  // callers mostly write them in upper case already: then the object as it is, not a copy
  if (!hasLowerCaseKey(params)) return params;
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) out[k.toUpperCase()] = v;
  return out;
}

function hasLowerCaseKey(params: Params): boolean {
  for (const k in params) if (k !== k.toUpperCase()) return true;
  return false;
}

export function hasValue(params: Params, key: string): boolean {
  return params[key] !== undefined && params[key] !== null;
}

/**
 * Upstream's `CUtil::JsObjectToPhp` for list parameters: `[1,2]`, `["1","2"]`, `{a:1}` and
 * their quoted variants. Anything that is not a bracketed list or map is not a list (null).
 */
export function parseJsList(text: string): unknown[] | null {
  const s = text.trim();
  if (!s.startsWith('[') && !s.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(s);
    if (Array.isArray(parsed)) return parsed;
    if (parsed !== null && typeof parsed === 'object') return Object.values(parsed);
  } catch {
    // not JSON: fall through to the lenient JS-literal reading
  }
  const close = s.startsWith('[') ? ']' : '}';
  if (!s.endsWith(close)) return null;
  const items: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of s.slice(1, -1)) {
    if (quote) {
      if (ch === quote) quote = null;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === '[' || ch === '{') {
      depth++;
      current += ch;
    } else if (ch === ']' || ch === '}') {
      depth--;
      current += ch;
    } else if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  if (quote || depth !== 0) return null;
  if (current.trim() !== '' || items.length) items.push(current);
  return items.map((item) => {
    let v = item.trim();
    if (close === '}') v = v.replace(/^(?:"[^"]*"|'[^']*'|[^:]*):/, '').trim();
    if (/^(["']).*\1$/s.test(v)) v = v.slice(1, -1);
    return v;
  });
}

export interface IdListOptions {
  /** most elements accepted; more is INVALID_FORMAT (or `tooManyCode`) with a description that says so */
  max: number;
  /** code for "no usable id" */
  emptyCode: ErrorCode;
  emptyMessage?: string;
  field?: string;
}

/**
 * An id list parameter: an array (or a bracket map), or a string holding a list. Elements are
 * read with intval; nested arrays, objects and non-positive values are dropped; duplicates are
 * dropped keeping the first. No usable id, or a scalar instead of a list, is an error.
 */
export function readIdList(value: unknown, options: IdListOptions): number[] {
  let items: unknown[] | null = null;
  if (Array.isArray(value)) items = value;
  else if (value !== null && typeof value === 'object') items = Object.values(value);
  else if (typeof value === 'string') items = parseJsList(value);
  if (items === null) throw new RestError(options.emptyCode, options.emptyMessage);
  if (items.length > options.max) {
    throw new RestError(
      'INVALID_FORMAT',
      `Too many ids in ${options.field ?? 'ID'}: ${items.length} given, at most ${options.max} are accepted per call`,
    );
  }
  const seen = new Set<number>();
  for (const item of items) {
    if (item !== null && typeof item === 'object') continue;
    const id = intval(item);
    if (id > 0) seen.add(id);
  }
  if (seen.size === 0) throw new RestError(options.emptyCode, options.emptyMessage);
  return [...seen];
}

export interface Page {
  offset: number;
  limit: number;
}

/**
 * OFFSET/LIMIT of the im list methods: a positive `start` wins over OFFSET; LIMIT defaults to 10,
 * is clamped to `max`, and below 1 means the default (upstream's 0 loops clients forever).
 */
export function readOffsetLimit(params: Params, start: number | null, max = 50, fallback = 10): Page {
  const offsetParam = intval(params.OFFSET);
  const offset = start !== null && start > 0 ? start : offsetParam > 0 ? offsetParam : 0;
  let limit = hasValue(params, 'LIMIT') ? intval(params.LIMIT) : fallback;
  if (limit < 1) limit = fallback;
  if (limit > max) limit = max;
  return { offset, limit };
}

/** A string parameter: scalars as text, anything else (arrays, objects) rejected with ERROR_ARGUMENT. */
export function readString(params: Params, key: string, { max = 255 }: { max?: number } = {}): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (value.length > max) throw new RestError('ERROR_ARGUMENT', `${key} is longer than ${max} characters`, { argument: key });
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RestError('ERROR_ARGUMENT', `${key} must be a string`, { argument: key });
}

/**
 * A short JSON-like picture of a client's value for an error description: at most `max`
 * characters, built without recursing deeper than that (a value nested 200,000 levels deep
 * must not overflow the stack on its way into a message).
 */
export function preview(value: unknown, max = 40): string {
  let out = '';
  const full = () => out.length > max;
  const walk = (v: unknown): void => {
    if (full()) return;
    if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i) out += ',';
        walk(v[i]);
      }
      out += ']';
    } else if (v !== null && typeof v === 'object') {
      out += '{';
      let first = true;
      for (const key in v) {
        if (full()) break;
        if (!Object.hasOwn(v, key)) continue;
        out += `${first ? '' : ','}${JSON.stringify(key.slice(0, max + 1))}:`;
        first = false;
        walk((v as Record<string, unknown>)[key]);
      }
      out += '}';
    } else if (typeof v === 'string') out += JSON.stringify(v.slice(0, max + 1));
    else out += String(JSON.stringify(v) ?? v);
  };
  walk(value);
  return out.length > max ? `${out.slice(0, max)}...` : out;
}
