import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from './index.js';
import type { BotsTable, UsersTable } from './schema.js';
import { isStorableId } from '../facts.js';
import { visibleTo, type Viewer } from './visibility.js';

export type UserRow = Selectable<UsersTable>;
export type BotRow = Selectable<BotsTable>;

/** A user with everything the wire objects show about them, read in bulk. */
export interface UserRecord extends UserRow {
  departments: number[];
  /** last day of the leave of absence the user is on today, or null */
  absent_until: string | null;
  bot: BotRow | null;
}

export { MAX_ID, isStorableId } from '../facts.js';

/**
 * The users with these ids that `viewer` may see, with departments, today's absence and bot
 * data: four statements whatever the number of ids.
 */
export async function loadUsers(db: Db, ids: readonly number[], viewer: Viewer, today: string): Promise<Map<number, UserRecord>> {
  const wanted = [...new Set(ids)].filter(isStorableId);
  const out = new Map<number, UserRecord>();
  if (wanted.length === 0) return out;
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', wanted).where(visibleTo(viewer)).execute();
  if (rows.length === 0) return out;
  const found = rows.map((r) => r.id);
  const [links, absences, bots] = await Promise.all([
    db
      .selectFrom('user_departments')
      .select(['user_id', 'department_id'])
      .where('user_id', 'in', found)
      .orderBy('user_id')
      .orderBy('position')
      .orderBy('department_id')
      .execute(),
    db
      .selectFrom('absences')
      .select(['user_id', 'date_to'])
      .where('user_id', 'in', found)
      .where('date_from', '<=', today)
      .where('date_to', '>=', today)
      .execute(),
    db.selectFrom('bots').selectAll().where('user_id', 'in', found).execute(),
  ]);
  for (const row of rows) out.set(row.id, { ...row, departments: [], absent_until: null, bot: null });
  for (const link of links) out.get(link.user_id)?.departments.push(link.department_id);
  for (const a of absences) {
    const user = out.get(a.user_id)!;
    // overlapping absences: the user is away until the latest end
    if (user.absent_until === null || a.date_to > user.absent_until) user.absent_until = a.date_to;
  }
  for (const bot of bots) out.get(bot.user_id)!.bot = bot;
  return out;
}

export async function findUser(db: Db, id: number): Promise<UserRow | undefined> {
  if (!isStorableId(id)) return undefined;
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function userIdsExisting(db: Db, ids: readonly number[]): Promise<Set<number>> {
  const wanted = [...new Set(ids)].filter(isStorableId);
  if (wanted.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', wanted).execute();
  return new Set(rows.map((r) => r.id));
}

export async function emailOwner(db: Db, email: string): Promise<number | undefined> {
  const row = await db.selectFrom('users').select('id').where('email_key', '=', email.toLowerCase()).executeTakeFirst();
  return row?.id;
}

export async function insertUser(db: Db, values: Insertable<UsersTable>): Promise<number> {
  const row = await db.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUser(db: Db, id: number, values: Updateable<UsersTable>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('users').set(values).where('id', '=', id).execute();
}

/** Replaces the user's departments, keeping the given order as UF_DEPARTMENT's. */
export async function setUserDepartments(db: Db, userId: number, departmentIds: readonly number[]): Promise<void> {
  await db.deleteFrom('user_departments').where('user_id', '=', userId).execute();
  if (departmentIds.length === 0) return;
  await db
    .insertInto('user_departments')
    .values(departmentIds.map((department_id, position) => ({ user_id: userId, department_id, position })))
    .execute();
}

/** The user holding this login (logins are case-sensitive, as webhook URLs use them), if any. */
export async function loginOwner(db: Db, login: string): Promise<number | undefined> {
  const row = await db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst();
  return row?.id;
}

/** The ids of the departments the user heads. */
export async function departmentsHeadedBy(db: Db, userId: number): Promise<number[]> {
  const rows = await db.selectFrom('departments').select('id').where('head_id', '=', userId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** The user's departments, in UF_DEPARTMENT order. */
export async function departmentsOf(db: Db, userId: number): Promise<number[]> {
  const rows = await db.selectFrom('user_departments').select('department_id').where('user_id', '=', userId).orderBy('position').execute();
  return rows.map((r) => r.department_id);
}

/** The user with this login (webhook URLs may name the user by login). */
export async function findUserByLogin(db: Db, login: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
}

/** The user signing in as `login`: by login first, else by e-mail. */
export async function findSignInUser(db: Db, login: string): Promise<UserRow | undefined> {
  return (await findUserByLogin(db, login)) ?? db.selectFrom('users').selectAll().where('email_key', '=', login.toLowerCase()).executeTakeFirst();
}

/** Every user id, ascending: what an import compares the new directory with. */
export async function allUserIds(db: Db): Promise<number[]> {
  return (await db.selectFrom('users').select('id').orderBy('id').execute()).map((r) => r.id);
}
