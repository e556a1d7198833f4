import { activeMembers, allDepartments } from '../store/departments.js';
import type { Db } from '../store/index.js';
import { departmentsOf } from '../store/users.js';
import { DepartmentTree } from './tree.js';

/**
 * The colleagues of a user (CONTRACT §5), in order, without duplicates and never the user:
 * the heads of their departments, the active members of those departments, and, for someone
 * who heads a department, the heads of every department. Three statements whatever the size.
 */
export async function colleagueIds(db: Db, userId: number): Promise<number[]> {
  const [departments, links] = await Promise.all([
    allDepartments(db),
    departmentsOf(db, userId),
  ]);
  const tree = new DepartmentTree(departments);
  const members = await activeMembers(db, tree.sortIds(links));
  return colleaguesFrom(tree, userId, links, members);
}

/** The rule itself, over rows already read (from the store above, or from the read model). */
export function colleaguesFrom(
  tree: DepartmentTree,
  userId: number,
  links: readonly number[],
  members: readonly { department_id: number; user_id: number }[],
): number[] {
  const mine = tree.sortIds(links);
  const byDepartment = new Map<number, number[]>();
  for (const m of members) {
    let list = byDepartment.get(m.department_id);
    if (!list) byDepartment.set(m.department_id, (list = []));
    list.push(m.user_id);
  }
  const out = new Set<number>();
  for (const id of mine) {
    const head = tree.byId.get(id)!.head_id;
    if (head) out.add(head);
  }
  for (const id of mine) for (const user of byDepartment.get(id) ?? []) out.add(user);
  if (tree.ordered.some((d) => d.head_id === userId)) {
    for (const d of tree.ordered) if (d.head_id) out.add(d.head_id);
  }
  out.delete(userId);
  return [...out];
}
