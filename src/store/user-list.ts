/**
 * user.get / user.search in SQL: the filter fields, the sort keys, and one page with its
 * departments. Visibility and the exclusion of non-people (bots, connectors, ...) are part of
 * the WHERE clause, so totals never count users the viewer may not see.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db, Dialect } from './index.js';
import {
  anyOf, allOf, not, orderSql, textOrder, whereSql, TRUE,
  type Condition, type FieldMap, type SortKey, type SqlEnv,
} from './list-query.js';
import { startsWord } from './search.js';
import type { UserRow } from './users.js';
import { visibleTo, type Viewer } from './visibility.js';

/**
 * Accounts that are not people, left out of user.get as upstream leaves them out
 * (`UserTable::getExternalUserTypes()`): bots, e-mail and Open Channel users, replicas, ...
 */
export const NON_PEOPLE = ['bot', 'email', 'imconnector', 'replica', '__controller', 'controller', 'sale', 'saleanonymous', 'shop', 'call', 'document_editor', 'calendar_sharing'];

const col = (name: string) => sql.ref(`users.${name}`);

function inDepartmentNamed(predicate: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  return sql<SqlBool>`EXISTS (SELECT 1 FROM user_departments sud JOIN departments sd ON sd.id = sud.department_id WHERE sud.user_id = users.id AND ${predicate})`;
}

/**
 * FIND / NAME_SEARCH: every word must start a word of the first, last or middle name, the
 * position, or the name of one of the user's departments (the word test of im.search.user.list).
 */
function searchSql(condition: Condition, env: SqlEnv): RawBuilder<SqlBool> {
  const words = condition.values[0] as string[];
  return allOf(
    words.map((word) =>
      anyOf([
        ...['name', 'last_name', 'second_name', 'work_position'].map((c) => startsWord(env.dialect, col(c), word)),
        inDepartmentNamed(startsWord(env.dialect, sql.ref('sd.name'), word)),
      ]),
    ),
  );
}

function onlineSql(condition: Condition, env: SqlEnv, onlineSeconds: number): RawBuilder<SqlBool> {
  const online = sql<SqlBool>`${col('last_activity_at')} > ${env.now - onlineSeconds}`;
  const wanted = new Set(condition.values as string[]);
  const positive = anyOf([...(wanted.has('Y') ? [online] : []), ...(wanted.has('N') ? [not(online)] : [])]);
  return condition.op === 'ne' ? not(positive) : positive;
}

/** The plain text fields of user.get and the columns they read (the read model's evaluator reads the same). */
export const USER_TEXT_FIELDS = {
  NAME: 'name',
  LAST_NAME: 'last_name',
  SECOND_NAME: 'second_name',
  EMAIL: 'email',
  LOGIN: 'login',
  WORK_POSITION: 'work_position',
  PERSONAL_WWW: 'website',
  PERSONAL_MOBILE: 'personal_mobile',
  PERSONAL_PHONE: 'personal_phone',
  WORK_PHONE: 'work_phone',
} as const;

/** The instant fields of user.get and their columns (LAST_LOGIN is the last activity: no sign-in time is kept). */
export const USER_INSTANT_FIELDS = {
  DATE_REGISTER: 'date_register',
  TIMESTAMP_X: 'timestamp_x',
  LAST_ACTIVITY_DATE: 'last_activity_at',
  LAST_LOGIN: 'last_activity_at',
} as const;

/** `{FIELD: column}` as field definitions, in the table's order. */
export function fieldsOf<C extends string, F>(table: Readonly<Record<string, C>>, define: (column: C) => F): Record<string, F> {
  return Object.fromEntries(Object.entries(table).map(([field, column]) => [field, define(column)]));
}

const fieldMaps = new Map<string, FieldMap>();

/**
 * Every filterable and sortable user field; which of them a caller may use is decided above the
 * store. Built once per dialect: every user.get reads it, and the expressions are immutable.
 */
export function userFields(dialect: Dialect, onlineSeconds: number): FieldMap {
  const key = `${dialect}:${onlineSeconds}`;
  let fields = fieldMaps.get(key);
  if (!fields) fieldMaps.set(key, (fields = buildUserFields(dialect, onlineSeconds)));
  return fields;
}

