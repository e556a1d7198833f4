/** sonet_group.get and the member lists in SQL; what a viewer may see comes from visibility.ts. */
import { sql } from 'kysely';
import { OUTSIDE_KINDS } from '../facts.js';
import type { Db, Dialect } from './index.js';
import { orderSql, textOrder, whereSql, TRUE, type Condition, type FieldMap, type SortKey } from './list-query.js';
import { groupVisibleTo, visibleTo, type Viewer } from './visibility.js';

const col = (name: string) => sql.ref(`sonet_groups.${name}`);

export function groupFields(dialect: Dialect): FieldMap {
  return {
    ID: { kind: 'int', column: col('id'), order: col('id') },
    NAME: { kind: 'text', column: col('name'), order: textOrder(col('name'), dialect) },
    OWNER_ID: { kind: 'int', column: col('owner_id'), order: col('owner_id') },
    ACTIVE: { kind: 'bool', column: col('active'), order: col('active') },
    DATE_CREATE: { kind: 'instant', column: col('date_create'), order: col('date_create') },
  };
}

export interface GroupListRow {
  id: number;
  name: string;
  description: string;
  owner_id: number;
  active: number;
  date_create: number;
  members: number;
  extranet: number;
}

export interface GroupListQuery {
  viewer: Viewer;
  conditions: readonly Condition[];
  sort: readonly SortKey[];
  offset: number;
  limit: number;
  count: boolean;
}

/** One page of groups with their member counts, and the total when asked: two statements. */
export async function listGroups(db: Db, dialect: Dialect, q: GroupListQuery): Promise<{ rows: GroupListRow[]; total?: number }> {
  const fields = groupFields(dialect);
  const where = q.conditions.length ? whereSql(q.conditions, fields, { dialect, now: 0 }) : TRUE;
  const base = db.selectFrom('sonet_groups').where(groupVisibleTo(q.viewer)).where(where);
  const [rows, counted] = await Promise.all([
    base
      .selectAll()
      .select([
        sql<number>`(SELECT COUNT(*) FROM sonet_group_members cm WHERE cm.group_id = sonet_groups.id)`.as('members'),
        // a group with extranet members is an extranet group: those members see each other through it
        sql<number>`(CASE WHEN EXISTS (SELECT 1 FROM sonet_group_members em JOIN users eu ON eu.id = em.user_id
                    WHERE em.group_id = sonet_groups.id AND eu.user_type IN (${sql.join(OUTSIDE_KINDS.map((k) => sql.lit(k)))})) THEN 1 ELSE 0 END)`.as('extranet'),
      ])
      .orderBy(orderSql(q.sort, fields, col('id')))
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    q.count ? base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow() : Promise.resolve(undefined),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, members: Number(r.members), extranet: Number(r.extranet) })),
    total: counted === undefined ? undefined : Number(counted.n),
  };
}

/** The group, when it exists and the viewer may know of it. */
export async function findVisibleGroup(db: Db, id: number, viewer: Viewer): Promise<{ id: number; owner_id: number } | undefined> {
  return db.selectFrom('sonet_groups').select(['id', 'owner_id']).where('id', '=', id).where(groupVisibleTo(viewer)).executeTakeFirst();
}

/** Active members the viewer may see, owner first, then moderators, then members, each by user id. */
export async function groupMembers(db: Db, groupId: number, viewer: Viewer): Promise<{ user_id: number; role: string }[]> {
  return db
    .selectFrom('sonet_group_members as m')
    .innerJoin('users', 'users.id', 'm.user_id')
    .select(['m.user_id', 'm.role'])
    .where('m.group_id', '=', groupId)
    .where('users.active', '=', 1)
    .where(visibleTo(viewer))
    .orderBy('m.role')
    .orderBy('m.user_id')
    .execute();
}
