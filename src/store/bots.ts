/** Chat bots: a user row (external_auth_id `bot`) and its `bots` row, written and removed together. */
import type { Insertable } from 'kysely';
import type { Db } from './index.js';
import type { BotsTable, UsersTable } from './schema.js';
import type { UserRow } from './users.js';
import { visibleTo, type Viewer } from './visibility.js';

/** The bot (user id) registered with this code, if any. */
export async function botCodeOwner(db: Db, code: string): Promise<number | undefined> {
  const row = await db.selectFrom('bots').select('user_id').where('code', '=', code).executeTakeFirst();
  return row?.user_id;
}

/** Inserts the bot's user and bot rows; returns the bot (= user) id. */
export async function insertBot(db: Db, user: Insertable<UsersTable>, bot: Omit<Insertable<BotsTable>, 'user_id'>): Promise<number> {
  const row = await db.insertInto('users').values(user).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('bots').values({ ...bot, user_id: row.id }).execute();
  return row.id;
}

export async function findBot(db: Db, id: number): Promise<{ user_id: number; code: string; app_id: string } | undefined> {
  return db.selectFrom('bots').select(['user_id', 'code', 'app_id']).where('user_id', '=', id).executeTakeFirst();
}

/** Removes the bot and everything that points at its user. */
export async function deleteBot(db: Db, id: number): Promise<void> {
  await db.deleteFrom('sonet_group_members').where('user_id', '=', id).execute();
  await db.deleteFrom('user_departments').where('user_id', '=', id).execute();
  await db.deleteFrom('absences').where('user_id', '=', id).execute();
  await db.updateTable('departments').set({ head_id: null }).where('head_id', '=', id).execute();
  await db.deleteFrom('bots').where('user_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
}

export interface BotListRow extends UserRow {
  code: string;
  type: string;
  openline: number;
}

/** Every bot the viewer may see, with its user, by id: one statement. */
export async function listBots(db: Db, viewer: Viewer): Promise<BotListRow[]> {
  return db
    .selectFrom('bots')
    .innerJoin('users', 'users.id', 'bots.user_id')
    .selectAll('users')
    .select(['bots.code', 'bots.type', 'bots.openline'])
    .where(visibleTo(viewer))
    .orderBy('bots.user_id')
    .execute();
}
