/** Department commands: add, update (name, sort, parent, head), delete. */
import { isOutsider } from '../../facts.js';
import { hasSubDepartments, removeDepartment } from '../../store/department-list.js';
import { allDepartments, ensureMember, findDepartment, insertDepartment, updateDepartment as writeDepartment } from '../../store/departments.js';
import { findUser } from '../../store/users.js';
import { RuleError, cycleThrough, ruleMessage } from '../rules.js';
import type { Tx } from './run.js';

export interface DepartmentInput {
  name?: string;
  sort?: number;
  parent?: number;
  /** a user id, or null for no head */
  head?: number | null;
}

async function checkParent(tx: Tx, parent: number): Promise<void> {
  if (!(await findDepartment(tx.db, parent))) throw new RuleError('unknown_parent', 'PARENT', ruleMessage.unknownParent(parent));
}

/** A head is an active intranet user; they become a member of the department they head. */
async function checkHead(tx: Tx, head: number, department: number | null): Promise<void> {
  const user = await findUser(tx.db, head);
  if (!user) throw new RuleError('unknown_head', 'UF_HEAD', ruleMessage.unknownHead(head));
  if (isOutsider(user.user_type)) throw new RuleError('extranet_head', 'UF_HEAD', ruleMessage.outsiderHead(head, user.user_type, department ?? 0));
  if (user.active !== 1) throw new RuleError('head_inactive', 'UF_HEAD', ruleMessage.headInactive(head, department ?? 0));
}

export async function addDepartment(tx: Tx, input: DepartmentInput & { name: string; parent: number }): Promise<number> {
  await checkParent(tx, input.parent);
  if (input.head) await checkHead(tx, input.head, null);
  const id = await insertDepartment(tx.db, { name: input.name, parent_id: input.parent, sort: input.sort ?? 500, head_id: input.head ?? null });
  const changes: Parameters<Tx['changed']> = [
    { kind: 'department.added', entity: id, fields: { name: input.name, parent: input.parent, sort: input.sort ?? 500, head: input.head ?? null } },
  ];
  if (input.head && (await ensureMember(tx.db, input.head, id))) {
    changes.push({ kind: 'user.departments', entity: input.head, fields: { added: [id] } });
  }
  await tx.changed(...changes);
  return id;
}

export async function updateDepartment(tx: Tx, id: number, input: DepartmentInput): Promise<void> {
  const department = await findDepartment(tx.db, id);
  if (!department) throw new RuleError('not_found', 'ID', 'Department not found');
  if (input.parent !== undefined && input.parent !== department.parent_id) {
    if (department.parent_id === null) throw new RuleError('root', 'PARENT', ruleMessage.rootMoved(id));
    await checkParent(tx, input.parent);
    const parents = new Map((await allDepartments(tx.db)).map((d) => [d.id, d.parent_id]));
    const cycle = cycleThrough(id, input.parent, (d) => parents.get(d));
    if (cycle) throw new RuleError('cycle', 'PARENT', ruleMessage.cycle(cycle));
  }
  if (input.head) await checkHead(tx, input.head, id);
  const fields: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== department.name) fields.name = input.name;
  if (input.sort !== undefined && input.sort !== department.sort) fields.sort = input.sort;
  if (input.parent !== undefined && input.parent !== department.parent_id) fields.parent = input.parent;
  if (input.head !== undefined && input.head !== department.head_id) fields.head = input.head;
  await writeDepartment(tx.db, id, {
    ...('name' in fields ? { name: input.name } : {}),
    ...('sort' in fields ? { sort: input.sort } : {}),
    ...('parent' in fields ? { parent_id: input.parent } : {}),
    ...('head' in fields ? { head_id: input.head } : {}),
  });
  const changes: Parameters<Tx['changed']> = [];
  if (Object.keys(fields).length) changes.push({ kind: 'department.updated', entity: id, fields });
  if (input.head && (await ensureMember(tx.db, input.head, id))) {
    changes.push({ kind: 'user.departments', entity: input.head, fields: { added: [id] } });
  }
  await tx.changed(...changes);
}

/** Deletes a department without sub-departments (never the root); its members lose that membership. */
export async function deleteDepartment(tx: Tx, id: number): Promise<void> {
  const department = await findDepartment(tx.db, id);
  if (!department) throw new RuleError('not_found', 'ID', 'Department not found');
  if (department.parent_id === null) throw new RuleError('root', 'ID', ruleMessage.rootDeleted(id));
  if (await hasSubDepartments(tx.db, id)) throw new RuleError('not_found', 'ID', `department ${id} has sub-departments: move or delete them first`);
  await removeDepartment(tx.db, id);
  await tx.changed({ kind: 'department.deleted', entity: id });
}
