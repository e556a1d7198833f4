/** Workgroup commands: create, update, delete, members in and out. */
import { isOutsider } from '../../facts.js';
import {
  addGroupMembers as insertMembers, deleteGroup as removeGroup, findGroup, insertGroup, removeGroupMembers as deleteMembers,
  updateGroup as writeGroup,
} from '../../store/groups.js';
import { findUser, userIdsExisting } from '../../store/users.js';
import { clock } from '../../clock.js';
import { RuleError, ruleMessage } from '../rules.js';
import type { Tx } from './run.js';

export async function createGroup(tx: Tx, input: { name: string; description: string; owner: number }): Promise<number> {
  const owner = await findUser(tx.db, input.owner);
  if (!owner) throw new RuleError('unknown_owner', 'OWNER_ID', ruleMessage.unknownOwner(input.owner));
  if (isOutsider(owner.user_type)) throw new RuleError('unknown_owner', 'NAME', 'Extranet users cannot create groups');
  const id = await insertGroup(tx.db, { name: input.name, description: input.description, owner_id: input.owner }, clock.unix());
  await tx.changed({ kind: 'group.added', entity: id, fields: { name: input.name, description: input.description, owner: input.owner, members: [input.owner] } });
  return id;
}

async function existingGroup(tx: Tx, id: number) {
  const group = await findGroup(tx.db, id);
  if (!group) throw new RuleError('not_found', 'GROUP_ID', 'Socialnetwork group not found');
  return group;
}

export async function updateGroup(tx: Tx, id: number, input: { name?: string; description?: string; active?: boolean }): Promise<void> {
  const group = await existingGroup(tx, id);
  const fields: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== group.name) fields.name = input.name;
  if (input.description !== undefined && input.description !== group.description) fields.description = input.description;
  if (input.active !== undefined && (input.active ? 1 : 0) !== group.active) fields.active = input.active;
  await writeGroup(tx.db, id, {
    ...('name' in fields ? { name: input.name } : {}),
    ...('description' in fields ? { description: input.description } : {}),
    ...('active' in fields ? { active: input.active ? 1 : 0 } : {}),
  });
  if (Object.keys(fields).length) await tx.changed({ kind: 'group.updated', entity: id, fields });
}

export async function deleteGroup(tx: Tx, id: number): Promise<void> {
  await existingGroup(tx, id);
  await removeGroup(tx.db, id);
  await tx.changed({ kind: 'group.deleted', entity: id });
}

/** Adds users to the group; returns the ids actually added (members already are skipped). */
export async function addGroupMembers(tx: Tx, id: number, userIds: readonly number[]): Promise<number[]> {
  await existingGroup(tx, id);
  const existing = await userIdsExisting(tx.db, userIds);
  const missing = userIds.filter((u) => !existing.has(u));
  if (missing.length) throw new RuleError('unknown_member', 'USER_ID', `Wrong user IDs: ${missing.slice(0, 20).join(', ')} do not exist`);
  const added = await insertMembers(tx.db, id, userIds, clock.unix());
  if (added.length) await tx.changed({ kind: 'group.members', entity: id, fields: { added } });
  return added;
}

/** Removes members (never the owner); returns the ids removed. */
export async function removeGroupMembers(tx: Tx, id: number, userIds: readonly number[]): Promise<number[]> {
  const group = await existingGroup(tx, id);
  const removed = await deleteMembers(tx.db, id, group.owner_id, userIds);
  if (removed.length) await tx.changed({ kind: 'group.members', entity: id, fields: { removed } });
  return removed;
}
