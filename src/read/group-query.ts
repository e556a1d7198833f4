/**
 * sonet_group.get over the read model: `listGroups` of src/store/group-list.ts with the same
 * fields, visibility (`visibleGroup`), filters, order, paging, member counts and extranet flag.
 */
import { OUTSIDE_KINDS } from '../facts.js';
import type { GroupListQuery, GroupListRow } from '../store/group-list.js';
import type { GroupRow } from '../store/read-model.js';
import { filterTest, pageInOrder, rowOrder, type FieldEvalMap } from './list-eval.js';
import type { ReadModel } from './model.js';

/** The mirror of `groupFields`. */
export const GROUP_EVAL_FIELDS: FieldEvalMap<GroupRow> = {
  ID: { kind: 'int', value: (g) => g.id, order: (g) => g.id },
  NAME: { kind: 'text', value: (g) => g.name, order: (g) => g.name },
  OWNER_ID: { kind: 'int', value: (g) => g.owner_id, order: (g) => g.owner_id },
  ACTIVE: { kind: 'bool', value: (g) => g.active, order: (g) => g.active },
  DATE_CREATE: { kind: 'instant', value: (g) => g.date_create, order: (g) => g.date_create },
};

/** The group as sonet_group.get lists it: every membership row counted, extranet when a member is an outsider. */
function listed(model: ReadModel, g: GroupRow): GroupListRow {
  const members = model.groupMemberRows(g.id);
  const extranet = members.some((m) => {
    const user = model.user(m.user_id);
    return user !== undefined && OUTSIDE_KINDS.includes(user.row.user_type);
  });
  return { ...g, members: members.length, extranet: extranet ? 1 : 0 };
}

/** One page of the groups the viewer may see, and their total when asked: `listGroups` from memory. */
export function listGroupsInMemory(model: ReadModel, q: GroupListQuery): { rows: GroupListRow[]; total?: number } {
  const filter = filterTest(q.conditions, GROUP_EVAL_FIELDS);
  const viewer = q.viewer;
  const test = viewer.extranet ? (g: GroupRow) => model.visibleGroup(g.id, viewer) !== undefined && (!filter || filter(g)) : filter;
  const order = rowOrder(q.sort, GROUP_EVAL_FIELDS, (g) => g.id);
  const { rows, total } = pageInOrder(model.allGroups(), test, order, q.offset, q.limit, q.count);
  return { rows: rows.map((g) => listed(model, g)), total };
}
