/**
 * user.get / user.search over the read model: `listUsers` of src/store/user-list.ts with the same
 * fields, filters, order, paging and visibility, answered without a statement. The model holds
 * every column those methods filter, sort or show, so no request falls back to SQL.
 */
import { ONLINE_SECONDS, presentUserRow, type RowOptions, type UserField } from '../directory/user-row.js';
import { fieldsOf, NON_PEOPLE, USER_INSTANT_FIELDS, USER_TEXT_FIELDS, type UserListQuery } from '../store/user-list.js';
import type { UserRow } from '../store/users.js';
import { filterTest, isIdAscending, pageInOrder, pageOfRows, rowOrder, wellFormed, type FieldEval, type FieldEvalMap } from './list-eval.js';
import type { ReadModel, UserEntry } from './model.js';

const NOT_PEOPLE = new Set(NON_PEOPLE);

type TextColumn = (typeof USER_TEXT_FIELDS)[keyof typeof USER_TEXT_FIELDS];
type InstantColumn = (typeof USER_INSTANT_FIELDS)[keyof typeof USER_INSTANT_FIELDS];

/** Department names by id, for UF_DEPARTMENT_NAME (a link to a missing department has no name, as the SQL join has none). */
function departmentNames(model: ReadModel): Map<number, string> {
  return model.memo('user-query:department-names', () => new Map(model.departments().map((d) => [d.id, d.name])));
}

/** The mirror of `userFields`: every filterable and sortable user field as a test on model entries. */
export function userEvalFields(model: ReadModel, now: number, onlineSeconds: number): FieldEvalMap<UserEntry> {
  const text = (c: TextColumn): FieldEval<UserEntry> => ({ kind: 'text', value: (e) => e.row[c], order: (e) => e.row[c] });
  const instant = (c: InstantColumn): FieldEval<UserEntry> => ({ kind: 'instant', value: (e) => e.row[c], order: (e) => e.row[c] ?? 0 });
  const search: FieldEval<UserEntry> = {
    kind: 'search',
    custom: (condition) => {
      const found = model.usersMatching((condition.values[0] as string[]).map(wellFormed));
      return (e) => found.has(e.row.id);
    },
  };
  return {
    ID: { kind: 'int', value: (e) => e.row.id, order: (e) => e.row.id },
    ACTIVE: { kind: 'bool', value: (e) => e.row.active, order: (e) => e.row.active },
    ...fieldsOf(USER_TEXT_FIELDS, text),
    PERSONAL_GENDER: { kind: 'enum', value: (e) => e.row.gender, order: (e) => e.row.gender },
    USER_TYPE: { kind: 'enum', value: (e) => e.row.user_type, order: (e) => e.row.user_type },
    PERSONAL_BIRTHDAY: { kind: 'date', value: (e) => e.row.birthday, order: (e) => e.row.birthday ?? '' },
    ...fieldsOf(USER_INSTANT_FIELDS, instant),
    IS_ONLINE: {
      kind: 'enum',
      custom: (condition) => {
        // NULL activity is not online: `not(online)` reads the NULL comparison as false
        const since = now - onlineSeconds;
        const wanted = new Set(condition.values as string[]);
        const negate = condition.op === 'ne';
        return (e) => {
          const at = e.row.last_activity_at;
          const online = at !== null && at > since;
          return ((online && wanted.has('Y')) || (!online && wanted.has('N'))) !== negate;
        };
      },
      order: (e) => e.row.last_activity_at ?? 0,
    },
    UF_DEPARTMENT: { kind: 'int', many: (e) => e.departments },
    UF_DEPARTMENT_NAME: {
      kind: 'text',
      many: (e) => {
        const names = departmentNames(model);
        const out: string[] = [];
        for (const d of e.departments) {
          const name = names.get(d);
          if (name !== undefined) out.push(name);
        }
        return out;
      },
    },
    NAME_SEARCH: search,
    FIND: search,
  };
}

/** The people (not bots, connectors, ...) of this version of the model by ascending id, built once per version. */
function peopleOf(model: ReadModel): readonly UserEntry[] {
  return model.memo('user-query:people', () => {
    const people: UserEntry[] = [];
    for (const e of model.allUsers()) if (!NOT_PEOPLE.has(e.row.external_auth_id ?? '')) people.push(e);
    return people.sort((a, b) => a.row.id - b.row.id);
  });
}

/** One page of people the viewer may see, and their total when asked: `listUsers` from memory. */
export function listUsersInMemory(model: ReadModel, q: UserListQuery): { entries: UserEntry[]; total?: number } {
  // the fields only when a condition or an order needs them: the first page in id order does not
  let fields: FieldEvalMap<UserEntry> | undefined;
  const fieldsNow = () => (fields ??= userEvalFields(model, q.now, q.onlineSeconds));
  const people = peopleOf(model);
  const filter = q.conditions.length ? filterTest(q.conditions, fieldsNow()) : null;
  let test = filter;
  if (q.viewer.extranet) {
    const visible = model.visibility(q.viewer);
    test = filter ? (e) => visible(e.row.id) && filter(e) : (e) => visible(e.row.id);
  }
  if (!isIdAscending(q.sort)) {
    // no sorted copy is kept: any write would make it stale, and a page needs only its first rows
    const { rows, total } = pageInOrder(people, test, rowOrder(q.sort, fieldsNow(), (e) => e.row.id), q.offset, q.limit, q.count);
    return { entries: rows, total };
  }
  const { rows, total } = pageOfRows(people, test, q.offset, q.limit, q.count, firstAbove(people, q.conditions));
  return { entries: rows, total };
}

/**
 * In id order, where the rows a `>ID` / `>=ID` condition keeps begin (the SDKs' fast paging asks
 * `filter[>ID]=last` page after page): the rows before it fail that condition anyway.
 */
function firstAbove(people: readonly UserEntry[], conditions: UserListQuery['conditions']): number {
  let from = 0;
  for (const c of conditions) {
    if (c.field !== 'ID' || (c.op !== 'gt' && c.op !== 'ge')) continue;
    const bound = c.values[0] as number;
    let lo = 0;
    let hi = people.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const id = people[mid]!.row.id;
      if (c.op === 'gt' ? id <= bound : id < bound) lo = mid + 1;
      else hi = mid;
    }
    from = Math.max(from, lo);
  }
  return from;
}

/** user.get rows as UTF-8 JSON: `presentUserRow` once per user version and variant while the user is in the LRU. */
export function userRowsJson(model: ReadModel, entries: readonly UserEntry[], opts: RowOptions, fields: readonly UserField[]): Buffer[] {
  // everything a row depends on besides the user: the fields, the time zone, the base URL, and IS_ONLINE (from the clock)
  const variant = `row|${fields.join(',')}|${opts.timeZone}|${opts.baseUrl}|`;
  const since = opts.now - ONLINE_SECONDS;
  const out: Buffer[] = [];
  for (const e of entries) {
    const at = e.row.last_activity_at;
    const key = at !== null && at > since ? `${variant}Y` : `${variant}N`;
    let bytes = model.serialized(e, key);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(presentUserRow({ ...(e.row as UserRow), departments: e.departments }, opts, fields)));
      model.keepSerialized(e, key, bytes);
    }
    out.push(bytes);
  }
  return out;
}
