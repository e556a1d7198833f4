/**
 * The user search of im.search.user.list, paged in the database. Matching is literal and
 * ignores case for every alphabet on both engines without a stored lower-cased copy: each
 * search word becomes a pattern that lists the case variants of its letters (see
 * directory/case-fold.ts), run with SQLite's GLOB or PostgreSQL's case-sensitive `~`. Neither
 * depends on the engine's locale, and neither treats `%`, `_` or `\` specially once escaped.
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import { caseVariants } from '../directory/case-fold.js';
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

/** `text` has a word starting with `word`, ignoring case, every character taken literally. */
export function startsWord(dialect: Dialect, text: Expression<unknown>, word: string): RawBuilder<SqlBool> {
  return dialect === 'postgres'
    ? sql<SqlBool>`(${text} ~ ${regexWordPrefix(word)})`
    : sql<SqlBool>`((' ' || ${text}) GLOB ${globWordPrefix(word)})`;
}

const NAME_COLUMNS = ['users.name', 'users.last_name', 'users.second_name', 'users.work_position'] as const;

/** One search word: the user's id, a word of a name or position, or a word of one of their departments' names. */
function wordMatches(eb: ExpressionBuilder<Database, 'users'>, dialect: Dialect, word: string): Expression<SqlBool> {
  const options: Expression<SqlBool>[] = NAME_COLUMNS.map((column) => startsWord(dialect, sql.ref(column), word));
  options.push(
    eb.exists(
      eb
        .selectFrom('user_departments as ud')
        .innerJoin('departments as d', 'd.id', 'ud.department_id')
        .select(sql.lit(1).as('one'))
        .whereRef('ud.user_id', '=', 'users.id')
        .where(startsWord(dialect, sql.ref('d.name'), word)),
    ),
  );
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
 * page of ids. Two statements whatever the page size. Extranet users are left out for intranet
 * viewers inside the query, so the total counts exactly what can be paged through.
 */
export async function searchUsers(db: Db, dialect: Dialect, search: UserSearch): Promise<{ total: number; ids: number[] }> {
  const filter = (eb: ExpressionBuilder<Database, 'users'>) =>
    eb.and([
      eb('users.active', '=', 1),
      eb.or([eb('users.external_auth_id', 'is', null), eb('users.external_auth_id', 'not in', [...UNSEARCHABLE_AUTH_IDS])]),
      ...(search.viewer.extranet ? [] : [eb('users.user_type', 'not in', ['extranet', 'collaber'])]),
      visibleTo(search.viewer)(eb),
      ...search.words.map((word) => wordMatches(eb, dialect, word)),
    ]);
  const counted = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(filter)
    .executeTakeFirstOrThrow();
  const total = Number(counted.n);
  if (search.offset >= total) return { total, ids: [] };
  const rows = await db
    .selectFrom('users')
    .select('users.id')
    .where(filter)
    .orderBy('users.id')
    .limit(search.limit)
    .offset(search.offset)
    .execute();
  return { total, ids: rows.map((r) => r.id) };
}
