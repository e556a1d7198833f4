import { presentImUser } from '../directory/user-object.js';
import { presentOptions, today, type CallContext } from '../rest/context.js';
import { hasValue, isYes, readIdList, readString, type Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { WireMap } from '../rest/wire-map.js';
import { loadUsers } from '../store/users.js';

/** User objects for the ids, `null` where the id is unknown or hidden from the caller. */
export async function imUsersById(ctx: CallContext, ids: readonly number[], avatarHr: boolean) {
  const users = await loadUsers(ctx.app.store.db, ids, ctx.caller.viewer, today(ctx));
  const opts = presentOptions(ctx);
  return ids.map((id) => {
    const user = users.get(id);
    return user ? presentImUser(user, opts, { avatarHr }) : null;
  });
}

export const imUserMethods: MethodDefinition[] = [
  {
    name: 'im.user.list.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'User objects for a list of ids, keyed by id (or a list with RESULT_TYPE=array)',
    differences: [
      'Without `ID` returns the current user (seed documents); upstream answers INVALID_FORMAT.',
      '`avatar_hr` only with `AVATAR_HR=Y` (seed documents).',
      'Ids an extranet caller may not see are `null`, like unknown ids, and the caller\'s own id is returned; upstream omits both.',
      'More than the configured maximum of ids (default 1000) is INVALID_FORMAT with a description that says so.',
    ],
    handler: async (ctx: CallContext, p: Params) => {
      const ids = hasValue(p, 'ID')
        ? readIdList(p.ID, { max: ctx.app.config.maxIds, emptyCode: 'INVALID_FORMAT' })
        : [ctx.caller.user.id];
      const users = await imUsersById(ctx, ids, isYes(p.AVATAR_HR));
      if (readString(p, 'RESULT_TYPE')?.toLowerCase() === 'array') return { result: users };
      return { result: WireMap.from(ids.map((id, i) => [id, users[i]] as const)) };
    },
  },
];
