/**
 * The directory as one JSON document (`seeds/*.json`): departments, users with presence,
 * absences and bot data, and groups with members. `npm start`'s demo company is one of these.
 */
import { readFile } from 'node:fs/promises';
import { inTransaction, type Store } from '../store/index.js';
import type { Db } from '../store/index.js';

export interface DirectoryFile {
  format: 'roster-directory';
  version: 1;
  departments: DepartmentEntry[];
  users: UserEntry[];
  groups?: GroupEntry[];
}

export interface DepartmentEntry {
  id: number;
  name: string;
  parent: number | null;
  sort?: number;
  head?: number | null;
}

export interface UserEntry {
  id: number;
  login?: string;
  email: string;
  active?: boolean;
  admin?: boolean;
  type?: 'employee' | 'extranet' | 'collaber';
  external_auth_id?: string | null;
  name?: string;
  last_name?: string;
  second_name?: string;
  work_position?: string;
  gender?: '' | 'M' | 'F';
  birthday?: string | null;
  photo?: string;
  phones?: { work?: string; mobile?: string; personal?: string };
  website?: string;
  departments?: number[];
  status?: string;
  color?: string | null;
  idle_at?: string | null;
  last_activity_at?: string | null;
  mobile_last_at?: string | null;
  desktop_last_at?: string | null;
  date_register?: string | null;
  absences?: { from: string; to: string; reason?: string }[];
  bot?: { code: string; type?: string; app_id?: string; openline?: boolean; hidden?: boolean } | null;
  /** a password for the sign-in page, stored hashed */
  password_hash?: string | null;
}

export interface GroupEntry {
  id: number;
  name: string;
  description?: string;
  owner: number;
  members: number[];
}

export async function readDirectoryFile(path: string): Promise<DirectoryFile> {
  return JSON.parse(await readFile(path, 'utf8')) as DirectoryFile;
}

const seconds = (iso: string | null | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : null);

/** The directory tables, children first so that nothing points at a deleted row meanwhile. */
const DIRECTORY_TABLES = ['sonet_group_members', 'sonet_groups', 'bots', 'absences', 'user_departments', 'departments', 'users'] as const;

export async function clearDirectory(db: Db): Promise<void> {
  for (const table of DIRECTORY_TABLES) await db.deleteFrom(table).execute();
}

/** Whether the directory holds only what a fresh database starts with (user 1, department 1). */
export async function isPristine(db: Db): Promise<boolean> {
  const [users, departments] = await Promise.all([
    db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('departments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return Number(users.n) <= 1 && Number(departments.n) <= 1;
}

/** Replaces the whole directory with the file's content in one transaction; webhooks stay. */
export async function replaceDirectory(store: Store, data: DirectoryFile, now = Math.floor(Date.now() / 1000)): Promise<void> {
  await inTransaction(store.db, async (db) => {
    await clearDirectory(db);
    await insertDirectory(db, data, now);
  });
  await store.syncIds();
}

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

export async function insertDirectory(db: Db, data: DirectoryFile, now: number): Promise<void> {
  await insertChunked(data.departments, (chunk) =>
    db
      .insertInto('departments')
      .values(chunk.map((d) => ({ id: d.id, name: d.name, parent_id: d.parent, sort: d.sort ?? 500, head_id: d.head ?? null })))
      .execute(),
  );
  await insertChunked(data.users, (chunk) =>
    db
      .insertInto('users')
      .values(
        chunk.map((u) => ({
          id: u.id,
          login: u.login ?? u.email,
          email: u.email,
          email_key: u.email.toLowerCase(),
          password_hash: u.password_hash ?? null,
          active: u.active === false ? 0 : 1,
          is_admin: u.admin ? 1 : 0,
          user_type: u.type ?? 'employee',
          external_auth_id: u.external_auth_id ?? (u.bot ? 'bot' : null),
          name: u.name ?? '',
          last_name: u.last_name ?? '',
          second_name: u.second_name ?? '',
          work_position: u.work_position ?? '',
          gender: u.gender ?? '',
          birthday: u.birthday ?? null,
          photo: u.photo ?? '',
          personal_mobile: u.phones?.mobile ?? '',
          personal_phone: u.phones?.personal ?? '',
          work_phone: u.phones?.work ?? '',
          website: u.website ?? '',
          color: u.color ?? null,
          status: u.status ?? 'online',
          idle_at: seconds(u.idle_at),
          last_activity_at: seconds(u.last_activity_at),
          mobile_last_at: seconds(u.mobile_last_at),
          desktop_last_at: seconds(u.desktop_last_at),
          date_register: seconds(u.date_register) ?? now,
          timestamp_x: now,
        })),
      )
      .execute(),
  );
  const links = data.users.flatMap((u) => (u.departments ?? []).map((department_id, position) => ({ user_id: u.id, department_id, position })));
  await insertChunked(links, (chunk) => db.insertInto('user_departments').values(chunk).execute());
  const absences = data.users.flatMap((u) => (u.absences ?? []).map((a) => ({ user_id: u.id, date_from: a.from, date_to: a.to, reason: a.reason ?? '' })));
  await insertChunked(absences, (chunk) => db.insertInto('absences').values(chunk).execute());
  const bots = data.users.flatMap((u) =>
    u.bot
      ? [{ user_id: u.id, code: u.bot.code, type: u.bot.type ?? 'bot', app_id: u.bot.app_id ?? '', openline: u.bot.openline ? 1 : 0, hidden: u.bot.hidden ? 1 : 0 }]
      : [],
  );
  await insertChunked(bots, (chunk) => db.insertInto('bots').values(chunk).execute());
  for (const g of data.groups ?? []) {
    await db.insertInto('sonet_groups').values({ id: g.id, name: g.name, description: g.description ?? '', owner_id: g.owner, active: 1, date_create: now }).execute();
    const members = [...new Set([g.owner, ...g.members])];
    await insertChunked(members, (chunk) =>
      db.insertInto('sonet_group_members').values(chunk.map((user_id) => ({ group_id: g.id, user_id, role: user_id === g.owner ? 'A' : 'K', date_create: now }))).execute(),
    );
  }
}
