/**
 * department.get over the read model: `listDepartments` of src/store/department-list.ts with the
 * same fields (a missing parent or head reads as 0), filters, order and paging.
 */
import type { DepartmentListQuery } from '../store/department-list.js';
import type { DepartmentRow } from '../store/departments.js';
import { filterTest, pageInOrder, rowOrder, type FieldEvalMap } from './list-eval.js';
import type { ReadModel } from './model.js';

/** The mirror of `departmentFields`. */
export const DEPARTMENT_EVAL_FIELDS: FieldEvalMap<DepartmentRow> = {
  ID: { kind: 'int', value: (d) => d.id, order: (d) => d.id },
  NAME: { kind: 'text', value: (d) => d.name, order: (d) => d.name },
  SORT: { kind: 'int', value: (d) => d.sort, order: (d) => d.sort },
  PARENT: { kind: 'int', value: (d) => d.parent_id ?? 0, order: (d) => d.parent_id ?? 0 },
  UF_HEAD: { kind: 'int', value: (d) => d.head_id ?? 0, order: (d) => d.head_id ?? 0 },
};

/** One page of departments and their total when asked: `listDepartments` from memory. */
export function listDepartmentsInMemory(model: ReadModel, q: DepartmentListQuery): { rows: DepartmentRow[]; total?: number } {
  const order = rowOrder(q.sort, DEPARTMENT_EVAL_FIELDS, (d) => d.id);
  return pageInOrder(model.departments(), filterTest(q.conditions, DEPARTMENT_EVAL_FIELDS), order, q.offset, q.limit, q.count);
}
