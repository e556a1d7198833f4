import { readUserInput } from '../directory/user-fields.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import { intval, type Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { departmentIdsExisting } from '../store/departments.js';
import { addGroupMembers, groupIdsExisting } from '../store/groups.js';
import { inTransaction, type Db } from '../store/index.js';
import { emailOwner, findUser, insertUser, setUserDepartments, updateUser } from '../store/users.js';
import { requireAdmin } from './access.js';
import { clock } from '../clock.js';

async function checkReferences(db: Db, departments?: number[], groups?: number[]) {
  if (departments?.length) {
    const found = await departmentIdsExisting(db, departments);
    const missing = departments.filter((d) => !found.has(d));
    if (missing.length) throw argumentError('UF_DEPARTMENT', `Department ${missing.join(', ')} does not exist`);
  }
  if (groups?.length) {
    const found = await groupIdsExisting(db, groups);
    const missing = groups.filter((g) => !found.has(g));
    if (missing.length) throw argumentError('SONET_GROUP_ID', `ERROR_NO_GROUP: group ${missing.join(', ')} does not exist`);
  }
}

async function checkUnique(db: Db, email: string | undefined, login: string | undefined, self?: number) {
  if (email !== undefined) {
    const owner = await emailOwner(db, email);
    if (owner !== undefined && owner !== self) throw argumentError('EMAIL', 'A user with this email already exists');
  }
  if (login !== undefined) {
    const row = await db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst();
    if (row && row.id !== self) throw argumentError('LOGIN', `The login ${login} is already taken`);
  }
}

export const userWriteMethods: MethodDefinition[] = [
  {
    name: 'user.add',
    scope: 'user',
    list: 'none',
    upperParams: true,
    summary: 'Adds an intranet (UF_DEPARTMENT) or extranet (EXTRANET=Y, SONET_GROUP_ID) user; returns the new id',
    differences: ['No invitation e-mail is sent; the user exists at once. PERSONAL_PHOTO is an absolute URL, not a file.'],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'add users');
      const input = readUserInput(p, 'add');
      const db = ctx.app.store.db;
      const now = clock.unix();
      const id = await inTransaction(db, async (trx) => {
        const login = input.columns.login ?? input.columns.email!;
        await checkUnique(trx, input.columns.email, login);
        await checkReferences(trx, input.departments, input.groups);
        const userId = await insertUser(trx, {
          ...input.columns,
          login,
          email: input.columns.email!,
          email_key: input.columns.email_key!,
          user_type: input.extranet ? 'extranet' : 'employee',
          date_register: now,
          timestamp_x: now,
        });
        await setUserDepartments(trx, userId, input.departments ?? []);
        if (input.groups?.length) for (const g of input.groups) await addGroupMembers(trx, g, [userId], now);
        return userId;
      });
      return { result: id };
    },
  },
  {
    name: 'user.update',
    scope: 'user',
    list: 'none',
    upperParams: true,
    summary: 'Changes a user\'s fields; ACTIVE=N dismisses them',
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'change users');
      const id = intval(p.ID);
      if (id <= 0) throw argumentError('ID', 'ID must be the id of an existing user');
      const input = readUserInput(p, 'update');
      const db = ctx.app.store.db;
      await inTransaction(db, async (trx) => {
        const user = await findUser(trx, id);
        if (!user) throw argumentError('ID', `User ${id} does not exist`);
        if (input.departments !== undefined) {
          if (user.user_type === 'extranet' && input.departments.length) {
            throw argumentError('UF_DEPARTMENT', 'An extranet user cannot belong to departments');
          }
          if (user.user_type !== 'extranet' && input.departments.length === 0) {
            throw argumentError('UF_DEPARTMENT', 'An intranet user must belong to at least one department');
          }
        }
        await checkUnique(trx, input.columns.email, input.columns.login, id);
        await checkReferences(trx, input.departments, input.groups);
        await updateUser(trx, id, { ...input.columns, timestamp_x: clock.unix() });
        if (input.departments !== undefined) await setUserDepartments(trx, id, input.departments);
        if (input.groups?.length) for (const g of input.groups) await addGroupMembers(trx, g, [id], clock.unix());
      });
      return { result: true };
    },
  },
];
