import { colleagueIds } from '../directory/colleagues.js';
import { presentImDepartment, type ImDepartment } from '../directory/department-object.js';
import { DepartmentTree } from '../directory/tree.js';
import type { ImUser } from '../directory/user-object.js';
import { memoryReads, type CallContext } from '../rest/context.js';
import { isYes, readIdList, readOffsetLimit, type Params } from '../rest/params.js';
import { OFFSET_LIMIT, type MethodDefinition, type MethodResult, type ParamSpec } from '../rest/registry.js';
import { RawJson, WireMap } from '../rest/wire-map.js';
import { activeMembers, allDepartments, someActiveMemberIds, type DepartmentRow } from '../store/departments.js';
import { requireIntranet } from './access.js';
import { imUsersById } from './im-user.js';

/** One OFFSET/LIMIT page of an ordered id list: `total` always, `next` while rows remain. */
export function pageOf<T>(items: readonly T[], offset: number, limit: number): { page: T[]; total: number; next?: number } {
  const page = items.slice(offset, offset + limit);
  const next = offset + page.length;
  return { page, total: items.length, ...(next < items.length ? { next } : {}) };
}

/** User objects keyed by id for the ids that exist and that the caller may see: one bulk load. */
export async function imUserMap(ctx: CallContext, ids: readonly number[]): Promise<Map<number, ImUser | RawJson>> {
  const unique = [...new Set(ids)];
  const users = await imUsersById(ctx, unique, false);
  const out = new Map<number, ImUser | RawJson>();
  unique.forEach((id, i) => {
    const user = users[i];
    if (user) out.set(id, user);
  });
  return out;
}

/** Department objects for rows already in structure order; with USER_DATA the heads in one load. */
export async function imDepartments(
  ctx: CallContext,
  rows: readonly DepartmentRow[],
  tree: DepartmentTree,
  userData: boolean,
): Promise<ImDepartment<ImUser | RawJson>[]> {
  const managers = userData ? await imUserMap(ctx, rows.flatMap((d) => (d.head_id ? [d.head_id] : []))) : undefined;
  return rows.map((d) => presentImDepartment(d, tree, managers));
}

/** managers.get and employees.get read ID like upstream's json_decode-first parser, ID_EMPTY when nothing is left. */
function departmentIds(ctx: CallContext, p: Params): number[] {
  return readIdList(p.ID, { max: ctx.app.config.maxIds, emptyCode: 'ID_EMPTY', emptyMessage: 'Department ID can\'t be empty' });
}

