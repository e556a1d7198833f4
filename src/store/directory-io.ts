/**
 * The directory tables as a whole: read them into a document (export), write a document into
 * them in bulk (import, reset, seeds). Webhooks, OAuth applications and tokens are not part of
 * the directory and are never touched here.
 */
import { emailKey } from '../facts.js';
import { CompiledQuery, sql } from 'kysely';
import type { Db, Dialect, Store } from './index.js';
import { FORMAT, VERSION, instantSeconds, isoInstant, type FullDirectory, type FullUser } from './directory-format.js';
import { clock } from '../clock.js';

/** The columns of `users`, in the order the bulk writer and `readUsers` use. */
const USER_COLUMNS = [
  'id', 'login', 'email', 'email_key', 'password_hash', 'active', 'is_admin', 'user_type', 'external_auth_id', 'name', 'last_name',
  'second_name', 'work_position', 'gender', 'birthday', 'photo', 'personal_mobile', 'personal_phone', 'work_phone', 'website', 'color',
  'status', 'idle_at', 'last_activity_at', 'mobile_last_at', 'desktop_last_at', 'date_register', 'timestamp_x',
] as const;
/** Position of each column in a `readUsers` array. */
const U = Object.fromEntries(USER_COLUMNS.map((c, i) => [c, i])) as Record<(typeof USER_COLUMNS)[number], number>;

/** The directory tables, children first, so that nothing points at a deleted row meanwhile. */
export const DIRECTORY_TABLES = ['sonet_group_members', 'sonet_groups', 'bots', 'absences', 'user_departments', 'departments', 'users'] as const;
export type DirectoryTable = (typeof DIRECTORY_TABLES)[number];

export async function clearDirectory(db: Db): Promise<void> {
  for (const table of DIRECTORY_TABLES) await db.deleteFrom(table).execute();
}

/** Reads the whole directory in canonical form: what `export` writes. A fixed number of statements. */
export async function readDirectory(db: Db, dialect: Dialect): Promise<FullDirectory> {
  const [departments, users, links, absences, bots, groups, members] = await Promise.all([
    db.selectFrom('departments').select(['id', 'name', 'parent_id', 'sort', 'head_id']).orderBy('id').execute(),
    readUsers(db, dialect),
    db.selectFrom('user_departments').select(['user_id', 'department_id']).orderBy('user_id').orderBy('position').orderBy('department_id').execute(),
    db.selectFrom('absences').select(['user_id', 'date_from', 'date_to', 'reason']).orderBy('user_id').orderBy('id').execute(),
    db.selectFrom('bots').selectAll().execute(),
    db.selectFrom('sonet_groups').selectAll().orderBy('id').execute(),
    db.selectFrom('sonet_group_members').select(['group_id', 'user_id', 'role']).orderBy('group_id').orderBy('user_id').execute(),
  ]);
  const byUser = new Map<number, FullUser>();
  const out: FullDirectory = {
    format: FORMAT,
    version: VERSION,
    departments: departments.map((d) => ({ id: d.id, name: d.name, parent: d.parent_id, sort: d.sort, head: d.head_id })),
    users: users.map((r) => {
      const text = (column: (typeof USER_COLUMNS)[number]) => r[U[column]] as string;
      const maybe = (column: (typeof USER_COLUMNS)[number]) => r[U[column]] as string | null;
      const instant = (column: (typeof USER_COLUMNS)[number]) => isoInstant(r[U[column]] as number | null);
      const user: FullUser = {
        id: r[U.id] as number,
        login: text('login'),
        email: text('email'),
        active: r[U.active] === 1,
        admin: r[U.is_admin] === 1,
        type: text('user_type') as FullUser['type'],
        external_auth_id: maybe('external_auth_id'),
        name: text('name'),
        last_name: text('last_name'),
        second_name: text('second_name'),
        work_position: text('work_position'),
        gender: text('gender') as FullUser['gender'],
        birthday: maybe('birthday'),
        photo: text('photo'),
        phones: { work: text('work_phone'), mobile: text('personal_mobile'), personal: text('personal_phone') },
        website: text('website'),
        departments: [],
        status: text('status') as FullUser['status'],
        color: maybe('color'),
        idle_at: instant('idle_at'),
        last_activity_at: instant('last_activity_at'),
        mobile_last_at: instant('mobile_last_at'),
        desktop_last_at: instant('desktop_last_at'),
        date_register: instant('date_register'),
        updated_at: instant('timestamp_x'),
        absences: [],
        bot: null,
        password_hash: maybe('password_hash'),
      };
      byUser.set(user.id, user);
      return user;
    }),
    groups: [],
  };
  for (const l of links) byUser.get(l.user_id)?.departments.push(l.department_id);
  for (const a of absences) byUser.get(a.user_id)?.absences.push({ from: a.date_from, to: a.date_to, reason: a.reason });
  for (const b of bots) {
    const user = byUser.get(b.user_id);
    if (user) user.bot = { code: b.code, type: b.type, app_id: b.app_id, openline: b.openline === 1, hidden: b.hidden === 1 };
  }
  const groupMembers = new Map<number, { members: number[]; moderators: number[] }>();
  for (const m of members) {
    let g = groupMembers.get(m.group_id);
    if (!g) groupMembers.set(m.group_id, (g = { members: [], moderators: [] }));
    g.members.push(m.user_id);
    if (m.role === 'E') g.moderators.push(m.user_id);
  }
  out.groups = groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    owner: g.owner_id,
    active: g.active === 1,
    date_create: isoInstant(g.date_create),
    members: groupMembers.get(g.id)?.members ?? [],
    moderators: groupMembers.get(g.id)?.moderators ?? [],
  }));
  return out;
}

