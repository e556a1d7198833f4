/**
 * user.get / user.search over the read model: `listUsers` of src/store/user-list.ts with the same
 * fields, filters, order, paging and visibility, answered without a statement. The model holds
 * every column those methods filter, sort or show, so no request falls back to SQL.
 */
import type { SortKey } from '../store/list-query.js';
import { NON_PEOPLE, type UserListQuery, type UserListRow } from '../store/user-list.js';
import type { UserRow } from '../store/users.js';
import { filterTest, isIdAscending, pageOfRows, rowOrder, wellFormed, type FieldEval, type FieldEvalMap } from './list-eval.js';
import type { ReadModel, UserEntry } from './model.js';

const NOT_PEOPLE = new Set(NON_PEOPLE);

type TextColumn = 'name' | 'last_name' | 'second_name' | 'email' | 'login' | 'work_position' | 'website' | 'personal_mobile' | 'personal_phone' | 'work_phone';
type InstantColumn = 'date_register' | 'timestamp_x' | 'last_activity_at';

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
    NAME: text('name'),
    LAST_NAME: text('last_name'),
    SECOND_NAME: text('second_name'),
    EMAIL: text('email'),
    LOGIN: text('login'),
    WORK_POSITION: text('work_position'),
    PERSONAL_WWW: text('website'),
    PERSONAL_MOBILE: text('personal_mobile'),
    PERSONAL_PHONE: text('personal_phone'),
    WORK_PHONE: text('work_phone'),
    PERSONAL_GENDER: { kind: 'enum', value: (e) => e.row.gender, order: (e) => e.row.gender },
    USER_TYPE: { kind: 'enum', value: (e) => e.row.user_type, order: (e) => e.row.user_type },
    PERSONAL_BIRTHDAY: { kind: 'date', value: (e) => e.row.birthday, order: (e) => e.row.birthday ?? '' },
    DATE_REGISTER: instant('date_register'),
    TIMESTAMP_X: instant('timestamp_x'),
    LAST_ACTIVITY_DATE: instant('last_activity_at'),
    LAST_LOGIN: instant('last_activity_at'),
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

/** The people (not bots, connectors, ...) of this version of the model in the order asked for, built once per order. */
function peopleIn(model: ReadModel, sort: readonly SortKey[], fields: FieldEvalMap<UserEntry>): readonly UserEntry[] {
  const byId = model.memo('user-query:people', () => {
    const people: UserEntry[] = [];
    for (const e of model.allUsers()) if (!NOT_PEOPLE.has(e.row.external_auth_id ?? '')) people.push(e);
    return people.sort((a, b) => a.row.id - b.row.id);
  });
  if (isIdAscending(sort)) return byId;
  const key = `user-query:order:${sort.map((k) => `${k.field}${k.desc ? '-' : '+'}`).join(',')}`;
  return model.memo(key, () => [...byId].sort(rowOrder(sort, fields, (e) => e.row.id)));
}

/** One page of people the viewer may see, and their total when asked: `listUsers` from memory. */
export function listUsersInMemory(model: ReadModel, q: UserListQuery): { rows: UserListRow[]; total?: number } {
  const fields = userEvalFields(model, q.now, q.onlineSeconds);
  const people = peopleIn(model, q.sort, fields);
  const filter = filterTest(q.conditions, fields);
  let test = filter;
  if (q.viewer.extranet) {
    const visible = model.visibility(q.viewer);
    test = filter ? (e) => visible(e.row.id) && filter(e) : (e) => visible(e.row.id);
  }
  const { rows, total } = pageOfRows(people, test, q.offset, q.limit, q.count);
  return { rows: rows.map((e): UserListRow => ({ ...(e.row as UserRow), departments: e.departments })), total };
}
