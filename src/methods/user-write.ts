import { addUser, updateUser } from '../directory/commands/users.js';
import { runCommand } from '../directory/commands/run.js';
import { readUserInput } from './user-fields.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import { intval, type Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { requireAdmin } from './access.js';
import { commandEnv } from './command-env.js';

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
      const id = await runCommand(commandEnv(ctx), (tx) =>
        addUser(tx, {
          columns: { ...input.columns, email: input.columns.email! },
          type: input.extranet ? 'extranet' : 'employee',
          departments: input.departments ?? [],
          groups: input.groups ?? [],
        }),
      );
      return { result: id };
    },
  },
  {
    name: 'user.update',
    scope: 'user',
    list: 'none',
    upperParams: true,
    summary: 'Changes a user\'s fields; ACTIVE=N dismisses them',
    differences: ['A department head cannot be moved out of the department they head, nor dismissed, until the department has another head (ERROR_ARGUMENT head_not_member / head_inactive).'],
    handler: async (ctx: CallContext, p: Params) => {
      requireAdmin(ctx, 'change users');
      const id = intval(p.ID);
      if (id <= 0) throw argumentError('ID', 'ID must be the id of an existing user');
      const input = readUserInput(p, 'update');
      await runCommand(commandEnv(ctx), (tx) => updateUser(tx, id, { columns: input.columns, departments: input.departments, groups: input.groups }));
      return { result: true };
    },
  },
];
