/**
 * The web console's directory (People): the whole directory searched with the word rule of
 * im.search.user.list, filtered, sorted and paged in one place, so that filters narrow the whole
 * result rather than the page that came back. This is the SQL path (`--reads sql`, and the
 * reference the read model's src/read/people.ts is tested against).
 *
 * Who is in it: every user the viewer may see except the technical accounts im.search.user.list
 * never shows (UNSEARCHABLE_AUTH_IDS: e-mail, open-line, replica users, ...): people, extranet
 * users and bots, active or not, as the filters choose.
 */
import { sql, type ExpressionBuilder } from 'kysely';
import { OUTSIDE_KINDS } from '../facts.js';
import type { Db, Dialect } from './index.js';
import { textOrder } from './list-query.js';
import type { Database } from './schema.js';
import { pageOfIds, UNSEARCHABLE_AUTH_IDS, wordMatches } from './search.js';
import { visibleTo, type Viewer } from './visibility.js';

export const PEOPLE_KINDS = ['all', 'employees', 'extranet', 'bots'] as const;
export type PeopleKind = (typeof PEOPLE_KINDS)[number];
export const PEOPLE_STATES = ['active', 'inactive', 'all'] as const;
export type PeopleState = (typeof PEOPLE_STATES)[number];
/** Sort keys: a text column in byte (code point) order as user.get sorts, then the id ascending. */
export const PEOPLE_SORTS = ['LAST_NAME', 'WORK_POSITION', 'ID'] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];

export interface PeopleQuery {
  /** every word must match (the rule of im.search.user.list); none: everyone */
  words: readonly string[];
  /** members of this department (not of the ones below it) */
  department: number | null;
  kind: PeopleKind;
  active: PeopleState;
  sort: PeopleSort;
  desc: boolean;
  offset: number;
  limit: number;
}

/** The column of a text sort key. */
export const SORT_COLUMNS = { LAST_NAME: 'last_name', WORK_POSITION: 'work_position' } as const;

/** One page of the console's directory: the ids in order, and how many match in all. */
export async function findPeople(db: Db, dialect: Dialect, viewer: Viewer, q: PeopleQuery): Promise<{ total: number; ids: number[] }> {
  const bot = sql<string>`COALESCE(${sql.ref('users.external_auth_id')}, '')`;
  const filter = (eb: ExpressionBuilder<Database, 'users'>) =>
    eb.and([
      eb.or([eb('users.external_auth_id', 'is', null), eb('users.external_auth_id', 'not in', [...UNSEARCHABLE_AUTH_IDS])]),
      visibleTo(viewer)(eb),
      ...(q.active === 'all' ? [] : [eb('users.active', '=', q.active === 'active' ? 1 : 0)]),
      ...(q.kind === 'bots' ? [eb(bot, '=', 'bot')] : []),
      ...(q.kind === 'extranet' ? [eb('users.user_type', 'in', [...OUTSIDE_KINDS])] : []),
      ...(q.kind === 'employees' ? [eb(bot, '<>', 'bot'), eb('users.user_type', 'not in', [...OUTSIDE_KINDS])] : []),
      ...(q.department === null
        ? []
        : [eb('users.id', 'in', eb.selectFrom('user_departments').select('user_departments.user_id').where('user_departments.department_id', '=', q.department))]),
      ...q.words.map((word) => wordMatches(eb, dialect, word)),
    ]);
  const direction = q.desc ? sql.raw('DESC') : sql.raw('ASC');
  return pageOfIds(
    db,
    filter,
    (query) =>
      q.sort === 'ID'
        ? query.orderBy(sql`${sql.ref('users.id')} ${direction}`)
        : query.orderBy(sql`${textOrder(sql.ref(`users.${SORT_COLUMNS[q.sort]}`), dialect)} ${direction}`).orderBy('users.id'),
    q.offset,
    q.limit,
  );
}
