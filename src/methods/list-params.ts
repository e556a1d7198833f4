/**
 * The parameters of the standard list methods (user.get, user.search, department.get,
 * sonet_group.get) read the way Bitrix24 clients write them: `filter`/`FILTER`/bare keys with
 * operator prefixes, `sort`+`order` or `order` as an object, and `start` paging by 50.
 * Everything is validated here, so the store only ever sees clean conditions.
 */
import type { MethodResult } from '../rest/registry.js';
import { argumentError } from '../rest/errors.js';
import { preview, type Params } from '../rest/params.js';
import type { Condition, FieldKind, FilterOp, FilterValue, SortKey } from '../store/list-query.js';
import { isCalendarDate } from '../facts.js';
import { startOfDay } from '../directory/dates.js';

/** Upstream's fixed page size for `start` navigation. */
export const PAGE_SIZE = 50;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const MAX_TEXT = 255;
const MAX_FILTER_KEYS = 100;
/** Text matches become one OR branch each: SQLite refuses expression trees deeper than 1,000. */
const MAX_TEXT_VALUES = 100;
/** Values of all keys of one filter together: SQLite binds at most 32,766 and PostgreSQL 65,535 per statement. */
const MAX_STATEMENT_VALUES = 10000;
const MAX_SEARCH_WORDS = 10;
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface FilterSpec {
  kind: FieldKind;
  enumValues?: readonly string[];
}

export interface FilterOptions {
  /** the fields this caller may filter on, upper-case; other keys are ignored as upstream */
  fields: Readonly<Record<string, FilterSpec>>;
  /** the operator of a text field written without a prefix (user.search: prefix; else a LIKE pattern) */
  textDefault?: (field: string) => 'pattern' | 'prefix';
  /** most values one key may list */
  maxValues: number;
  /** for date-times written without an offset */
  timeZone: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The filter as one map: bare top-level keys, overridden by the `filter` object, or by `FILTER`
 * when there is no lower-case one. b24jssdk's fast paging adds a lower-case `filter` next to the
 * caller's `FILTER`; upstream then reads only `filter` (b24jssdk #483), and so does Roster.
 */
export function filterSource(p: Params, topLevel: Params): Record<string, unknown> {
  const key = p.filter !== undefined && p.filter !== null ? 'filter' : p.FILTER !== undefined && p.FILTER !== null ? 'FILTER' : null;
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(topLevel)) if (k !== 'filter' && k !== 'FILTER') merged[k] = v;
  if (key === null) return merged;
  const value = p[key];
  // PHP clients send an empty filter as an empty JSON array
  if (Array.isArray(value) && value.length === 0) return merged;
  if (!isPlainObject(value)) throw argumentError(key, `${key} must be an object of field: value pairs`);
  return { ...merged, ...value };
}

/** Longest prefixes first: `>=` before `>`, `!=%` before `!=` and `!`. */
const PREFIX = /^(!><|><|>=|<=|!=%|!%=|=%|%=|!%|!@|!=|>|<|@|%|=|!|\?)?([\s\S]*)$/;
const UNSUPPORTED = new Set(['><', '!><', '?']);
const COMPARISONS: Record<string, FilterOp> = { '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le' };

function operatorOf(prefix: string, kind: FieldKind, textDefault: 'pattern' | 'prefix', key: string): FilterOp {
  if (UNSUPPORTED.has(prefix)) throw argumentError(key, `Filter ${key}: the operator ${prefix} is not supported`);
  if (kind === 'search') {
    if (prefix !== '') throw argumentError(key, `Filter ${key}: the search field takes no operator`);
    return 'search';
  }
  const comparison = COMPARISONS[prefix];
  if (comparison) {
    if (kind !== 'int' && kind !== 'instant' && kind !== 'date') {
      throw argumentError(key, `Filter ${key}: ${prefix} compares numbers and dates only`);
    }
    return comparison;
  }
  const textOnly: Record<string, FilterOp> = { '%': 'like', '!%': 'nlike', '=%': 'pattern', '%=': 'pattern', '!=%': 'npattern', '!%=': 'npattern' };
  if (prefix in textOnly) {
    if (kind !== 'text') throw argumentError(key, `Filter ${key}: ${prefix} applies to text fields only`);
    return textOnly[prefix]!;
  }
  if (prefix === '' && kind === 'text') return textDefault;
  if (prefix === '!' && kind === 'text') return textDefault === 'prefix' ? 'nprefix' : 'npattern';
  if (prefix === '' || prefix === '=' || prefix === '@') return 'eq';
  return 'ne'; // '!', '!=', '!@'
}

