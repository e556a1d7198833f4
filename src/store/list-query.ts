/**
 * The SQL side of the standard list methods (user.get, department.get, sonet_group.get): filter
 * conditions and sort keys, already validated by the caller, turned into Kysely expressions that
 * read the same on SQLite and PostgreSQL. Values always travel as bound parameters.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { caseVariants } from './case-fold.js';
import type { Dialect } from './index.js';

/** What a filter field holds; decides which operators and values make sense. */
export type FieldKind = 'int' | 'text' | 'bool' | 'enum' | 'instant' | 'date' | 'search';

/**
 * `eq` with several values is IN. `like` is a literal substring, `prefix` a literal start,
 * `pattern` a LIKE whose `%` the client wrote. `search` is the word-prefix search of FIND.
 */
export type FilterOp =
  | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'
  | 'like' | 'nlike' | 'pattern' | 'npattern' | 'prefix' | 'nprefix'
  | 'search';

/** int → number, bool → boolean, instant → unix seconds, date → `YYYY-MM-DD`, search → words. */
export type FilterValue = number | string | boolean | string[];

export interface Condition {
  field: string;
  op: FilterOp;
  values: FilterValue[];
}

export interface SortKey {
  field: string;
  desc: boolean;
}

/** The statement being built: dialect for the few spelling differences, `now` for computed fields. */
export interface SqlEnv {
  dialect: Dialect;
  now: number;
}

export interface FieldSql {
  kind: FieldKind;
  /** the allowed values of an `enum` field, normalised as the parser writes them */
  enumValues?: readonly string[];
  /** the column for scalar fields */
  column?: RawBuilder<unknown>;
  /** multi-valued fields (a user's departments): the inner column, and the EXISTS around a predicate on it */
  many?: { column: RawBuilder<unknown>; exists: (predicate: RawBuilder<SqlBool>) => RawBuilder<SqlBool> };
  /** fields computed in SQL by their own rule */
  custom?: (condition: Condition, env: SqlEnv) => RawBuilder<SqlBool>;
  /** the expression to sort by; fields without one are not sortable */
  order?: RawBuilder<unknown>;
}

export type FieldMap = Record<string, FieldSql>;

export const TRUE = sql<SqlBool>`1 = 1`;
export const FALSE = sql<SqlBool>`1 = 0`;

/** One character of a GLOB pattern: its case variants as a class, GLOB's own wildcards made literal. */
function globChar(ch: string): string {
  const variants = caseVariants(ch);
  if (variants.length > 1) return `[${variants.join('')}]`;
  return ch === '*' || ch === '?' || ch === '[' ? `[${ch}]` : ch;
}

/** One character of a PostgreSQL regular expression: case variants as a class, ASCII punctuation escaped. */
function regexChar(ch: string): string {
  const variants = caseVariants(ch);
  if (variants.length > 1) return `[${variants.join('')}]`;
  return ch.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(ch) ? `\\${ch}` : ch;
}

export type TextMatch = 'exact' | 'contains' | 'prefix' | 'pattern';

/**
 * A text test that ignores case for every alphabet and reads the same on both engines: SQLite's
 * GLOB and PostgreSQL's case-sensitive `~`, with the case variants of each letter spelled out
 * (directory/case-fold.ts), so neither the engine's locale nor LIKE's `%`, `_`, `\` get a say.
 * In `pattern` mode the `%` the client wrote stand for any text; every other character is literal.
 */
export function textMatch(dialect: Dialect, column: RawBuilder<unknown>, value: string, mode: TextMatch): RawBuilder<SqlBool> {
  const pieces = mode === 'pattern' ? value.split('%') : [value];
  if (dialect === 'postgres') {
    const body = pieces.map((piece) => [...piece].map(regexChar).join('')).join('.*');
    const re = mode === 'contains' ? body : mode === 'prefix' ? `^${body}` : `^${body}$`;
    return sql<SqlBool>`(${column} ~ ${re})`;
  }
  const body = pieces.map((piece) => [...piece].map(globChar).join('')).join('*');
  const glob = mode === 'contains' ? `*${body}*` : mode === 'prefix' ? `${body}*` : body;
  return sql<SqlBool>`(${column} GLOB ${glob})`;
}

