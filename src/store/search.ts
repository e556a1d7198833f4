/**
 * The user search of im.search.user.list, paged in the database. Matching is literal and
 * ignores case for every alphabet on both engines without a stored lower-cased copy: each
 * search word becomes a pattern that lists the case variants of its letters (see
 * directory/case-fold.ts), run with SQLite's GLOB or PostgreSQL's case-sensitive `~`. Neither
 * depends on the engine's locale, and neither treats `%`, `_` or `\` specially once escaped.
 * On SQLite an escaped LIKE runs first as a cheap filter that never drops a real match.
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { OUTSIDE_KINDS } from '../facts.js';
import { caseVariants } from './case-fold.js';
import type { Dialect, Db } from './index.js';
import type { Database } from './schema.js';
import { isStorableId } from './users.js';
import { visibleTo, type Viewer } from './visibility.js';

/** Upstream's external user types (`UserTable::getExternalUserTypes`) except `bot`: never searchable. */
export const UNSEARCHABLE_AUTH_IDS = [
  'email', '__controller', 'replica', 'imconnector', 'sale', 'saleanonymous', 'shop', 'call',
  'document_editor', 'calendar_sharing', 'im_guest', 'rest_system',
] as const;

/** Characters after which a new word starts (besides the start of the text). */
export const WORD_SEPARATORS = ' \t\r\n(/.,\'"-';

/** SQLite GLOB: `*[seps]` then the word, over `' ' || text`, so the text's start counts as a separator. */
export function globWordPrefix(word: string): string {
  let out = `*[${WORD_SEPARATORS}]`; // '-' last: literal, not a range
  for (const ch of word) {
    const variants = caseVariants(ch);
    if (variants.length > 1) out += `[${variants.join('')}]`;
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return `${out}*`;
}

/** PostgreSQL advanced regular expression for the same test, used with the case-sensitive `~`. */
export function regexWordPrefix(word: string): string {
  let out = `(^|[${WORD_SEPARATORS}])`;
  for (const ch of word) {
    const variants = caseVariants(ch);
    if (variants.length > 1) out += `[${variants.join('')}]`;
    // a backslash before any other ASCII punctuation makes it literal; letters and digits need none
    else if (ch.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/**
 * An SQLite LIKE pattern (escape character `\`) that every text the GLOB matches also matches:
 * the word anywhere, ASCII letters as themselves (LIKE folds ASCII case), letters with non-ASCII
 * case variants (`ü`, but also `k`, whose variants include the Kelvin sign) as `_`.
 */
export function likePrefilter(word: string): string {
  let out = '%';
  for (const ch of word) {
    const variants = caseVariants(ch);
    if (ch === '%' || ch === '_' || ch === '\\') out += `\\${ch}`;
    else if (variants.length === 1 || variants.every((v) => v.charCodeAt(0) < 0x80)) out += ch;
    else out += '_';
  }
  return `${out}%`;
}

/**
 * `text` has a word starting with `word`, ignoring case, every character taken literally. On
 * SQLite a LIKE runs first: it is several times faster than a GLOB that starts with `*[`, and
 * drops most rows for words with ASCII letters. PostgreSQL's ILIKE costs about what the regular
 * expression does, so there the expression runs alone.
 */
export function startsWord(dialect: Dialect, text: Expression<unknown>, word: string): RawBuilder<SqlBool> {
  if (dialect === 'postgres') return sql<SqlBool>`(${text} ~ ${regexWordPrefix(word)})`;
  // the escape character travels as a parameter: no string-literal escaping rules to depend on
  return sql<SqlBool>`(${text} LIKE ${likePrefilter(word)} ESCAPE ${'\\'} AND (' ' || ${text}) GLOB ${globWordPrefix(word)})`;
}

/**
 * The searchable fields of a user as one text. Words never hold white space and the fields are
 * joined by a space, so a word matches this text exactly when it matches one of the fields, and
 * each row is tested once per word rather than once per field.
 */
const userText = sql<string>`(${sql.ref('users.name')} || ' ' || ${sql.ref('users.last_name')} || ' ' || ${sql.ref('users.second_name')} || ' ' || ${sql.ref('users.work_position')})`;

/** One search word: a word of the user's names or position, a word of one of their departments' names, or their id. */
export function wordMatches(eb: ExpressionBuilder<Database, 'users'>, dialect: Dialect, word: string): Expression<SqlBool> {
  const options: Expression<SqlBool>[] = [
    startsWord(dialect, userText, word),
    // not correlated: the few departments are matched once per query, not once per user
    eb(
      'users.id',
      'in',
      eb
        .selectFrom('user_departments as ud')
        .innerJoin('departments as d', 'd.id', 'ud.department_id')
        .select('ud.user_id')
        .where(startsWord(dialect, sql.ref('d.name'), word)),
    ),
  ];
  if (/^\d+$/.test(word) && isStorableId(Number(word))) options.push(eb('users.id', '=', Number(word)));
  return eb.or(options);
}

export interface UserSearch {
  /** every word must match (AND) */
  words: readonly string[];
  viewer: Viewer;
  offset: number;
  limit: number;
}

/**
 * Active, searchable users visible to the viewer that match every word, by id: the total and one
 * page of ids, from one statement (a second one only to count when the page is past the end).
 * Extranet users are left out for intranet viewers inside the query, so the total counts exactly
 * what can be paged through.
 */
export async function searchUsers(db: Db, dialect: Dialect, search: UserSearch): Promise<{ total: number; ids: number[] }> {
  const filter = (eb: ExpressionBuilder<Database, 'users'>) =>
    eb.and([
      eb('users.active', '=', 1),
      eb.or([eb('users.external_auth_id', 'is', null), eb('users.external_auth_id', 'not in', [...UNSEARCHABLE_AUTH_IDS])]),
      ...(search.viewer.extranet ? [] : [eb('users.user_type', 'not in', [...OUTSIDE_KINDS])]),
      visibleTo(search.viewer)(eb),
      ...search.words.map((word) => wordMatches(eb, dialect, word)),
    ]);
  return pageOfIds(db, filter, (q) => q.orderBy('users.id'), search.offset, search.limit);
}

type UserFilter = (eb: ExpressionBuilder<Database, 'users'>) => Expression<SqlBool>;
type UserQuery = SelectQueryBuilder<Database, 'users', { id: number; total: number }>;

/**
 * One page of the ids of the users the filter takes, in the order `order` gives, and how many
 * it takes in all: one statement (the total is a window count), and a second one to count only
 * when the page is past the end.
 */
export async function pageOfIds(db: Db, filter: UserFilter, order: (q: UserQuery) => UserQuery, offset: number, limit: number): Promise<{ total: number; ids: number[] }> {
  const rows = await order(db.selectFrom('users').select((eb) => ['users.id', eb.fn.countAll<number>().over().as('total')]).where(filter))
    .limit(limit)
    .offset(offset)
    .execute();
  if (rows.length > 0) return { total: Number(rows[0]!.total), ids: rows.map((r) => r.id) };
  if (offset === 0) return { total: 0, ids: [] };
  const counted = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(filter)
    .executeTakeFirstOrThrow();
  return { total: Number(counted.n), ids: [] };
}