/** The requested departments that exist, in request order: the order the result maps keep. */
async function existing(ctx: CallContext, ids: readonly number[]): Promise<DepartmentRow[]> {
  const model = memoryReads(ctx);
  const byId = model ? model.tree().byId : new Map((await allDepartments(ctx.app.store.db)).map((d) => [d.id, d]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Departments whose members employees.get reads per statement. Each list keeps its order (by
 * user id) whatever the slices; about 2,000 memberships per statement in a company of 20,000
 * users in 500 departments.
 */
const DEPARTMENTS_PER_READ = 50;

/**
 * How many distinct ids the lists hold, once that is more than `allowance` (counting stops one
 * past it), else null: the budget refuses 500 departments of 20,000 members after a thousand ids,
 * where a set of all of them held the event loop 15–20 ms per command of the audit's batch.
 */
function distinctPast(lists: ReadonlyMap<number, readonly number[]>, allowance: number): number | null {
  let total = 0;
  for (const list of lists.values()) total += list.length;
  if (total <= allowance) return null;
  const seen = new Set<number>();
  for (const list of lists.values()) {
    for (const id of list) {
      seen.add(id);
      if (seen.size > allowance) return seen.size;
    }
  }
  return null;
}

/** USER_DATA of the methods that can answer user objects instead of ids. */
export const USER_DATA: ParamSpec = { name: 'USER_DATA', type: 'Y/N', description: 'Y: user objects (as im.user.get gives them) instead of ids', example: 'Y' };

/** ID of the methods that take a list of departments. */
const DEPARTMENT_IDS: ParamSpec = {
  name: 'ID',
  type: 'int[]',
  required: true,
  description: 'Department ids: a list, a bracket array or a string holding one ("[1,2]"); ids that do not exist are left out',
  example: [1, 2],
};

const ACCESS = 'Extranet users and bots get ACCESS_ERROR (403) before any parameter is read.';

const colleagues: MethodDefinition = {
  name: 'im.department.colleagues.list',
  scope: 'im',
  list: 'offset',
  upperParams: true,
  summary: 'The current user\'s colleagues: heads and members of their departments, all heads for managers',
  differences: ['`LIMIT` below 1 means the default 10; upstream returns an empty page with the same `next`, which loops clients.'],
  params: [...OFFSET_LIMIT, USER_DATA],
  handler: async (ctx: CallContext, p: Params): Promise<MethodResult> => {
    requireIntranet(ctx);
    const { offset, limit } = readOffsetLimit(p, ctx.start);
    const model = memoryReads(ctx);
    const ids = model ? model.colleagues(ctx.caller.user.id) : await colleagueIds(ctx.app.store.db, ctx.caller.user.id);
    const { page, total, next } = pageOf(ids, offset, limit);
    if (!isYes(p.USER_DATA)) return { result: page, total, next };
    const users = (await imUsersById(ctx, page, false)).filter((u) => u !== null);
    return { result: users, total, next };
  },
};

export const imDepartmentMethods: MethodDefinition[] = [
  colleagues,
  {
    ...colleagues,
    name: 'im.department.colleagues.get',
    summary: 'Private alias of im.department.colleagues.list, registered by upstream under this name too',
  },
  {
    name: 'im.department.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: `Department objects (id, name, full_name, manager_user_id) for a list of ids, in structure order; USER_DATA=Y adds manager_user_data. ${ACCESS}`,
    differences: [
      '`manager_user_data` of a department without a head is `null`; upstream puts the caller\'s own user object there.',
      'More than the configured maximum of ids (default 1000) is INVALID_FORMAT with a description that says so.',
    ],
    params: [{ ...DEPARTMENT_IDS, description: `${DEPARTMENT_IDS.description}; none left: INVALID_FORMAT` }, { ...USER_DATA, description: 'Y adds `manager_user_data`, the head\'s user object' }],
    handler: async (ctx: CallContext, p: Params) => {
      requireIntranet(ctx);
      const ids = new Set(readIdList(p.ID, { max: ctx.app.config.maxIds, emptyCode: 'INVALID_FORMAT' }));
      const model = memoryReads(ctx);
      const tree = model ? model.tree() : new DepartmentTree(await allDepartments(ctx.app.store.db));
      const rows = tree.ordered.filter((d) => ids.has(d.id));
      return { result: await imDepartments(ctx, rows, tree, isYes(p.USER_DATA)) };
    },
  },
  {
    name: 'im.department.managers.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: `Heads of the departments, keyed by department id in request order: [id], or [user object] with USER_DATA=Y; departments without a head are left out. ${ACCESS}`,
    differences: ['More than the configured maximum of ids (default 1000) is INVALID_FORMAT with a description that says so.'],
    params: [{ ...DEPARTMENT_IDS, description: `${DEPARTMENT_IDS.description}; none given: ID_EMPTY` }, USER_DATA],
    handler: async (ctx: CallContext, p: Params) => {
      requireIntranet(ctx);
      const found = await existing(ctx, departmentIds(ctx, p));
      const headed = found.filter((d) => d.head_id !== null);
      if (!isYes(p.USER_DATA)) return { result: WireMap.from(headed.map((d) => [d.id, [d.head_id!]] as const)) };
      const users = await imUserMap(ctx, headed.map((d) => d.head_id!));
      return { result: WireMap.from(headed.map((d) => [d.id, [users.get(d.head_id!) ?? null]] as const)) };
    },
  },
  {
    name: 'im.department.employees.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: `Active members of each department (not of its sub-departments) by user id, keyed by department id in request order: ids, or user objects with USER_DATA=Y. ${ACCESS}`,
    differences: ['More than the configured maximum of ids (default 1000) is INVALID_FORMAT with a description that says so.'],
    params: [{ ...DEPARTMENT_IDS, description: `${DEPARTMENT_IDS.description}; none given: ID_EMPTY` }, USER_DATA],
    handler: async (ctx: CallContext, p: Params) => {
      requireIntranet(ctx);
      const found = await existing(ctx, departmentIds(ctx, p));
      const model = memoryReads(ctx);
      const ids = found.map((d) => d.id);
      let members: Map<number, readonly number[]>;
      if (model) {
        // the model's own sorted lists, shared: 500 departments of 20,000 members made and sorted
        // 20,000 pairs per command, which a batch of 50 turned into long garbage collections
        members = new Map(ids.map((id) => [id, model.activeMemberIds(id)]));
        if (isYes(p.USER_DATA)) {
          const past = distinctPast(members, ctx.budget.allowance);
          if (past !== null) ctx.budget.checkUsers(past, true);
        }
      } else {
        if (isYes(p.USER_DATA)) {
          // the budget first, on at most one id more than it allows: 500 departments' 20,000
          // memberships were read (hundreds of ms of event loop) only to be refused afterwards
          const allowed = ctx.budget.allowance;
          const some = await someActiveMemberIds(ctx.app.store.db, ids, allowed + 1);
          if (some.length > allowed) ctx.budget.checkUsers(some.length, true);
        }
        const lists = new Map<number, number[]>(ids.map((id) => [id, []]));
        // a few departments per statement, the event loop served between them: on SQLite one
        // statement over 500 departments read 20,000 memberships in one block of the event loop
        for (let i = 0; i < ids.length; i += DEPARTMENTS_PER_READ) {
          if (i > 0) await new Promise<void>((resume) => setImmediate(resume));
          for (const m of await activeMembers(ctx.app.store.db, ids.slice(i, i + DEPARTMENTS_PER_READ))) lists.get(m.department_id)?.push(m.user_id);
        }
        members = lists;
      }
      if (!isYes(p.USER_DATA)) return { result: WireMap.from(members) };
      const users = await imUserMap(ctx, [...members.values()].flat());
      return { result: WireMap.from([...members].map(([id, list]) => [id, list.map((u) => users.get(u) ?? null)] as const)) };
    },
  },
];
