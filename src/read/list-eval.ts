/**
 * The standard list methods' filters and sort keys (src/store/list-query.ts) evaluated over
 * rows in memory, with the answers the SQL path gives on both engines:
 *
 * - A condition keeps a row when its SQL form would be TRUE. SQL's NULL matters only under
 *   negation, and list-query's `not()` reads NULL as false (`!FIELD` keeps empty fields), so a
 *   plain boolean per row is exact: a NULL column fails every positive test and passes its
 *   negation.
 * - Text tests ignore case per character with the case classes of src/store/case-fold.ts (the
 *   GLOB / `~` patterns the SQL path builds spell exactly those classes out); `%` in a `pattern`
 *   stands for any text, every other character is literal.
 * - Text sorts in byte order of UTF-8, which is code point order: SQLite's BINARY collation and
 *   PostgreSQL's `COLLATE "C"` (textOrder) agree on it, so there is one rule for both engines.
 *   JavaScript's `<` compares UTF-16 units and differs for characters beyond U+FFFF.
 */
import { foldCase } from '../store/case-fold.js';
import { compareText } from './people.js';
import type { Condition, FieldKind, FilterOp, FilterValue, SortKey } from '../store/list-query.js';

/** A scalar as the SQL path sees it: null is SQL's NULL. */
export type Scalar = number | string | null;

/** The in-memory form of one field of a list method (the mirror of list-query's `FieldSql`). */
export interface FieldEval<R> {
  kind: FieldKind;
  /** the value of a scalar field */
  value?: (row: R) => Scalar;
  /** the values of a multi-valued field (a user's departments): the condition holds when one of them passes */
  many?: (row: R) => readonly Scalar[];
  /** fields with their own rule (computed fields, FIND) */
  custom?: (condition: Condition) => (row: R) => boolean;
  /** the sort value; fields without one are not sortable */
  order?: (row: R) => number | string;
}

export type FieldEvalMap<R> = Record<string, FieldEval<R>>;

export type TextMode = 'exact' | 'contains' | 'prefix' | 'pattern';

/**
 * A lone surrogate (JSON allows `"\ud800"`) reaches either database as U+FFFD: both drivers encode
 * it so on the way in, and stored text holds U+FFFD where a client sent one.
 */
