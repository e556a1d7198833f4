import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Database } from './schema.js';

/** Who is asking: visibility and access rules depend on nothing else. */
export interface Viewer {
  id: number;
  extranet: boolean;
  bot: boolean;
  admin: boolean;
}

/**
 * The users `viewer` may see, as a condition on `users`: intranet users see everyone; an
 * extranet user sees themself and the members of the groups they belong to. It is part of every
 * query that reads users, so totals and pages never count what the viewer may not see.
 */
export function visibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'users'>): Expression<SqlBool> => {
    if (!viewer.extranet) return sql<SqlBool>`1 = 1`;
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