function buildUserFields(dialect: Dialect, onlineSeconds: number): FieldMap {
  const text = (c: string) => ({ kind: 'text' as const, column: col(c), order: textOrder(col(c), dialect) });
  const instant = (c: string) => ({ kind: 'instant' as const, column: col(c), order: sql`COALESCE(${col(c)}, 0)` });
  return {
    ID: { kind: 'int', column: col('id'), order: col('id') },
    ACTIVE: { kind: 'bool', column: col('active'), order: col('active') },
    ...fieldsOf(USER_TEXT_FIELDS, text),
    PERSONAL_GENDER: { kind: 'enum', enumValues: ['M', 'F', ''], column: col('gender'), order: textOrder(col('gender'), dialect) },
    USER_TYPE: { kind: 'enum', enumValues: ['employee', 'extranet', 'email', 'collaber'], column: col('user_type'), order: textOrder(col('user_type'), dialect) },
    PERSONAL_BIRTHDAY: { kind: 'date', column: col('birthday'), order: sql`COALESCE(${col('birthday')}, '')` },
    ...fieldsOf(USER_INSTANT_FIELDS, instant),
    IS_ONLINE: {
      kind: 'enum',
      enumValues: ['Y', 'N'],
      custom: (c, env) => onlineSql(c, env, onlineSeconds),
      order: sql`COALESCE(${col('last_activity_at')}, 0)`,
    },
    UF_DEPARTMENT: {
      kind: 'int',
      many: {
        column: sql.ref('fud.department_id'),
        exists: (p) => sql<SqlBool>`EXISTS (SELECT 1 FROM user_departments fud WHERE fud.user_id = users.id AND ${p})`,
      },
    },
    UF_DEPARTMENT_NAME: {
      kind: 'text',
      many: { column: sql.ref('sd.name'), exists: inDepartmentNamed },
    },
    NAME_SEARCH: { kind: 'search', custom: searchSql },
    FIND: { kind: 'search', custom: searchSql },
  };
}

export interface UserListQuery {
  viewer: Viewer;
  conditions: readonly Condition[];
  sort: readonly SortKey[];
  offset: number;
  limit: number;
  count: boolean;
  now: number;
  onlineSeconds: number;
}

export interface UserListRow extends UserRow {
  departments: number[];
}

/** Departments of the users, in their UF_DEPARTMENT order: one statement. */
async function withDepartments(db: Db, rows: UserRow[]): Promise<UserListRow[]> {
  if (rows.length === 0) return [];
  const links = await db
    .selectFrom('user_departments')
    .select(['user_id', 'department_id'])
    .where('user_id', 'in', rows.map((r) => r.id))
    .orderBy('user_id')
    .orderBy('position')
    .orderBy('department_id')
    .execute();
  const byUser = new Map<number, number[]>();
  for (const l of links) {
    let list = byUser.get(l.user_id);
    if (!list) byUser.set(l.user_id, (list = []));
    list.push(l.department_id);
  }
  return rows.map((r) => ({ ...r, departments: byUser.get(r.id) ?? [] }));
}

/**
 * One page of people the viewer may see, and their total when asked: three statements
 * (count, page, departments) whatever the page holds.
 */
export async function listUsers(db: Db, dialect: Dialect, q: UserListQuery): Promise<{ rows: UserListRow[]; total?: number }> {
  const fields = userFields(dialect, q.onlineSeconds);
  const env: SqlEnv = { dialect, now: q.now };
  const people = sql<SqlBool>`COALESCE(${col('external_auth_id')}, '') NOT IN (${sql.join(NON_PEOPLE)})`;
  const filtered = q.conditions.length ? whereSql(q.conditions, fields, env) : TRUE;
  const base = db.selectFrom('users').where(visibleTo(q.viewer)).where(people).where(filtered);
  const [page, counted] = await Promise.all([
    q.limit > 0
      ? base.selectAll().orderBy(orderSql(q.sort, fields, col('id'))).limit(q.limit).offset(q.offset).execute()
      : Promise.resolve([] as UserRow[]),
    q.count ? base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow() : Promise.resolve(undefined),
  ]);
  return { rows: await withDepartments(db, page), total: counted === undefined ? undefined : Number(counted.n) };
}

/** The user with their departments, people and bots alike (user.current). */
export async function userWithDepartments(db: Db, id: number): Promise<UserListRow | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? (await withDepartments(db, [row]))[0] : undefined;
}
