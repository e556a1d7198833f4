import { presentGroupRow } from '../directory/group-row.js';
import { readId } from './id-param.js';
import {
  filterSource, PAGE_SIZE, readBoolean, readFilter, readSort, standardPage, standardResult, type FilterSpec,
} from './list-params.js';
import { addGroupMembers, createGroup, deleteGroup, removeGroupMembers, updateGroup } from '../directory/commands/groups.js';
import { runCommand, type Tx } from '../directory/commands/run.js';
import { flag, idList, text } from './user-fields.js';
import { memoryReads, type CallContext } from '../rest/context.js';
import { argumentError, RestError } from '../rest/errors.js';
import { intval, type Params } from '../rest/params.js';
import type { MethodDefinition, ParamSpec } from '../rest/registry.js';
import { findVisibleGroup, groupFields, groupMembers, listGroups } from '../store/group-list.js';
import { findGroup } from '../store/groups.js';
import { listGroupsInMemory } from '../read/group-query.js';
import { requireAdmin } from './access.js';
import { commandEnv } from './command-env.js';

const grantedBy = ['sonet_group', 'sonet'];

/** Changing or deleting a group is for its owner and administrators (upstream: owner or social network admin). */
async function requireOwnerOrAdmin(ctx: CallContext, tx: Tx, groupId: number): Promise<void> {
  const group = await findGroup(tx.db, groupId);
  if (!group || (ctx.caller.viewer.extranet && !(await findVisibleGroup(tx.db, groupId, ctx.caller.viewer)))) {
    throw argumentError('GROUP_ID', 'Socialnetwork group not found');
  }
  if (!ctx.caller.viewer.admin && group.owner_id !== ctx.caller.user.id) throw new RestError('ACCESS_DENIED', 'Access denied! Only the owner or an administrator can change a group');
}

const GROUP_ID: ParamSpec = { name: 'GROUP_ID', type: 'int', required: true, description: 'The workgroup\'s id', example: 1 };
const USER_IDS: ParamSpec = { name: 'USER_ID', type: 'int[]', required: true, description: 'User ids: one, a list, or a comma-separated string (at most 1,000)', example: [3] };