/**
 * Every user, ordered by id, each as the array of its USER_COLUMNS values. The engine builds
 * one JSON array per row: drivers build a 28-property object per row several times slower than
 * they hand over one string (100k users on SQLite: 2.5 s against 0.9 s).
 */
async function readUsers(db: Db, dialect: Dialect): Promise<unknown[][]> {
  const build = dialect === 'postgres' ? 'json_build_array' : 'json_array';
  const { rows } = await sql<{ r: string | unknown[] }>`SELECT ${sql.raw(build)}(${sql.raw(USER_COLUMNS.join(', '))}) AS r FROM users ORDER BY id`.execute(db);
  return rows.map(({ r }) => (typeof r === 'string' ? JSON.parse(r) : r) as unknown[]);
}


export type Phase = 'clear' | DirectoryTable;
/** Called as rows land: `done` of `total` rows of the table. */
export type Progress = (phase: Phase, done: number, total: number) => void;

export interface WriteCounts {
  departments: number;
  users: number;
  bots: number;
  absences: number;
  memberships: number;
  groups: number;
  group_members: number;
}

/** Most bind parameters one statement may carry: PostgreSQL's protocol limit is 65535, SQLite's default 32766. */
const MAX_PARAMS: Record<Dialect, number> = { postgres: 65000, sqlite: 32000 };
/** Rows per statement: beyond these, bigger statements gain nothing (measured with 100k users; see docs/PERFORMANCE.md). */
const MAX_ROWS: Record<Dialect, number> = { postgres: 1000, sqlite: 500 };

type Value = string | number | null;

/**
 * Multi-row INSERTs sent as precompiled statements (no query builder per row), in chunks that
 * stay under the engine's parameter limit.
 */
async function bulkInsert(
  db: Db,
  dialect: Dialect,
  table: DirectoryTable,
  columns: readonly string[],
  rows: Value[][],
  progress?: Progress,
): Promise<void> {
  const perChunk = Math.max(1, Math.min(MAX_ROWS[dialect], Math.floor(MAX_PARAMS[dialect] / columns.length)));
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const statements = new Map<number, string>();
  const statement = (n: number) => {
    let text = statements.get(n);
    if (!text) {
      const tuples: string[] = [];
      let k = 0;
      for (let r = 0; r < n; r++) {
        const marks: string[] = [];
        for (let c = 0; c < columns.length; c++) marks.push(dialect === 'postgres' ? `$${++k}` : '?');
        tuples.push(`(${marks.join(',')})`);
      }
      statements.set(n, (text = head + tuples.join(',')));
    }
    return text;
  };
  progress?.(table, 0, rows.length);
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    const params: Value[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    await db.executeQuery(CompiledQuery.raw(statement(chunk.length), params));
    progress?.(table, Math.min(i + perChunk, rows.length), rows.length);
  }
}


/**
 * Writes a validated directory into the (cleared) directory tables, in bulk. Call inside a
 * transaction; `syncIds` afterwards.
 */