const describe = (value: unknown): string => preview(value);

/** Instants as ISO 8601 (`2024-07-15`, `2024-07-15T10:00:00+03:00`) or the portal's `15.07.2024 10:00:00`. */
export function parseInstant(text: string, timeZone: string): number | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  const portal = iso ? null : /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  let y: string, mo: string, d: string, h: string | undefined, mi: string | undefined, s: string | undefined, zone: string | undefined;
  if (iso) [, y, mo, d, h, mi, s, zone] = iso as unknown as [string, string, string, string, string?, string?, string?, string?];
  else if (portal) [, d, mo, y, h, mi, s] = portal as unknown as [string, string, string, string, string?, string?, string?];
  else return null;
  const date = `${y}-${mo}-${d}`;
  const [hh, mm, ss] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  if (!isCalendarDate(date) || hh > 23 || mm > 59 || ss > 59) return null;
  const clock = hh * 3600 + mm * 60 + ss;
  if (zone) {
    const offset = zone.toUpperCase() === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(-2)) * 60);
    return Date.UTC(Number(y), Number(mo) - 1, Number(d)) / 1000 + clock - offset;
  }
  return startOfDay(date, timeZone) + clock;
}

function convert(key: string, spec: FilterSpec, value: unknown, timeZone: string): FilterValue {
  const v = value === null ? '' : value;
  switch (spec.kind) {
    case 'int': {
      let n = NaN;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'string' && /^\s*[+-]?\d{1,20}\s*$/.test(v)) n = Number(v);
      if (!Number.isInteger(n)) throw argumentError(key, `Filter ${key} must be an integer, got ${describe(value)}`);
      if (n < INT_MIN || n > INT_MAX) throw argumentError(key, `Filter ${key} is out of range: ${describe(value)}`);
      return n === 0 ? 0 : n;
    }
    case 'bool': {
      const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
      if (s === true || s === 1 || s === 'y' || s === 'true' || s === '1') return true;
      if (s === false || s === 0 || s === 'n' || s === 'false' || s === '0') return false;
      throw argumentError(key, `Filter ${key} must be Y or N (or true/false), got ${describe(value)}`);
    }
    case 'enum': {
      const values = spec.enumValues ?? [];
      const upper = values.every((e) => e === e.toUpperCase());
      let s: string | undefined;
      if (typeof v === 'string') s = upper ? v.trim().toUpperCase() : v.trim().toLowerCase();
      else if (typeof v === 'boolean' && values.includes('Y')) s = v ? 'Y' : 'N';
      if (s === undefined || !values.includes(s)) {
        throw argumentError(key, `Filter ${key} must be one of ${values.map((e) => JSON.stringify(e)).join(', ')}, got ${describe(value)}`);
      }
      return s;
    }
    case 'instant':
    case 'date': {
      const s = typeof v === 'string' ? v.trim() : '';
      const at = s.length <= 40 ? parseInstant(s, timeZone) : null;
      if (at === null) throw argumentError(key, `Filter ${key} must be a date or date-time in ISO 8601 (2024-07-15T10:00:00+03:00), got ${describe(value)}`);
      return spec.kind === 'date' ? (/^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : `${s.slice(6, 10)}-${s.slice(3, 5)}-${s.slice(0, 2)}`) : at;
    }
    case 'text':
    case 'search': {
      if (typeof v !== 'string' && typeof v !== 'number') throw argumentError(key, `Filter ${key} must be a string, got ${describe(value)}`);
      const s = String(v);
      if (s.length > MAX_TEXT) throw argumentError(key, `Filter ${key} is longer than ${MAX_TEXT} characters`);
      if (CONTROL.test(s)) throw argumentError(key, `Filter ${key} contains control characters`);
      if (spec.kind === 'text') return s;
      const words = s.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) throw argumentError(key, `Filter ${key} is empty: give at least one word to search for`);
      if (words.length > MAX_SEARCH_WORDS) throw argumentError(key, `Filter ${key} has more than ${MAX_SEARCH_WORDS} words`);
      return words;
    }
  }
}

