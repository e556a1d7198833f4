import { DEPARTMENT_FIELD_LABELS, presentDepartmentRow } from '../directory/department-row.js';
import { readId } from './id-param.js';
import {
  filterSource, PAGE_SIZE, readFilter, readSort, readStartParam, standardPage, standardResult, type FilterSpec,
} from './list-params.js';
import { memoryReads, type CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import type { Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { deleteDepartment } from '../directory/commands/departments.js';
import { runCommand } from '../directory/commands/run.js';
import { departmentFields, listDepartments } from '../store/department-list.js';
import { listDepartmentsInMemory } from '../read/department-query.js';
import { seesStructure } from '../store/visibility.js';
import { requireAdmin } from './access.js';
import { commandEnv } from './command-env.js';

/** Top-level keys that are parameters of department.get, never filter fields. */
const RESERVED = new Set(['sort', 'order', 'filter', 'start', 'select']);

/**
 * `SORT` is two things: the sort field for the PHP SDK and b24pysdk (`SORT: 'ID'`) and the SORT
 * filter of the docs (`SORT: 500`). A field name sorts, an integer filters.
 */
function splitSort(p: Params, sortable: ReadonlySet<string>): { sort: unknown; sortArgument: string; top: Params } {
  const top: Params = {};
  for (const [k, v] of Object.entries(p)) if (!RESERVED.has(k.toLowerCase()) || k === 'SORT') top[k] = v;
  let sort: unknown = p.sort;
  let sortArgument = 'sort';
  const upper = p.SORT;
  if (typeof upper === 'string' && !/^\s*-?\d+\s*$/.test(upper)) {
    if (!sortable.has(upper.trim().toUpperCase())) {
      throw argumentError('SORT', `SORT must name a field to sort by (${[...sortable].join(', ')}) or be a number to filter by`);
    }
    delete top.SORT;
    if (sort === undefined || sort === null || sort === '') {
      sort = upper;
      sortArgument = 'SORT';
    }
  }
  return { sort, sortArgument, top };
}

export const departmentReadMethods: MethodDefinition[] = [
  {
    name: 'department.get',
    scope: 'department',
    list: 'standard',
    summary: 'Departments filtered by ID, NAME, SORT, PARENT, UF_HEAD (flat or in FILTER, with operators), 50 per page',
    differences: [
      '`SORT` holding a field name is the sort field (PHP SDK, b24pysdk); holding a number it filters by SORT.',
      'Filters take the operators of user.get (`>ID`, `@PARENT`, `%NAME`, ...) under `filter`/`FILTER` or flat, so the SDKs\' fast paging (`filter[>ID]`, `start=-1`) works.',
      '`PARENT: 0` and `UF_HEAD: 0` match the root and departments without a head.',
      'A filter key naming no field is ignored; a malformed value, an unknown sort field or a bad `order` is ERROR_ARGUMENT.',
      '`start`/`START` = N returns rows N..N+49 for any N; a negative value is the uncounted fast mode. Default order: ID ascending.',
      'An extranet caller gets an empty list (total 0), the empty structure upstream shows them, so that UF_HEAD reveals no hidden user.',
    ],
    params: [
      {
        name: 'filter',
        aliases: ['FILTER'],
        type: 'object',
        description: 'Conditions on ID, NAME, SORT, PARENT, UF_HEAD with user.get\'s operators (`>ID`, `@PARENT`, `%NAME`); the same keys may also be given flat, beside the other parameters',
        example: { PARENT: 1 },
      },
      { name: 'sort', type: 'string', description: 'Field to sort by: ID, NAME, SORT, PARENT or UF_HEAD', example: 'NAME' },
      {
        name: 'SORT',
        type: 'string',
        description: 'A field name: the sort field (the PHP SDK\'s and b24pysdk\'s spelling of `sort`); a number: the SORT filter',
        example: 'SORT',
      },
      { name: 'order', aliases: ['ORDER'], type: 'string', description: 'ASC or DESC for `sort`, or an object {FIELD: ASC|DESC} of up to 5 fields', example: 'ASC' },
      { name: 'START', type: 'int', description: 'department.get\'s spelling of `start`, used when `start` is absent', example: 0 },
    ],
    handler: async (ctx: CallContext, p: Params) => {
      const dialect = ctx.app.store.dialect;
      const fields = departmentFields(dialect);
      const sortable = new Set(Object.keys(fields));
      const { sort: sortValue, sortArgument, top } = splitSort(p, sortable);
      const sort = readSort(
        { sort: sortValue, order: p.order ?? p.ORDER, sortArgument, orderArgument: p.order !== undefined ? 'order' : 'ORDER' },
        sortable,
        [{ field: 'ID', desc: false }],
      );
      const filterable: Record<string, FilterSpec> = {};
      for (const [name, f] of Object.entries(fields)) filterable[name] = { kind: f.kind };
      const conditions = readFilter(filterSource(p, top), {
        fields: filterable,
        maxValues: ctx.app.config.maxIds,
        timeZone: ctx.app.config.timezone,
      });
      const page = standardPage(ctx.start ?? readStartParam(p.START, 'START'));
      // an extranet caller sees an empty structure (as upstream shows them): no department, no head
      if (!seesStructure(ctx.caller.viewer)) return standardResult([], page, 0);
      const query = { conditions, sort, offset: page.offset, limit: PAGE_SIZE, count: page.count };
      const model = memoryReads(ctx);
      const { rows, total } = model ? listDepartmentsInMemory(model, query) : await listDepartments(ctx.app.store.db, dialect, query);
      return standardResult(rows.map(presentDepartmentRow), page, total);
    },
  },
  {
    name: 'department.delete',
    scope: 'department',
    list: 'none',
    upperParams: true,
    summary: 'Deletes a department without sub-departments (not the root); its members lose that membership',
    differences: [
      'Errors are ERROR_ARGUMENT naming ID ("Department not found", root, sub-departments); upstream answers ERROR_CORE.',
      'A department with sub-departments is refused instead of taking them along.',
    ],
    params: [{ name: 'ID', type: 'int', required: true, description: 'The department to delete: not the root, without sub-departments', example: 12 }],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'change the company structure');
      const id = readId(p, 'ID', 'a department');
      await runCommand(commandEnv(ctx), (tx) => deleteDepartment(tx, id));
      return { result: true };
    },
  },
  {
    name: 'department.fields',
    scope: 'department',
    list: 'none',
    summary: 'Names and labels of the five department fields',
    params: [],
    handler: () => ({ result: { ...DEPARTMENT_FIELD_LABELS } }),
  },
];
