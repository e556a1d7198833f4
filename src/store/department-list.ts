/** department.get and department.delete in SQL. */
import { sql } from 'kysely';
import type { DepartmentRow } from './departments.js';
import type { Db, Dialect } from './index.js';
import { orderSql, textOrder, whereSql, TRUE, type Condition, type FieldMap, type SortKey } from './list-query.js';

const col = (name: string) => sql.ref(`departments.${name}`);

/** REST v2's five department fields; a missing parent or head reads as 0, as upstream's filter does. */
export function departmentFields(dialect: Dialect): FieldMap {
  const parent = sql`COALESCE(${col('parent_id')}, 0)`;
  const head = sql`COALESCE(${col('head_id')}, 0)`;
  return {
    ID: { kind: 'int', column: col('id'), order: col('id') },
    NAME: { kind: 'text', column: col('name'), order: textOrder(col('name'), dialect) },
    SORT: { kind: 'int', column: col('sort'), order: col('sort') },
    PARENT: { kind: 'int', column: parent, order: parent },
    UF_HEAD: { kind: 'int', column: head, order: head },
  };
}

export interface DepartmentListQuery {
  conditions: readonly Condition[];
  sort: readonly SortKey[];
  offset: number;
  limit: number;
  count: boolean;
}

/** One page of departments and their total when asked: two statements. */
export async function listDepartments(db: Db, dialect: Dialect, q: DepartmentListQuery): Promise<{ rows: DepartmentRow[]; total?: number }> {
  const fields = departmentFields(dialect);
  const where = q.conditions.length ? whereSql(q.conditions, fields, { dialect, now: 0 }) : TRUE;
  const base = db.selectFrom('departments').where(where);
  const [rows, counted] = await Promise.all([
    base.selectAll().orderBy(orderSql(q.sort, fields, col('id'))).limit(q.limit).offset(q.offset).execute(),
    q.count ? base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow() : Promise.resolve(undefined),
  ]);
  return { rows, total: counted === undefined ? undefined : Number(counted.n) };
}

export async function hasSubDepartments(db: Db, id: number): Promise<boolean> {
  const row = await db.selectFrom('departments').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Removes the department and every membership in it. */
export async function removeDepartment(db: Db, id: number): Promise<void> {
  await db.deleteFrom('user_departments').where('department_id', '=', id).execute();
  await db.deleteFrom('departments').where('id', '=', id).execute();
}
