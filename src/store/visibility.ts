/**
 * Who may see whom (CONTRACT §3), in one place. Every query that reads users, groups, bots or
 * the department structure on behalf of a caller takes its condition from here, so that totals,
 * pages, member lists and filters never count or show what the viewer may not see, and a hidden
 * id behaves exactly like one that does not exist.
 *
 * - An intranet user sees everyone, every group and the whole structure.
 * - An extranet user sees themself and the members of the active groups they belong to, those
 *   groups only, and an empty department structure (as upstream shows them).
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Database } from './schema.js';

/** Who is asking: visibility and access rules depend on nothing else. */
export interface Viewer {
  id: number;
  extranet: boolean;
  bot: boolean;
  admin: boolean;
}

const TRUE = sql<SqlBool>`1 = 1`;

/** The users `viewer` may see, as a condition on `users`. */
export function visibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'users'>): Expression<SqlBool> => {
    if (!viewer.extranet) return TRUE;
    return eb.or([
      eb('users.id', '=', viewer.id),
      eb(
        'users.id',
        'in',
        eb
          .selectFrom('sonet_group_members as mine')
          .innerJoin('sonet_group_members as theirs', 'theirs.group_id', 'mine.group_id')
          .innerJoin('sonet_groups as g', 'g.id', 'mine.group_id')
          .where('mine.user_id', '=', viewer.id)
          .where('g.active', '=', 1)
          .select('theirs.user_id'),
      ),
    ]);
  };
}

/**
 * The groups `viewer` may know of, as a condition on `sonet_groups`: the same groups through
 * which `visibleTo` lets them see members, so a group's owner and members are always visible
 * to whoever sees the group.
 */
export function groupVisibleTo(viewer: Viewer): Expression<SqlBool> {
  if (!viewer.extranet) return TRUE;
  return sql<SqlBool>`(sonet_groups.active = 1 AND EXISTS (SELECT 1 FROM sonet_group_members vm WHERE vm.group_id = sonet_groups.id AND vm.user_id = ${viewer.id}))`;
}

/** Whether `viewer` sees the department structure (departments, their heads and members) at all. */
export function seesStructure(viewer: Viewer): boolean {
  return !viewer.extranet;
}