export const sonetGroupMethods: MethodDefinition[] = [
  {
    name: 'sonet_group.create',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'Creates a workgroup (NAME, DESCRIPTION) owned by the caller; returns its id',
    params: [
      { name: 'NAME', type: 'string', required: true, description: 'The group\'s name, at most 255 characters', example: 'Reading club' },
      { name: 'DESCRIPTION', type: 'string', description: 'What the group is for, at most 10,000 characters', example: 'Books we read together' },
    ],
    handler: async (ctx: CallContext, p: Params) => {
      if (ctx.caller.viewer.extranet) throw argumentError('NAME', 'Extranet users cannot create groups');
      const name = text(p, 'NAME', 255);
      if (!name) throw argumentError('NAME', 'NAME is required');
      const description = text(p, 'DESCRIPTION', 10000) ?? '';
      const id = await runCommand(commandEnv(ctx), (tx) => createGroup(tx, { name, description, owner: ctx.caller.user.id }));
      return { result: id };
    },
  },
  {
    name: 'sonet_group.update',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'Changes a workgroup\'s NAME, DESCRIPTION or ACTIVE (GROUP_ID); returns the group id',
    differences: ['Only NAME, DESCRIPTION and ACTIVE are stored; other CSocNetGroup fields are ignored. The owner or an administrator may change a group.'],
    params: [
      GROUP_ID,
      { name: 'NAME', type: 'string', description: 'The new name (not empty)', example: 'Reading club' },
      { name: 'DESCRIPTION', type: 'string', description: 'The new description', example: 'Books we read together' },
      { name: 'ACTIVE', type: 'Y/N', description: 'N archives the group: its members no longer see each other through it', example: 'Y' },
    ],
    handler: async (ctx: CallContext, p: Params) => {
      const groupId = readId(p, 'GROUP_ID', 'a group');
      const name = text(p, 'NAME', 255);
      if (name !== undefined && !name) throw argumentError('NAME', 'NAME cannot be empty');
      const input = { name, description: text(p, 'DESCRIPTION', 10000), active: flag(p, 'ACTIVE') };
      await runCommand(commandEnv(ctx), async (tx) => {
        await requireOwnerOrAdmin(ctx, tx, groupId);
        await updateGroup(tx, groupId, input);
      });
      return { result: groupId };
    },
  },
  {
    name: 'sonet_group.delete',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'Deletes a workgroup (GROUP_ID) and its memberships',
    differences: ['The owner or an administrator may delete a group; a missing group is ERROR_ARGUMENT "Socialnetwork group not found".'],
    params: [GROUP_ID],
    handler: async (ctx: CallContext, p: Params) => {
      const groupId = readId(p, 'GROUP_ID', 'a group');
      await runCommand(commandEnv(ctx), async (tx) => {
        await requireOwnerOrAdmin(ctx, tx, groupId);
        await deleteGroup(tx, groupId);
      });
      return { result: true };
    },
  },
  {
    name: 'sonet_group.user.add',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'Adds users (USER_ID one or many) to a group without invitation; returns the ids added',
    params: [GROUP_ID, USER_IDS],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'add users to groups');
      const groupId = intval(p.GROUP_ID);
      const userIds = idList(p, 'USER_ID', 1000);
      if (!userIds?.length) throw argumentError('USER_ID', 'Wrong user IDs');
      if (groupId <= 0) throw argumentError('GROUP_ID', 'Wrong group ID');
      const added = await runCommand(commandEnv(ctx), (tx) => addGroupMembers(tx, groupId, userIds));
      return { result: added.map(String) };
    },
  },
  {
    name: 'sonet_group.get',
    scope: 'sonet_group',
    grantedBy,
    list: 'standard',
    upperParams: true,
    summary: 'Workgroups the caller may see, by FILTER (ID, NAME, OWNER_ID, ACTIVE, DATE_CREATE) and ORDER, 50 per page',
    differences: [
      'Intranet users see every group, extranet users the active groups they belong to. IS_ADMIN is validated and has no effect.',
      'Groups are plain workgroups: VISIBLE=Y, OPENED=N, CLOSED=N, PROJECT=N, one subject; DATE_UPDATE and DATE_ACTIVITY are the creation date.',
      'IS_EXTRANET is Y when the group has extranet members. Filters on other fields are ignored; `><`, `?` are ERROR_ARGUMENT.',
    ],
    params: [
      { name: 'FILTER', type: 'object', description: 'Conditions on ID, NAME, OWNER_ID, ACTIVE, DATE_CREATE, with user.get\'s operators (`>ID`, `%NAME`)', example: { ACTIVE: 'Y' } },
      { name: 'ORDER', type: 'object', description: 'Sort fields and directions, {FIELD: ASC|DESC}; ID descending by default', example: { NAME: 'ASC' } },
      { name: 'GROUP_ID', type: 'int', description: 'Only this group (an ID filter)', example: 1 },
      { name: 'IS_ADMIN', type: 'bool', description: 'Validated only: what a caller sees never depends on it', example: 'N' },
    ],
    handler: async (ctx: CallContext, p: Params) => {
      const dialect = ctx.app.store.dialect;
      const fields = groupFields(dialect);
      readBoolean(p, 'IS_ADMIN');
      const sort = readSort(
        { sort: undefined, order: p.ORDER, sortArgument: 'ORDER', orderArgument: 'ORDER' },
        new Set(Object.keys(fields)),
        [{ field: 'ID', desc: true }],
      );
      const filterable: Record<string, FilterSpec> = {};
      for (const [name, f] of Object.entries(fields)) filterable[name] = { kind: f.kind };
      const conditions = readFilter(filterSource(p, {}), { fields: filterable, maxValues: ctx.app.config.maxIds, timeZone: ctx.app.config.timezone });
      if (p.GROUP_ID !== undefined && p.GROUP_ID !== null && p.GROUP_ID !== '') {
        conditions.push({ field: 'ID', op: 'eq', values: [readId(p, 'GROUP_ID', 'a group')] });
      }
      const page = standardPage(ctx.start);
      const query = { viewer: ctx.caller.viewer, conditions, sort, offset: page.offset, limit: PAGE_SIZE, count: page.count };
      const model = memoryReads(ctx);
      const { rows, total } = model ? listGroupsInMemory(model, query) : await listGroups(ctx.app.store.db, dialect, query);
      return standardResult(rows.map((g) => presentGroupRow(g, ctx.app.config.timezone)), page, total);
    },
  },
  {
    name: 'sonet_group.user.get',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'The active members of a group (ID) with their roles: A owner, E moderator, K member',
    differences: ['A missing or hidden group is ERROR_ARGUMENT "Socialnetwork group not found"; upstream sends an empty error code.'],
    params: [{ ...GROUP_ID, name: 'ID' }],
    handler: async (ctx: CallContext, p: Params) => {
      const id = readId(p, 'ID', 'a group');
      const db = ctx.app.store.db;
      const model = memoryReads(ctx);
      const found = model ? model.visibleGroup(id, ctx.caller.viewer) : await findVisibleGroup(db, id, ctx.caller.viewer);
      if (!found) throw argumentError('ID', 'Socialnetwork group not found');
      const members = model ? model.groupMembers(id, ctx.caller.viewer) : await groupMembers(db, id, ctx.caller.viewer);
      return { result: members.map((m) => ({ USER_ID: String(m.user_id), ROLE: m.role })) };
    },
  },
  {
    name: 'sonet_group.user.delete',
    scope: 'sonet_group',
    grantedBy,
    list: 'none',
    upperParams: true,
    summary: 'Removes users (USER_ID one or many) from a group; returns the ids removed (never the owner)',
    differences: ['Administrators only. Ids that are not members are skipped, like the owner; errors are ERROR_ARGUMENT naming the parameter.'],
    params: [GROUP_ID, USER_IDS],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'remove users from groups');
      const groupId = readId(p, 'GROUP_ID', 'a group');
      const userIds = idList(p, 'USER_ID', 1000);
      if (!userIds?.length) throw argumentError('USER_ID', 'Wrong user IDs: USER_ID is required');
      const removed = await runCommand(commandEnv(ctx), (tx) => removeGroupMembers(tx, groupId, userIds));
      return { result: removed.map(String) };
    },
  },
];