export async function insertFullDirectory(db: Db, dialect: Dialect, dir: FullDirectory, progress?: Progress): Promise<WriteCounts> {
  const now = clock.unix();
  const b = (v: boolean) => (v ? 1 : 0);
  await bulkInsert(db, dialect, 'departments', ['id', 'name', 'parent_id', 'sort', 'head_id'],
    dir.departments.map((d) => [d.id, d.name, d.parent, d.sort, d.head]), progress);
  await bulkInsert(db, dialect, 'users', USER_COLUMNS,
    dir.users.map((u) => [
      u.id, u.login, u.email, emailKey(u.email, u.bot?.code), u.password_hash, b(u.active), b(u.admin), u.type, u.external_auth_id, u.name,
      u.last_name, u.second_name, u.work_position, u.gender, u.birthday, u.photo, u.phones.mobile, u.phones.personal, u.phones.work,
      u.website, u.color, u.status, instantSeconds(u.idle_at), instantSeconds(u.last_activity_at), instantSeconds(u.mobile_last_at),
      instantSeconds(u.desktop_last_at), instantSeconds(u.date_register) ?? now, instantSeconds(u.updated_at) ?? now,
    ]), progress);
  const links: Value[][] = [];
  const absences: Value[][] = [];
  const bots: Value[][] = [];
  for (const u of dir.users) {
    u.departments.forEach((d, position) => links.push([u.id, d, position]));
    for (const a of u.absences) absences.push([u.id, a.from, a.to, a.reason]);
    if (u.bot) bots.push([u.id, u.bot.code, u.bot.type, u.bot.app_id, b(u.bot.openline), b(u.bot.hidden)]);
  }
  await bulkInsert(db, dialect, 'user_departments', ['user_id', 'department_id', 'position'], links, progress);
  await bulkInsert(db, dialect, 'absences', ['user_id', 'date_from', 'date_to', 'reason'], absences, progress);
  await bulkInsert(db, dialect, 'bots', ['user_id', 'code', 'type', 'app_id', 'openline', 'hidden'], bots, progress);
  await bulkInsert(db, dialect, 'sonet_groups', ['id', 'name', 'description', 'owner_id', 'active', 'date_create'],
    dir.groups.map((g) => [g.id, g.name, g.description, g.owner, b(g.active), instantSeconds(g.date_create) ?? now]), progress);
  const members: Value[][] = [];
  for (const g of dir.groups) {
    const created = instantSeconds(g.date_create) ?? now;
    const moderators = new Set(g.moderators);
    for (const m of new Set([g.owner, ...g.members, ...g.moderators])) {
      members.push([g.id, m, m === g.owner ? 'A' : moderators.has(m) ? 'E' : 'K', created]);
    }
  }
  await bulkInsert(db, dialect, 'sonet_group_members', ['group_id', 'user_id', 'role', 'date_create'], members, progress);
  return {
    departments: dir.departments.length,
    users: dir.users.length,
    bots: bots.length,
    absences: absences.length,
    memberships: links.length,
    groups: dir.groups.length,
    group_members: members.length,
  };
}

/** Tables whose ids the engine assigns, among the directory tables. */
const GENERATED_IDS = ['users', 'departments', 'absences', 'sonet_groups'] as const;

/**
 * After the directory tables were rewritten, new rows continue from the largest id now present
 * (as PostgreSQL's sequences do after `syncIds`), so that a test suite that resets gets the same
 * ids every time. SQLite's AUTOINCREMENT would otherwise remember ids of rows deleted by the reset.
 */
export async function restartSqliteSequences(db: Db, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  for (const table of GENERATED_IDS) {
    await sql`UPDATE sqlite_sequence SET seq = (SELECT COALESCE(MAX(id), 0) FROM ${sql.table(table)}) WHERE name = ${table}`.execute(db);
  }
}

/**
 * A bigger page cache while a bulk write runs on SQLite (index builds of 100k rows spill
 * otherwise), restored afterwards. Nothing to do on PostgreSQL.
 */
export async function sqliteBulkSettings<T>(store: Store, work: () => Promise<T>): Promise<T> {
  if (store.dialect !== 'sqlite') return work();
  const row = (await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(store.db)).rows[0];
  await sql`PRAGMA cache_size = -131072`.execute(store.db);
  try {
    return await work();
  } finally {
    await sql.raw(`PRAGMA cache_size = ${Number(row?.cache_size ?? -2000)}`).execute(store.db);
  }
}

/** Whether the directory holds only what a fresh database starts with (user 1, department 1). */
export async function isPristine(db: Db): Promise<boolean> {
  const [users, departments] = await Promise.all([
    db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('departments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return Number(users.n) <= 1 && Number(departments.n) <= 1;
}
