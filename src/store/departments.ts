import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from './index.js';
import type { DepartmentsTable } from './schema.js';
import { isStorableId } from './users.js';

export type DepartmentRow = Selectable<DepartmentsTable>;

/** The whole structure: companies have thousands of departments at most, and the tree needs all. */
export async function allDepartments(db: Db): Promise<DepartmentRow[]> {
  return db.selectFrom('departments').selectAll().orderBy('sort').orderBy('id').execute();
}

export async function findDepartment(db: Db, id: number): Promise<DepartmentRow | undefined> {
  if (!isStorableId(id)) return undefined;
  return db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function departmentIdsExisting(db: Db, ids: readonly number[]): Promise<Set<number>> {
  const wanted = [...new Set(ids)].filter(isStorableId);
  if (wanted.length === 0) return new Set();
  const rows = await db.selectFrom('departments').select('id').where('id', 'in', wanted).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertDepartment(db: Db, values: Insertable<DepartmentsTable>): Promise<number> {
  const row = await db.insertInto('departments').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateDepartment(db: Db, id: number, values: Updateable<DepartmentsTable>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('departments').set(values).where('id', '=', id).execute();
}

/** Active members of the departments, as (department, user) pairs ordered by user id. */
export async function activeMembers(db: Db, departmentIds: readonly number[]): Promise<{ department_id: number; user_id: number }[]> {
  if (departmentIds.length === 0) return [];
  return db
    .selectFrom('user_departments as ud')
    .innerJoin('users as u', 'u.id', 'ud.user_id')
    .select(['ud.department_id', 'ud.user_id'])
    .where('ud.department_id', 'in', [...departmentIds])
    .where('u.active', '=', 1)
    .orderBy('ud.user_id')
    .execute();
}

/** How many active members each department has (not counting the ones below it): one grouped statement. */
export async function activeMemberCounts(db: Db): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('user_departments as ud')
    .innerJoin('users as u', 'u.id', 'ud.user_id')
    .select((eb) => ['ud.department_id', eb.fn.countAll<number>().as('n')])
    .where('u.active', '=', 1)
    .groupBy('ud.department_id')
    .execute();
  return new Map(rows.map((r) => [r.department_id, Number(r.n)]));
}

/**
 * Up to `limit` distinct ids of the active members of the departments: enough to tell whether
 * their user objects fit a budget without reading every membership (a cheap, bounded query).
 */
export async function someActiveMemberIds(db: Db, departmentIds: readonly number[], limit: number): Promise<number[]> {
  if (departmentIds.length === 0 || limit <= 0) return [];
  const rows = await db
    .selectFrom('user_departments as ud')
    .innerJoin('users as u', 'u.id', 'ud.user_id')
    .select('ud.user_id')
    .distinct()
    .where('ud.department_id', 'in', [...departmentIds])
    .where('u.active', '=', 1)
    .limit(limit)
    .execute();
  return rows.map((r) => r.user_id);
}

/** Adds the user to a department (at the end of their UF_DEPARTMENT) unless already a member; true when added. */
export async function ensureMember(db: Db, userId: number, departmentId: number): Promise<boolean> {
  const rows = await db.selectFrom('user_departments').select(['department_id', 'position']).where('user_id', '=', userId).execute();
  if (rows.some((r) => r.department_id === departmentId)) return false;
  const position = rows.reduce((max, r) => Math.max(max, r.position + 1), 0);
  await db.insertInto('user_departments').values({ user_id: userId, department_id: departmentId, position }).execute();
  return true;
}
