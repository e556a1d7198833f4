import type { Db } from './index.js';
import { isStorableId } from './users.js';

export async function groupIdsExisting(db: Db, ids: readonly number[]): Promise<Set<number>> {
  const wanted = [...new Set(ids)].filter(isStorableId);
  if (wanted.length === 0) return new Set();
  const rows = await db.selectFrom('sonet_groups').select('id').where('id', 'in', wanted).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertGroup(db: Db, values: { name: string; description: string; owner_id: number }, now: number): Promise<number> {
  const row = await db
    .insertInto('sonet_groups')
    .values({ ...values, active: 1, date_create: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await addGroupMembers(db, row.id, [values.owner_id], now, 'A');
  return row.id;
}

/** Adds members that are not in the group yet; returns the ids actually added. */
export async function addGroupMembers(db: Db, groupId: number, userIds: readonly number[], now: number, role = 'K'): Promise<number[]> {
  if (userIds.length === 0) return [];
  const present = await db
    .selectFrom('sonet_group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', 'in', [...userIds])
    .execute();
  const already = new Set(present.map((r) => r.user_id));
  const added = userIds.filter((id) => !already.has(id));
  if (added.length) {
    await db
      .insertInto('sonet_group_members')
      .values(added.map((user_id) => ({ group_id: groupId, user_id, role, date_create: now })))
      .execute();
  }
  return added;
}

/** Removes those of the users who are members but not the owner; returns the ids removed. */
export async function removeGroupMembers(db: Db, groupId: number, ownerId: number, userIds: readonly number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  const present = await db
    .selectFrom('sonet_group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', 'in', [...userIds])
    .where('role', '!=', 'A')
    .where('user_id', '!=', ownerId)
    .execute();
  const removed = new Set(present.map((r) => r.user_id));
  if (removed.size) {
    await db.deleteFrom('sonet_group_members').where('group_id', '=', groupId).where('user_id', 'in', [...removed]).execute();
  }
  return userIds.filter((id) => removed.has(id));
}

export async function findGroup(db: Db, id: number): Promise<{ id: number; name: string; description: string; owner_id: number; active: number } | undefined> {
  if (!isStorableId(id)) return undefined;
  return db.selectFrom('sonet_groups').select(['id', 'name', 'description', 'owner_id', 'active']).where('id', '=', id).executeTakeFirst();
}

export async function updateGroup(db: Db, id: number, values: { name?: string; description?: string; active?: number }): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('sonet_groups').set(values).where('id', '=', id).execute();
}

/** Removes the group and its memberships. */
export async function deleteGroup(db: Db, id: number): Promise<void> {
  await db.deleteFrom('sonet_group_members').where('group_id', '=', id).execute();
  await db.deleteFrom('sonet_groups').where('id', '=', id).execute();
}

/** Whether the user holds one of the roles in the group, and the group is active. */
export async function hasActiveGroupRole(db: Db, groupId: number, userId: number, roles: readonly string[]): Promise<boolean> {
  if (!isStorableId(groupId)) return false;
  const row = await db
    .selectFrom('sonet_group_members as m')
    .innerJoin('sonet_groups as g', 'g.id', 'm.group_id')
    .select('m.user_id')
    .where('m.group_id', '=', groupId)
    .where('m.user_id', '=', userId)
    .where('m.role', 'in', [...roles])
    .where('g.active', '=', 1)
    .executeTakeFirst();
  return row !== undefined;
}
