import {
  filterSource, PAGE_SIZE, readBoolean, readFilter, readSelect, readSort, standardPage, standardResult,
  type FilterSpec,
} from './list-params.js';
import { ONLINE_SECONDS, presentUserRow, USER_FIELD_LABELS, visibleUserFields, type UserField } from '../directory/user-row.js';
import { memoryReads, type CallContext } from '../rest/context.js';
import { argumentError, RestError } from '../rest/errors.js';
import type { Params } from '../rest/params.js';
import { RawJson } from '../rest/wire-map.js';
import type { MethodDefinition, MethodResult, ParamSpec } from '../rest/registry.js';
import { listUsers, userFields, userWithDepartments } from '../store/user-list.js';
import { listUsersInMemory, userRowsJson } from '../read/user-query.js';
import { clock } from '../clock.js';

/** Every user read is open to the full scope and to both reduced ones (user-scope.md). */
const grantedBy = ['user', 'user_basic', 'user_brief'];

/** Filters any user scope may use: they reveal nothing the brief fields do not show. */
const ALWAYS_FILTERABLE = new Set(['ID', 'ACTIVE', 'UF_DEPARTMENT', 'UF_DEPARTMENT_NAME', 'NAME_SEARCH', 'USER_TYPE', 'IS_ONLINE']);
/** user.search matches these from the start of the value, as upstream's "right LIKE". */
const SEARCH_PREFIX_FIELDS = new Set(['NAME', 'LAST_NAME', 'SECOND_NAME', 'WORK_POSITION', 'UF_DEPARTMENT_NAME']);

interface Access {
  visible: UserField[];
  filterable: Record<string, FilterSpec>;
  sortable: Set<string>;
}

/** What the credential's user scope lets the caller read, filter and sort by. */
function accessOf(ctx: CallContext, mode: 'get' | 'search'): Access {
  const scopes = ctx.caller.credential.scopes;
  const visible = visibleUserFields(scopes);
  const full = scopes.has('user');
  const fields = userFields(ctx.app.store.dialect, ONLINE_SECONDS);
  const filterable: Record<string, FilterSpec> = {};
  const sortable = new Set<string>();
  for (const [name, field] of Object.entries(fields)) {
    if (name === 'FIND' && mode !== 'search') continue;
    const readable = full || ALWAYS_FILTERABLE.has(name) || name === 'FIND' || (visible as string[]).includes(name);
    if (!readable) continue;
    filterable[name] = { kind: field.kind, enumValues: field.enumValues };
    if (field.order) sortable.add(name);
  }
  return { visible, filterable, sortable };
}

const IMAGE_SIZES = new Set(['small', 'medium', 'large']);

async function listMethod(ctx: CallContext, p: Params, mode: 'get' | 'search'): Promise<MethodResult> {
  const access = accessOf(ctx, mode);
  readBoolean(p, 'ADMIN_MODE'); // validated only: what a caller sees never depends on it
  const resize = p.IMAGE_RESIZE;
  if (resize !== undefined && resize !== null && resize !== '' && !(typeof resize === 'string' && IMAGE_SIZES.has(resize.toLowerCase()))) {
    throw argumentError('IMAGE_RESIZE', 'IMAGE_RESIZE must be small, medium or large');
  }
  const selectKey = p.select !== undefined ? 'select' : 'SELECT';
  const select = readSelect(p[selectKey], access.visible, selectKey);
  const sort = readSort(
    {
      sort: p.sort ?? p.SORT,
      order: p.order ?? p.ORDER,
      sortArgument: p.sort !== undefined ? 'sort' : 'SORT',
      orderArgument: p.order !== undefined ? 'order' : 'ORDER',
    },
    access.sortable,
    [{ field: 'ID', desc: false }],
  );
  const conditions = readFilter(filterSource(p, p), {
    fields: access.filterable,
    textDefault: (field) => (mode === 'search' && SEARCH_PREFIX_FIELDS.has(field) ? 'prefix' : 'pattern'),
    maxValues: ctx.app.config.maxIds,
    timeZone: ctx.app.config.timezone,
  });
  const page = standardPage(ctx.start);
  const now = clock.unix();
  const query = { viewer: ctx.caller.viewer, conditions, sort, offset: page.offset, limit: PAGE_SIZE, count: page.count, now, onlineSeconds: ONLINE_SECONDS };
  // the id stays even when `select` leaves it out: the fast paging of every SDK reads it
  const fields = select ? access.visible.filter((f) => f === 'ID' || select.has(f)) : access.visible;
  const opts = { timeZone: ctx.app.config.timezone, baseUrl: ctx.baseUrl, now };
  const model = memoryReads(ctx);
  if (model) {
    const { entries, total } = listUsersInMemory(model, query);
    ctx.budget.takeUsers(entries.length);
    // rows serialized once per user version: copied into the answer as they are
    const rows = userRowsJson(model, entries, opts, fields).map((bytes) => new RawJson(bytes));
    return standardResult(rows, page, total);
  }
  const { rows, total } = await listUsers(ctx.app.store.db, ctx.app.store.dialect, query);
  ctx.budget.takeUsers(rows.length);
  return standardResult(rows.map((r) => presentUserRow(r, opts, fields)), page, total);
}

