import { addDepartment, updateDepartment } from '../directory/commands/departments.js';
import { runCommand } from '../directory/commands/run.js';
import { text } from './user-fields.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import { hasValue, intval, type Params } from '../rest/params.js';
import type { MethodDefinition, ParamSpec } from '../rest/registry.js';
import { requireAdmin } from './access.js';
import { commandEnv } from './command-env.js';

const INT32 = 2147483647;

/** A whole number parameter within int32, written as a number or digits. */
function integer(p: Params, key: string): number | undefined {
  if (!hasValue(p, key) || p[key] === '') return undefined;
  const v = p[key];
  const ok = (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v));
  const n = ok ? Number(v) : NaN;
  if (!ok || n > INT32 || n < -INT32) throw argumentError(key, `${key} must be an integer`);
  return n;
}

/** UF_HEAD: a user id, or 0 / '' for no head. */
function readHead(p: Params): number | null | undefined {
  if (!hasValue(p, 'UF_HEAD')) return undefined;
  if (p.UF_HEAD === '' || p.UF_HEAD === 0 || p.UF_HEAD === '0') return null;
  return integer(p, 'UF_HEAD')!;
}

function readName(p: Params, required: boolean): string | undefined {
  const name = text(p, 'NAME', 255);
  if ((required || name !== undefined) && !name) throw argumentError('NAME', 'Department name not provided.');
  return name;
}

const SORT: ParamSpec = { name: 'SORT', type: 'int', description: 'Position among its siblings (smaller first); 500 by default', example: 500 };
const UF_HEAD: ParamSpec = { name: 'UF_HEAD', type: 'int', description: 'The head\'s user id (an active intranet user, who becomes a member); 0 or empty for none', example: 1 };

export const departmentWriteMethods: MethodDefinition[] = [
  {
    name: 'department.add',
    scope: 'department',
    list: 'none',
    upperParams: true,
    summary: 'Adds a department under PARENT, with NAME, SORT and UF_HEAD; returns the new id',
    differences: ['UF_HEAD must be an active intranet user; they become a member of the department.'],
    params: [
      { name: 'NAME', type: 'string', required: true, description: 'The name, at most 255 characters', example: 'Research' },
      { name: 'PARENT', type: 'int', required: true, description: 'The parent department (there is one top-level department)', example: 1 },
      SORT,
      UF_HEAD,
    ],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'change the company structure');
      const name = readName(p, true)!;
      const sort = integer(p, 'SORT') ?? 500;
      const parent = integer(p, 'PARENT');
      if (parent === undefined) throw argumentError('PARENT', 'There can only be one top-level department in the company structure: PARENT is required');
      const head = readHead(p);
      const id = await runCommand(commandEnv(ctx), (tx) => addDepartment(tx, { name, sort, parent, head }));
      return { result: id };
    },
  },
  {
    name: 'department.update',
    scope: 'department',
    list: 'none',
    upperParams: true,
    summary: 'Changes a department\'s NAME, PARENT, SORT or UF_HEAD',
    params: [
      { name: 'ID', type: 'int', required: true, description: 'The department to change', example: 2 },
      { name: 'NAME', type: 'string', description: 'The new name (not empty), at most 255 characters', example: 'Research' },
      { name: 'PARENT', type: 'int', description: 'The new parent (no cycles; the root stays the root)', example: 1 },
      SORT,
      UF_HEAD,
    ],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'change the company structure');
      const id = intval(p.ID);
      if (id <= 0) throw argumentError('ID', 'Department not found');
      const input = { name: readName(p, false), sort: integer(p, 'SORT'), parent: integer(p, 'PARENT'), head: readHead(p) };
      await runCommand(commandEnv(ctx), (tx) => updateDepartment(tx, id, input));
      return { result: true };
    },
  },
];
