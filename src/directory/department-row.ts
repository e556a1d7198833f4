import type { DepartmentRow } from '../store/departments.js';

/**
 * The REST v2 department (department.get): ids as strings, SORT as a number, and PARENT and
 * UF_HEAD only when set, as upstream's examples show them (the root has no PARENT).
 */
export function presentDepartmentRow(d: DepartmentRow): Record<string, unknown> {
  return {
    ID: String(d.id),
    NAME: d.name,
    SORT: d.sort,
    ...(d.parent_id !== null ? { PARENT: String(d.parent_id) } : {}),
    ...(d.head_id !== null ? { UF_HEAD: String(d.head_id) } : {}),
  };
}

/** department.fields, upstream's labels. */
export const DEPARTMENT_FIELD_LABELS = {
  ID: 'ID',
  NAME: 'Department Name',
  SORT: 'Sort Order',
  PARENT: 'Parent Department',
  UF_HEAD: 'Manager',
} as const;
