import { DepartmentTree } from '../directory/tree.js';
import { text } from '../directory/user-fields.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import { hasValue, intval, type Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { allDepartments, ensureMember, findDepartment, insertDepartment, updateDepartment } from '../store/departments.js';
import { inTransaction, type Db } from '../store/index.js';
import { findUser } from '../store/users.js';
import { requireAdmin } from './access.js';

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

/** UF_HEAD: an existing user id, or 0 / '' for no head. */
async function readHead(db: Db, p: Params): Promise<number | null | undefined> {
  if (!hasValue(p, 'UF_HEAD')) return undefined;
  if (p.UF_HEAD === '' || p.UF_HEAD === 0 || p.UF_HEAD === '0') return null;
  const id = integer(p, 'UF_HEAD')!;
  const user = await findUser(db, id);
  if (!user) throw argumentError('UF_HEAD', `User ${id} does not exist`);
  if (user.user_type === 'extranet') throw argumentError('UF_HEAD', 'An extranet user cannot head a department');
  return id;
}

async function readParent(db: Db, p: Params): Promise<number | undefined> {
  const parent = integer(p, 'PARENT');
  if (parent === undefined) return undefined;
  if (parent <= 0 || !(await findDepartment(db, parent))) throw argumentError('PARENT', `Department ${parent} does not exist`);
  return parent;
}

function readName(p: Params, required: boolean): string | undefined {
  const name = text(p, 'NAME', 255);
  if ((required || name !== undefined) && !name) throw argumentError('NAME', 'Department name not provided.');
  return name;
}

export const departmentWriteMethods: MethodDefinition[] = [
  {
    name: 'department.add',
    scope: 'department',
    list: 'none',
    upperParams: true,
    summary: 'Adds a department under PARENT, with NAME, SORT and UF_HEAD; returns the new id',
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'change the company structure');
      const name = readName(p, true)!;
      const sort = integer(p, 'SORT') ?? 500;
      const id = await inTransaction(ctx.app.store.db, async (trx) => {
        const parent = await readParent(trx, p);
        if (parent === undefined) throw argumentError('PARENT', 'There can only be one top-level department in the company structure: PARENT is required');
        const head = await readHead(trx, p);
        const newId = await insertDepartment(trx, { name, parent_id: parent, sort, head_id: head ?? null });
        if (head) await ensureMember(trx, head, newId);
        return newId;
      });
      return { result: id };
    },
  },
  {
    name: 'department.update',
    scope: 'department',
    list: 'none',
    upperParams: true,
    summary: 'Changes a department\'s NAME, PARENT, SORT or UF_HEAD',
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'change the company structure');
      const id = intval(p.ID);
      const name = readName(p, false);
      const sort = integer(p, 'SORT');
      await inTransaction(ctx.app.store.db, async (trx) => {
        const department = id > 0 ? await findDepartment(trx, id) : undefined;
        if (!department) throw argumentError('ID', 'Department not found');
        const parent = await readParent(trx, p);
        if (parent !== undefined) {
          if (department.parent_id === null) throw argumentError('PARENT', 'The top-level department cannot be moved');
          const tree = new DepartmentTree(await allDepartments(trx));
          if (tree.isWithin(parent, id)) throw argumentError('PARENT', 'A department cannot be moved under itself or its sub-departments');
        }
        const head = await readHead(trx, p);
        await updateDepartment(trx, id, {
          ...(name !== undefined ? { name } : {}),
          ...(sort !== undefined ? { sort } : {}),
          ...(parent !== undefined ? { parent_id: parent } : {}),
          ...(head !== undefined ? { head_id: head } : {}),
        });
        if (head) await ensureMember(trx, head, id);
      });
      return { result: true };
    },
  },
];
