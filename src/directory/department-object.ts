import type { DepartmentRow } from '../store/departments.js';
import { foldCase } from '../store/case-fold.js';
import type { DepartmentTree } from './tree.js';
import type { ImUser } from './user-object.js';

/** `U`: the user object as the caller holds it (presented, or already serialized by the read model). */
export interface ImDepartment<U = ImUser> {
  id: number;
  name: string;
  full_name: string;
  manager_user_id: number;
  manager_user_data?: U | null;
}

/**
 * The messenger department object (im.department.get, im.search.department.list): the one place
 * its fields are decided. `managers` is given only with USER_DATA=Y; a department without a head
 * (or whose head is gone) then carries `null`, not the caller as upstream does (CONTRACT §9).
 */
export function presentImDepartment<U = ImUser>(
  department: DepartmentRow,
  tree: DepartmentTree,
  managers?: ReadonlyMap<number, U>,
): ImDepartment<U> {
  const out: ImDepartment<U> = {
    id: department.id,
    name: department.name,
    full_name: tree.fullName(department.id),
    manager_user_id: department.head_id ?? 0,
  };
  if (managers) out.manager_user_data = department.head_id ? (managers.get(department.head_id) ?? null) : null;
  return out;
}

/**
 * im.search.department.list's filter: FIND longer than one character matches a department whose
 * full name starts with it or holds it after a space, ignoring case; shorter FIND matches all.
 */
export function matchDepartments(tree: DepartmentTree, find: string): DepartmentRow[] {
  if ([...find].length <= 1) return tree.ordered;
  const needle = foldCase(find);
  return tree.ordered.filter((d) => {
    const haystack = foldCase(tree.fullName(d.id));
    return haystack.startsWith(needle) || haystack.includes(` ${needle}`);
  });
}
