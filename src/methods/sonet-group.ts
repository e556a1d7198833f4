import { idList, text } from '../directory/user-fields.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import { intval, type Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { addGroupMembers, groupIdsExisting, insertGroup } from '../store/groups.js';
import { inTransaction } from '../store/index.js';
import { userIdsExisting } from '../store/users.js';
import { requireAdmin } from './access.js';

const grantedBy = ['sonet_group', 'sonet'];

export const sonetGroupMethods: MethodDefinition[] = [
  {
    name: 'sonet_group.create',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'Creates a workgroup (NAME, DESCRIPTION) owned by the caller; returns its id',
    handler: async (ctx: CallContext, p: Params) => {
      if (ctx.caller.viewer.extranet) throw argumentError('NAME', 'Extranet users cannot create groups');
      const name = text(p, 'NAME', 255);
      if (!name) throw argumentError('NAME', 'NAME is required');
      const description = text(p, 'DESCRIPTION', 10000) ?? '';
      const id = await inTransaction(ctx.app.store.db, (trx) =>
        insertGroup(trx, { name, description, owner_id: ctx.caller.user.id }, Math.floor(Date.now() / 1000)),
      );
      return { result: id };
    },
  },
  {
    name: 'sonet_group.user.add',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'Adds users (USER_ID one or many) to a group without invitation; returns the ids added',
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'add users to groups');
      const groupId = intval(p.GROUP_ID);
      const userIds = idList(p, 'USER_ID', 1000);
      if (!userIds?.length) throw argumentError('USER_ID', 'Wrong user IDs');
      const added = await inTransaction(ctx.app.store.db, async (trx) => {
        if (groupId <= 0 || !(await groupIdsExisting(trx, [groupId])).has(groupId)) throw argumentError('GROUP_ID', 'Wrong group ID');
        const existing = await userIdsExisting(trx, userIds);
        const missing = userIds.filter((id) => !existing.has(id));
        if (missing.length) throw argumentError('USER_ID', `Wrong user IDs: ${missing.slice(0, 20).join(', ')} do not exist`);
        return addGroupMembers(trx, groupId, userIds, Math.floor(Date.now() / 1000));
      });
      return { result: added.map(String) };
    },
  },
];