/**
 * Filter keys (`>=ID`, `%NAME`, `!@UF_DEPARTMENT`, ...) and values into conditions. Keys are
 * upper-cased; keys naming no known field are ignored as upstream ignores them.
 */
export function readFilter(source: Record<string, unknown>, options: FilterOptions): Condition[] {
  const entries = Object.entries(source);
  if (entries.length > MAX_FILTER_KEYS) throw argumentError('FILTER', `The filter has more than ${MAX_FILTER_KEYS} keys`);
  const totalMax = Math.min(options.maxValues, MAX_STATEMENT_VALUES);
  const conditions: Condition[] = [];
  const seen = new Map<string, string>();
  let total = 0;
  for (const [rawKey, raw] of entries) {
    const [, prefix = '', rest = ''] = PREFIX.exec(rawKey.trim())!;
    const field = rest.trim().toUpperCase();
    const spec = options.fields[field];
    if (!spec) continue;
    // `ID`, `id` and ` ID` are one condition: written twice they would multiply what one filter costs
    const earlier = seen.get(`${prefix}${field}`);
    if (earlier !== undefined) {
      throw argumentError(rawKey, `Filter keys ${preview(earlier)} and ${preview(rawKey)} name the same condition: give it once`);
    }
    seen.set(`${prefix}${field}`, rawKey);
    const op = operatorOf(prefix, spec.kind, options.textDefault?.(field) ?? 'pattern', rawKey);
    const list = Array.isArray(raw) ? raw : isPlainObject(raw) ? Object.values(raw) : null;
    if (list !== null && (op === 'gt' || op === 'ge' || op === 'lt' || op === 'le' || op === 'search')) {
      throw argumentError(rawKey, `Filter ${rawKey} takes one value, not a list`);
    }
    const items = list ?? [raw];
    const max = Math.min(spec.kind === 'text' ? MAX_TEXT_VALUES : options.maxValues, totalMax);
    if (items.length > max) {
      throw argumentError(rawKey, `Filter ${rawKey} lists ${items.length} values, at most ${max} are accepted`);
    }
    total += items.length;
    if (total > totalMax) throw argumentError(rawKey, `The filter lists more than ${totalMax} values in all`);
    const values = items.map((item) => {
      if (item !== null && typeof item === 'object') throw argumentError(rawKey, `Filter ${rawKey} must hold plain values, not nested lists or objects`);
      return convert(rawKey, spec, item, options.timeZone);
    });
    conditions.push({ field, op, values });
  }
  return conditions;
}

function direction(value: unknown, argument: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    const d = value.trim().toUpperCase();
    if (d === 'ASC') return false;
    if (d === 'DESC') return true;
  }
  throw argumentError(argument, `${argument} must be ASC or DESC, got ${describe(value)}`);
}

function sortField(name: string, sortable: ReadonlySet<string>, argument: string): string {
  const field = name.trim().toUpperCase();
  if (!sortable.has(field)) {
    throw argumentError(argument, `Cannot sort by ${describe(name)}: sortable fields are ${[...sortable].join(', ')}`);
  }
  return field;
}

export interface SortInput {
  sort: unknown;
  order: unknown;
  sortArgument: string;
  orderArgument: string;
}

/**
 * `sort` (a field) with `order` (ASC/DESC), or `order` as an object `{ID: 'ASC', NAME: 'DESC'}`
 * (b24jssdk, the PHP SDK's batch lists). Without a field the default keys apply, in the given
 * direction when one is given.
 */