export const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** list-query's `textMatch` as a test on text: the value folded once, each text folded when tested. */
export function textTest(written: string, mode: TextMode): (text: string) => boolean {
  const value = wellFormed(written);
  if (mode !== 'pattern') {
    const v = foldCase(value);
    if (mode === 'exact') return (t) => foldCase(t) === v;
    if (mode === 'contains') return (t) => foldCase(t).includes(v);
    return (t) => foldCase(t).startsWith(v);
  }
  const pieces = value.split('%').map(foldCase);
  if (pieces.length === 1) return (t) => foldCase(t) === pieces[0];
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  return (text) => {
    const t = foldCase(text);
    if (t.length < first.length + last.length || !t.startsWith(first) || !t.endsWith(last)) return false;
    // the leftmost place of each middle piece leaves the most room for the rest
    let at = first.length;
    const end = t.length - last.length;
    for (const piece of middle) {
      const found = t.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/** What the parser's values become in the column's terms (list-query's `sqlValue`). */
function bound(kind: FieldKind, value: FilterValue): Scalar {
  if (kind === 'bool') return value ? 1 : 0;
  return value as Scalar;
}

function compareScalar(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(String(a), String(b));
}

const NEGATED: Partial<Record<FilterOp, FilterOp>> = { ne: 'eq', nlike: 'like', npattern: 'pattern', nprefix: 'prefix' };

/** One value's test for a positive operator (list-query's `predicate`); null never passes. */
function valueTest(kind: FieldKind, op: FilterOp, values: readonly FilterValue[]): (v: Scalar) => boolean {
  const texts = (mode: TextMode) => {
    const tests = values.map((v) => textTest(String(v), mode));
    return (v: Scalar) => v !== null && tests.some((t) => t(String(v)));
  };
  switch (op) {
    case 'eq': {
      if (kind === 'text') return texts('exact');
      const wanted = values.map((v) => bound(kind, v));
      if (wanted.length === 1) {
        const only = wanted[0];
        return (v) => v !== null && v === only;
      }
      const set = new Set(wanted);
      return (v) => v !== null && set.has(v);
    }
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      const than = bound(kind, values[0]!)!;
      const pass = { gt: (c: number) => c > 0, ge: (c: number) => c >= 0, lt: (c: number) => c < 0, le: (c: number) => c <= 0 }[op];
      return (v) => v !== null && pass(compareScalar(v, than));
    }
    case 'like':
      return texts('contains');
    case 'prefix':
      return texts('prefix');
    case 'pattern':
      return texts('pattern');
    default:
      throw new Error(`operator ${op} has no test for ${kind} fields`);
  }
}

/** One condition as a test on rows (list-query's `conditionSql`). */
export function conditionTest<R>(field: FieldEval<R>, condition: Condition): (row: R) => boolean {
  if (field.custom) return field.custom(condition);
  const positive = NEGATED[condition.op];
  const test = valueTest(field.kind, positive ?? condition.op, condition.values);
  let p: (row: R) => boolean;
  if (field.many) {
    const many = field.many;
    p = (row) => many(row).some(test);
  } else if (field.value) {
    const value = field.value;
    p = (row) => test(value(row));
  } else {
    throw new Error(`field ${condition.field} has no value`);
  }
  return positive ? (row) => !p(row) : p;
}

/** Every condition, ANDed (list-query's `whereSql`); null when there is none. */
export function filterTest<R>(conditions: readonly Condition[], fields: FieldEvalMap<R>): ((row: R) => boolean) | null {
  if (conditions.length === 0) return null;
  const tests = conditions.map((c) => {
    const field = fields[c.field];
    if (!field) throw new Error(`no test for filter field ${c.field}`);
    return conditionTest(field, c);
  });
  if (tests.length === 1) return tests[0]!;
  return (row) => tests.every((t) => t(row));
}

/**
 * The order of list-query's `orderSql`: the keys, then the id ascending unless a key is the id.
 * Every sort value is non-null (the SQL side sorts by COALESCEd or NOT NULL columns).
 */
export function rowOrder<R>(keys: readonly SortKey[], fields: FieldEvalMap<R>, id: (row: R) => number): (a: R, b: R) => number {
  const parts = keys.map((k) => {
    const order = fields[k.field]?.order;
    if (!order) throw new Error(`field ${k.field} is not sortable`);
    return { order, sign: k.desc ? -1 : 1 };
  });
  if (!keys.some((k) => k.field === 'ID')) parts.push({ order: id, sign: 1 });
  return (a, b) => {
    for (const { order, sign } of parts) {
      const c = compareScalar(order(a), order(b));
      if (c !== 0) return sign * c;
    }
    return 0;
  };
}

/** Whether the order is the id ascending alone: the order rows are kept in anyway. */
export function isIdAscending(keys: readonly SortKey[]): boolean {
  return keys.length > 0 && keys[0]!.field === 'ID' && !keys[0]!.desc;
}

/**
 * A page of the rows passing the filter in the order, and how many pass when asked (the SQL
 * path's page and COUNT). Rows before `from` are known to fail the filter.
 */
export function pageOfRows<R>(
  rows: readonly R[],
  test: ((row: R) => boolean) | null,
  offset: number,
  limit: number,
  count: boolean,
  from = 0,
): { rows: R[]; total?: number } {
  if (!test) return { rows: rows.slice(offset, offset + limit), total: count ? rows.length : undefined };
  const page: R[] = [];
  const end = offset + limit;
  let passed = 0;
  for (let i = from; i < rows.length; i++) {
    const row = rows[i]!;
    if (!test(row)) continue;
    if (passed >= offset && passed < end) page.push(row);
    passed++;
    if (!count && passed >= end) break;
  }
  return { rows: page, total: count ? passed : undefined };
}

/**
 * `pageOfRows` in another order than the rows', without sorting them all: the first
 * `offset + limit` passing rows are kept in a bounded heap (the largest on top), so that a first
 * page costs one pass over the rows rather than a sort of them all.
 */
export function pageInOrder<R>(
  rows: Iterable<R>,
  test: ((row: R) => boolean) | null,
  order: (a: R, b: R) => number,
  offset: number,
  limit: number,
  count: boolean,
): { rows: R[]; total?: number } {
  const k = offset + limit;
  const heap: R[] = [];
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  let passed = 0;
  for (const row of rows) {
    if (test && !test(row)) continue;
    passed++;
    if (k <= 0) continue;
    if (heap.length < k) {
      heap.push(row);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (order(heap[i]!, heap[parent]!) <= 0) break;
        swap(i, parent);
        i = parent;
      }
    } else if (order(row, heap[0]!) < 0) {
      heap[0] = row;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let top = i;
        if (l < heap.length && order(heap[l]!, heap[top]!) > 0) top = l;
        if (r < heap.length && order(heap[r]!, heap[top]!) > 0) top = r;
        if (top === i) break;
        swap(i, top);
        i = top;
      }
    }
  }
  return { rows: heap.sort(order).slice(offset, k), total: count ? passed : undefined };
}
