import { matchDepartments } from '../directory/department-object.js';
import { DepartmentTree } from '../directory/tree.js';
import { memoryReads, type CallContext } from '../rest/context.js';
import { RestError } from '../rest/errors.js';
import { hasValue, isYes, readOffsetLimit, readString, type Params } from '../rest/params.js';
import { OFFSET_LIMIT, type MethodDefinition, type MethodResult } from '../rest/registry.js';
import { WireMap } from '../rest/wire-map.js';
import { allDepartments } from '../store/departments.js';
import { searchUsers } from '../store/search.js';
import { seesStructure } from '../store/visibility.js';
import { imDepartments, pageOf, USER_DATA } from './im-department.js';
import { AVATAR_HR, imUsersById } from './im-user.js';

/** Longest FIND accepted: a search phrase, not a document. */
export const FIND_MAX = 255;

/** FIND must be given (an empty string counts as given, as upstream's isset); lists are refused. */
function readFind(p: Params): string {
  if (!hasValue(p, 'FIND')) throw new RestError('FIND_SHORT');
  return readString(p, 'FIND', { max: FIND_MAX })!;
}

/** The words of a user search: split on white space, control characters count as spaces. */
export function searchWords(find: string): string[] {
  const text = find.replace(/\p{Cc}/gu, ' ').trim();
  if ([...text].length < 2) throw new RestError('FIND_SHORT');
  return [...new Set(text.split(/\s+/u))];
}

const userSearch: MethodDefinition = {
  name: 'im.search.user.list',
  scope: 'im',
  list: 'offset',
  upperParams: true,
  summary:
    'Active users (bots included) matching every word of FIND by a word prefix of their name, last or second name, position or department name, or by id; keyed by id, ordered by id',
  differences: [
    'Extranet users are left out for intranet callers inside the query, so `total` counts exactly the rows one can page through; upstream drops them from each page after counting, leaving short pages and a `total` too high.',
    'Extranet callers find themselves and the members of their groups, extranet ones included; upstream drops every extranet user.',
    'Results are the full user object of im.user.get (with `active`, `desktop_last_date`, `bot_data`, `type`, `website`, `email`; `birthday` "" when unknown), not upstream\'s reduced one; `last_activity_date` and `mobile_last_date` are not swapped as upstream swaps them; `avatar_hr` with AVATAR_HR=Y is the URL, not null.',
    'Matching ignores case for every alphabet and takes `%`, `_` and `\\` literally; a word matches at the start of a field or after a space or punctuation; a word of digits matches the user with exactly that id.',
    'FIND shorter than 2 characters after trimming is FIND_SHORT (the documented minimum); upstream\'s full-text index wants 3 per word. FIND as a list, or longer than 255 characters, is ERROR_ARGUMENT; upstream fails with a 500.',
    '`LIMIT` below 1 means the default 10 (upstream: 50). Rows are ordered by id explicitly. BUSINESS is accepted and ignored: there are no licence limits.',
  ],
  params: [
    {
      name: 'FIND',
      type: 'string',
      required: true,
      description: 'Words to find (at least 2 characters): each must start a word of a name, last or second name, position or department name, or be the user\'s id',
      example: 'Oli',
    },
    ...OFFSET_LIMIT,
    AVATAR_HR,
  ],
  handler: async (ctx: CallContext, p: Params): Promise<MethodResult> => {
    const words = searchWords(readFind(p));
    const { offset, limit } = readOffsetLimit(p, ctx.start);
    const model = memoryReads(ctx);
    let total: number;
    let ids: number[];
    if (model) {
      const all = model.searchUsers(words, ctx.caller.viewer);
      total = all.length;
      ids = all.slice(offset, offset + limit);
    } else {
      const { db, dialect } = ctx.app.store;
      ({ total, ids } = await searchUsers(db, dialect, { words, viewer: ctx.caller.viewer, offset, limit }));
    }
    const users = await imUsersById(ctx, ids, isYes(p.AVATAR_HR));
    const result = new WireMap();
    users.forEach((user, i) => {
      if (user) result.set(ids[i]!, user);
    });
    const next = offset + result.size;
    return { result, total, ...(next < total ? { next } : {}) };
  },
};

const departmentSearch: MethodDefinition = {
  name: 'im.search.department.list',
  scope: 'im',
  list: 'offset',
  upperParams: true,
  summary:
    'Departments whose full name starts with FIND or holds it after a space, ignoring case (FIND of 0 or 1 characters: all), in structure order; USER_DATA=Y adds manager_user_data',
  differences: [
    '`next` is offset + returned; upstream ignores the offset (`next` is the page size), which loops clients.',
    '`LIMIT` below 1 means the default 10; upstream returns an empty page.',
    '`manager_user_data` of a department without a head is `null`; upstream puts the caller\'s own user object there.',
    'FIND as a list, or longer than 255 characters, is ERROR_ARGUMENT; upstream fails with a 500.',
  ],
  params: [
    {
      name: 'FIND',
      type: 'string',
      required: true,
      description: 'Text the department\'s full name starts with, or holds after a space, ignoring case; 0 or 1 characters: every department',
      example: 'Sales',
    },
    ...OFFSET_LIMIT,
    { ...USER_DATA, description: 'Y adds `manager_user_data`, the head\'s user object' },
  ],
  handler: async (ctx: CallContext, p: Params): Promise<MethodResult> => {
    const find = readFind(p);
    const { offset, limit } = readOffsetLimit(p, ctx.start);
    // upstream's structure is empty for an extranet user: an empty list rather than an error (visibility.ts)
    if (!seesStructure(ctx.caller.viewer)) return { result: [], total: 0 };
    const model = memoryReads(ctx);
    const tree = model ? model.tree() : new DepartmentTree(await allDepartments(ctx.app.store.db));
    const { page, total, next } = pageOf(matchDepartments(tree, find), offset, limit);
    return { result: await imDepartments(ctx, page, tree, isYes(p.USER_DATA)), total, next };
  },
};

export const imSearchMethods: MethodDefinition[] = [
  userSearch,
  { ...userSearch, name: 'im.search.user', summary: 'Private alias of im.search.user.list, registered by upstream under this name too' },
  departmentSearch,
  {
    ...departmentSearch,
    name: 'im.search.department',
    summary: 'Private alias of im.search.department.list, registered by upstream under this name too',
  },
];