export function readSort(input: SortInput, sortable: ReadonlySet<string>, fallback: readonly SortKey[]): SortKey[] {
  const { sort, order, sortArgument, orderArgument } = input;
  if (isPlainObject(order) && Object.keys(order).length > 0) {
    const entries = Object.entries(order);
    if (entries.length > 5) throw argumentError(orderArgument, `${orderArgument} sorts by at most 5 fields`);
    return entries.map(([k, v]) => ({ field: sortField(k, sortable, orderArgument), desc: direction(v, orderArgument) ?? false }));
  }
  const emptyOrder = (Array.isArray(order) && order.length === 0) || isPlainObject(order);
  if (Array.isArray(order) && !emptyOrder) throw argumentError(orderArgument, `${orderArgument} must be ASC, DESC or an object {FIELD: 'ASC'}`);
  const desc = emptyOrder ? undefined : direction(order, orderArgument);
  if (sort === undefined || sort === null || sort === '') return fallback.map((k) => ({ field: k.field, desc: desc ?? k.desc }));
  if (typeof sort !== 'string') throw argumentError(sortArgument, `${sortArgument} must be the name of a field`);
  return [{ field: sortField(sort, sortable, sortArgument), desc: desc ?? false }];
}

export interface StandardPage {
  offset: number;
  /** false in the fast mode (`start=-1`): no COUNT, no `total`, no `next` */
  count: boolean;
}

/** `start` as upstream reads it: absent is 0; any negative value is the uncounted fast mode. */
export function standardPage(start: number | null): StandardPage {
  if (start === null) return { offset: 0, count: true };
  if (start < 0) return { offset: 0, count: false };
  return { offset: start, count: true };
}

/** `START` (department.get's spelling) when the standard `start` is absent: digits only. */
export function readStartParam(value: unknown, argument: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  if ((typeof value === 'number' && Math.abs(value) < 1e15 && Number.isInteger(value)) || (typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value))) {
    return Number(value);
  }
  throw argumentError(argument, `${argument} must be an integer offset (0, 50, 100, ...) or -1, got ${describe(value)}`);
}

/** The page with `total`, and `next` when rows remain after it. */
export function standardResult(rows: unknown[], page: StandardPage, total: number | undefined): MethodResult {
  if (!page.count || total === undefined) return { result: rows };
  const out: MethodResult = { result: rows, total };
  if (page.offset + rows.length < total && rows.length > 0) out.next = page.offset + rows.length;
  return out;
}

/** Y/N flags and booleans in every spelling SDKs send (`true`, `'Y'`, `1`, Python's `'True'`). */
export function readBoolean(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (s === true || s === 1 || s === 'y' || s === 'true' || s === '1') return true;
  if (s === false || s === 0 || s === 'n' || s === 'false' || s === '0') return false;
  throw argumentError(key, `${key} must be true or false (Y/N, 1/0), got ${describe(v)}`);
}

/**
 * `select`: field names, `*` for all, `UF_*` for every UF_ field. Unknown names are skipped
 * silently as upstream does. Null when absent (every field).
 */
export function readSelect(value: unknown, known: readonly string[], argument: string): Set<string> | null {
  if (value === undefined || value === null || value === '') return null;
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (isPlainObject(value)) items = Object.values(value);
  else if (typeof value === 'string') items = value.split(',');
  else throw argumentError(argument, `${argument} must be a list of field names`);
  if (items.length === 0) return null;
  if (items.length > 500) throw argumentError(argument, `${argument} lists more than 500 fields`);
  const out = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string') throw argumentError(argument, `${argument} must hold field names, got ${describe(item)}`);
    const name = item.trim().toUpperCase();
    if (name === '*') {
      for (const f of known) out.add(f);
    } else if (name === 'UF_*') {
      for (const f of known) if (f.startsWith('UF_')) out.add(f);
    } else if (known.includes(name)) {
      out.add(name);
    }
  }
  return out;
}
