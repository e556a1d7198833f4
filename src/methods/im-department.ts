import { colleagueIds } from '../directory/colleagues.js';
import type { CallContext } from '../rest/context.js';
import { isYes, readOffsetLimit, type Params } from '../rest/params.js';
import type { MethodDefinition, MethodResult } from '../rest/registry.js';
import { requireIntranet } from './access.js';
import { imUsersById } from './im-user.js';

/** One OFFSET/LIMIT page of an ordered id list: `total` always, `next` while rows remain. */
export function pageOf<T>(items: readonly T[], offset: number, limit: number): { page: T[]; total: number; next?: number } {
  const page = items.slice(offset, offset + limit);
  const next = offset + page.length;
  return { page, total: items.length, ...(next < items.length ? { next } : {}) };
}

export const imDepartmentMethods: MethodDefinition[] = [
  {
    name: 'im.department.colleagues.list',
    scope: 'im',
    list: 'offset',
    upperParams: true,
    summary: 'The current user\'s colleagues: heads and members of their departments, all heads for managers',
    differences: ['`LIMIT` below 1 means the default 10; upstream returns an empty page with the same `next`, which loops clients.'],
    handler: async (ctx: CallContext, p: Params): Promise<MethodResult> => {
      requireIntranet(ctx);
      const { offset, limit } = readOffsetLimit(p, ctx.start);
      const ids = await colleagueIds(ctx.app.store.db, ctx.caller.user.id);
      const { page, total, next } = pageOf(ids, offset, limit);
      if (!isYes(p.USER_DATA)) return { result: page, total, next };
      const users = (await imUsersById(ctx, page, false)).filter((u) => u !== null);
      return { result: users, total, next };
    },
  },
];
