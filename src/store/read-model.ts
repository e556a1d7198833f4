/**
 * What the read model (src/read/) loads: whole tables at start, or the rows of the users and
 * groups a change touched. No viewer and no day here: the model holds everything and applies
 * visibility and "today" when it answers.
 */
import type { Selectable } from 'kysely';
import type { Db } from './index.js';
import type { SonetGroupMembersTable, SonetGroupsTable } from './schema.js';
import type { BotRow, UserRow } from './users.js';
import type { WebhookRow } from './webhooks.js';
import { allDepartments, type DepartmentRow } from './departments.js';

export type GroupRow = Selectable<SonetGroupsTable>;
export type MemberRow = Selectable<SonetGroupMembersTable>;

/** One user as stored, with every absence (the model picks today's when it answers). */
export interface StoredUser {
  row: UserRow;
  /** UF_DEPARTMENT order */
  departments: number[];
  absences: readonly { date_from: string; date_to: string }[];
  bot: BotRow | null;
}

/** Most users have no absence: they share one empty list. */
const NO_ABSENCES: StoredUser['absences'] = Object.freeze([]);

/** Ids per statement when reloading a set: keeps the parameter list far below both engines' limits. */
const CHUNK = 1000;

function chunks(ids: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
  return out;
}

/**
 * Columns whose values repeat across users (a few hundred first names, positions, one status
 * text...): each distinct text is kept once. Every row's copy of "employee" and "online" cost
 * 100,000-user directories tens of megabytes.
 */
const REPEATING = ['user_type', 'name', 'last_name', 'second_name', 'work_position', 'gender', 'birthday', 'color', 'status', 'website', 'personal_phone', 'photo', 'external_auth_id'] as const;

function interner(): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) => {
    const known = seen.get(text);
    if (known !== undefined) return known;
    seen.set(text, text);
    return text;
  };
}

function compact(row: UserRow, intern: (text: string) => string): UserRow {
  for (const column of REPEATING) {
    const value = row[column];
    if (typeof value === 'string') (row as Record<string, unknown>)[column] = intern(value);
  }
  // the lower-cased address is usually the address itself: one string for both
  if (row.email_key === row.email) row.email_key = row.email;
  return row;
}

/** These users (all of them without `ids`); an id missing from the answer no longer exists. */
export async function loadStoredUsers(db: Db, ids?: readonly number[]): Promise<Map<number, StoredUser>> {
  const out = new Map<number, StoredUser>();
  for (const part of ids ? chunks(ids) : [null]) {
    if (part && part.length === 0) continue;
    const [rows, links, absences, bots] = await Promise.all([
      (part ? db.selectFrom('users').selectAll().where('id', 'in', part) : db.selectFrom('users').selectAll()).orderBy('id').execute(),
      (part
        ? db.selectFrom('user_departments').select(['user_id', 'department_id']).where('user_id', 'in', part)
        : db.selectFrom('user_departments').select(['user_id', 'department_id'])
      )
        .orderBy('user_id')
        .orderBy('position')
        .orderBy('department_id')
        .execute(),
      (part
        ? db.selectFrom('absences').select(['user_id', 'date_from', 'date_to']).where('user_id', 'in', part)
        : db.selectFrom('absences').select(['user_id', 'date_from', 'date_to'])
      )
        .orderBy('id')
        .execute(),
      (part ? db.selectFrom('bots').selectAll().where('user_id', 'in', part) : db.selectFrom('bots').selectAll()).execute(),
    ]);
    const intern = interner();
    const linked = new Map<number, number[]>();
    for (const link of links) {
      const list = linked.get(link.user_id);
      if (list) list.push(link.department_id);
      else linked.set(link.user_id, [link.department_id]);
    }
    const absent = new Map<number, { date_from: string; date_to: string }[]>();
    for (const a of absences) {
      const list = absent.get(a.user_id);
      if (list) list.push({ date_from: a.date_from, date_to: a.date_to });
      else absent.set(a.user_id, [{ date_from: a.date_from, date_to: a.date_to }]);
    }
    // lists copied to their exact length: one grown by push keeps room for 17, which at
    // 100,000 users was 13 MB of slack
    for (const row of rows) {
      out.set(row.id, { row: compact(row, intern), departments: linked.get(row.id)?.slice() ?? [], absences: absent.get(row.id)?.slice() ?? NO_ABSENCES, bot: null });
    }
    for (const bot of bots) {
      const user = out.get(bot.user_id);
      if (user) user.bot = bot;
    }
  }
  return out;
}

/** These groups with their members (all of them without `ids`). */
export async function loadStoredGroups(db: Db, ids?: readonly number[]): Promise<{ groups: GroupRow[]; members: MemberRow[] }> {
  const groups: GroupRow[] = [];
  const members: MemberRow[] = [];
  for (const part of ids ? chunks(ids) : [null]) {
    if (part && part.length === 0) continue;
    const g = db.selectFrom('sonet_groups').selectAll();
    const m = db.selectFrom('sonet_group_members').selectAll();
    const [gs, ms] = await Promise.all([
      (part ? g.where('id', 'in', part) : g).orderBy('id').execute(),
      (part ? m.where('group_id', 'in', part) : m).orderBy('group_id').orderBy('user_id').execute(),
    ]);
    groups.push(...gs);
    members.push(...ms);
  }
  return { groups, members };
}

/** The groups these users belong to: what a change that removed a user from groups touched. */
export async function groupIdsOfUsers(db: Db, userIds: readonly number[]): Promise<number[]> {
  const out = new Set<number>();
  for (const part of chunks(userIds)) {
    if (part.length === 0) continue;
    for (const r of await db.selectFrom('sonet_group_members').select('group_id').where('user_id', 'in', part).execute()) out.add(r.group_id);
  }
  return [...out];
}

/** Webhooks nobody revoked (these ids only, with `ids`): what callers may authenticate with. */
export async function loadLiveWebhooks(db: Db, ids?: readonly number[]): Promise<WebhookRow[]> {
  const out: WebhookRow[] = [];
  for (const part of ids ? chunks(ids) : [null]) {
    if (part && part.length === 0) continue;
    const q = db.selectFrom('webhooks').selectAll().where('revoked_at', 'is', null);
    out.push(...(await (part ? q.where('id', 'in', part) : q).orderBy('id').execute()));
  }
  return out;
}

export { allDepartments, type DepartmentRow };