const LIST_DIFFERENCES = [
  'The filter is `filter`, else `FILTER`, merged over bare top-level keys; `filter` wins when both are sent (b24jssdk #483).',
  'A filter key naming no known field is ignored, as upstream. Fields Roster does not store (PERSONAL_CITY, UF_SKYPE, ...) are neither returned nor filterable.',
  'A malformed filter value (`ID: "abc"`, a nested list, a 300-character name, an unknown USER_TYPE) is ERROR_ARGUMENT naming the key; upstream silently returns nothing or ignores it.',
  'Operators `><`, `!><` and `?` are ERROR_ARGUMENT; `>`/`<` compare numbers and dates only.',
  '`%FIELD` matches `%`, `_` and `\\` literally; a plain text key treats the `%` it contains as a wildcard (`NAME: "Iva%"`). Text matching ignores case in every alphabet, the same on both engines.',
  'An unknown `sort` field or an `order` other than ASC/DESC is ERROR_ARGUMENT (upstream sorts by ID).',
  '`start=N` returns rows N..N+49 for any N (upstream rounds down to a page of 50); any negative `start` is the uncounted fast mode.',
  '`LAST_LOGIN` is the last activity (no separate sign-in time is kept); `TIME_ZONE` and `UF_EMPLOYMENT_DATE` are always empty.',
  '`ID` is returned even when `select` leaves it out. `ADMIN_MODE` is validated and has no effect; `IMAGE_RESIZE` is ignored (photos are URLs).',
];

/** What user.get and user.search read besides the filter fields given flat. */
const LIST_PARAMS: ParamSpec[] = [
  {
    name: 'filter',
    aliases: ['FILTER'],
    type: 'object',
    description: 'Conditions on the user fields (ID, ACTIVE, NAME, LAST_NAME, EMAIL, UF_DEPARTMENT, USER_TYPE, IS_ONLINE, ...) with operators (`>ID`, `!ACTIVE`, `%NAME`, `@UF_DEPARTMENT`); the same keys may also be given flat; `filter` wins over `FILTER`',
    example: { ACTIVE: 'Y', UF_DEPARTMENT: 3 },
  },
  { name: 'sort', aliases: ['SORT'], type: 'string', description: 'Field to sort by (ID by default)', example: 'LAST_NAME' },
  { name: 'order', aliases: ['ORDER'], type: 'string', description: 'ASC or DESC for `sort`, or an object {FIELD: ASC|DESC} of up to 5 fields', example: 'ASC' },
  { name: 'select', aliases: ['SELECT'], type: 'string[]', description: 'Fields to return (`*` all, `UF_*` the UF_ ones); ID always comes', example: ['ID', 'NAME', 'LAST_NAME'] },
  { name: 'ADMIN_MODE', type: 'bool', description: 'Validated only: what a caller sees never depends on it', example: false },
  { name: 'IMAGE_RESIZE', type: 'enum', values: ['small', 'medium', 'large'], description: 'Accepted and ignored: photos are URLs', example: 'small' },
];

export const userReadMethods: MethodDefinition[] = [
  {
    name: 'user.get',
    scope: 'user',
    grantedBy,
    list: 'standard',
    summary: 'People (not bots) by filter, 50 per page; fields depend on the user scope granted',
    differences: LIST_DIFFERENCES,
    params: LIST_PARAMS,
    handler: (ctx, p) => listMethod(ctx, p, 'get'),
  },
  {
    name: 'user.search',
    scope: 'user',
    grantedBy,
    list: 'standard',
    summary: 'user.get with FIND (word-prefix search in names, position and department names) and prefix matching of name fields',
    differences: [
      'FIND matches the start of words (no full-text index) and may be combined with the other filter fields; upstream documents them as exclusive.',
      'An empty FIND is ERROR_ARGUMENT.',
      ...LIST_DIFFERENCES,
    ],
    params: [
      {
        name: 'FIND',
        type: 'string',
        description: 'Words that must each start a word of the name, position or a department name; flat or inside `filter`',
        example: 'Schn',
      },
      ...LIST_PARAMS,
    ],
    handler: (ctx, p) => listMethod(ctx, p, 'search'),
  },
  {
    name: 'user.current',
    scope: 'user',
    grantedBy,
    list: 'none',
    summary: 'The calling user as a user.get row',
    differences: ['`LAST_LOGIN` is the last activity; `TIME_ZONE` and `UF_EMPLOYMENT_DATE` are always empty.'],
    params: [],
    handler: async (ctx) => {
      // from the read model when it holds the caller (one just added elsewhere may not be there yet)
      const entry = memoryReads(ctx)?.user(ctx.caller.user.id);
      const row = entry ? { ...entry.row, departments: entry.departments } : await userWithDepartments(ctx.app.store.db, ctx.caller.user.id);
      // the caller was just authenticated; a concurrent delete is the only way to get here
      if (!row) throw new RestError('NO_AUTH_FOUND');
      const opts = { timeZone: ctx.app.config.timezone, baseUrl: ctx.baseUrl, now: clock.unix() };
      return { result: presentUserRow(row, opts, visibleUserFields(ctx.caller.credential.scopes)) };
    },
  },
  {
    name: 'user.fields',
    scope: 'user',
    grantedBy,
    list: 'none',
    summary: 'Names and labels of the user fields the caller\'s scope can read',
    differences: ['Lists only the fields Roster returns, not every field of upstream\'s user table.'],
    params: [],
    handler: (ctx) => {
      const result: Record<string, string> = {};
      for (const f of visibleUserFields(ctx.caller.credential.scopes)) result[f] = USER_FIELD_LABELS[f];
      return { result };
    },
  },
];