export function anyOf(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return FALSE;
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

export function allOf(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return TRUE;
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

/** NOT that treats NULL as false, so that `!FIELD` keeps the rows whose field is empty. */
export function not(predicate: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  return sql<SqlBool>`(CASE WHEN ${predicate} THEN 1 ELSE 0 END) = 0`;
}

const COMPARE = { gt: sql.raw('>'), ge: sql.raw('>='), lt: sql.raw('<'), le: sql.raw('<=') } as const;
const NEGATED: Partial<Record<FilterOp, FilterOp>> = { ne: 'eq', nlike: 'like', npattern: 'pattern', nprefix: 'prefix' };

function sqlValue(kind: FieldKind, value: FilterValue): unknown {
  if (kind === 'bool') return value ? 1 : 0;
  return value;
}

function predicate(field: FieldSql, column: RawBuilder<unknown>, op: FilterOp, values: FilterValue[], dialect: Dialect): RawBuilder<SqlBool> {
  switch (op) {
    case 'eq': {
      if (values.length === 0) return FALSE;
      // case-insensitive, as upstream's MySQL collation compares
      if (field.kind === 'text') return anyOf(values.map((v) => textMatch(dialect, column, String(v), 'exact')));
      const bound = values.map((v) => sqlValue(field.kind, v));
      return bound.length === 1 ? sql<SqlBool>`${column} = ${bound[0]}` : sql<SqlBool>`${column} IN (${sql.join(bound)})`;
    }
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return sql<SqlBool>`${column} ${COMPARE[op]} ${sqlValue(field.kind, values[0]!)}`;
    case 'like':
      return anyOf(values.map((v) => textMatch(dialect, column, String(v), 'contains')));
    case 'prefix':
      return anyOf(values.map((v) => textMatch(dialect, column, String(v), 'prefix')));
    case 'pattern':
      return anyOf(values.map((v) => textMatch(dialect, column, String(v), 'pattern')));
    default:
      throw new Error(`operator ${op} has no SQL form for ${field.kind} fields`);
  }
}

/** One condition as SQL. Negated operators keep rows with an empty field, as `!=` does upstream. */
export function conditionSql(field: FieldSql, condition: Condition, env: SqlEnv): RawBuilder<SqlBool> {
  if (field.custom) return field.custom(condition, env);
  const positive = NEGATED[condition.op];
  const op = positive ?? condition.op;
  let p: RawBuilder<SqlBool>;
  if (field.many) p = field.many.exists(predicate(field, field.many.column, op, condition.values, env.dialect));
  else if (field.column) p = predicate(field, field.column, op, condition.values, env.dialect);
  else throw new Error(`field ${condition.field} has no column`);
  return positive ? not(p) : p;
}

/** Every condition, ANDed; conditions on fields the map does not know are a programming error. */
export function whereSql(conditions: readonly Condition[], fields: FieldMap, env: SqlEnv): RawBuilder<SqlBool> {
  return allOf(
    conditions.map((c) => {
      const field = fields[c.field];
      if (!field) throw new Error(`no SQL for filter field ${c.field}`);
      return conditionSql(field, c, env);
    }),
  );
}

/** ORDER BY items, with the id last so that pages never overlap or skip rows with equal keys. */
export function orderSql(keys: readonly SortKey[], fields: FieldMap, id: RawBuilder<unknown>): RawBuilder<unknown> {
  const items = keys.map((k) => {
    const expr = fields[k.field]?.order;
    if (!expr) throw new Error(`field ${k.field} is not sortable`);
    return sql`${expr} ${sql.raw(k.desc ? 'DESC' : 'ASC')}`;
  });
  if (!keys.some((k) => k.field === 'ID')) items.push(sql`${id} ASC`);
  return sql.join(items);
}

/** A text column to sort by: byte order on both engines (PostgreSQL's locale would differ from SQLite). */
export function textOrder(column: RawBuilder<unknown>, dialect: Dialect): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`${column} COLLATE "C"` : column;
}
