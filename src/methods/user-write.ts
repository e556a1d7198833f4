import { addUser, updateUser } from '../directory/commands/users.js';
import { runCommand } from '../directory/commands/run.js';
import { readUserInput } from './user-fields.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import { intval, type Params } from '../rest/params.js';
import type { MethodDefinition, ParamSpec } from '../rest/registry.js';
import { requireAdmin } from './access.js';
import { commandEnv } from './command-env.js';

/** The user fields user.add and user.update write (user-fields.ts reads them). */
const USER_FIELDS: ParamSpec[] = [
  { name: 'LOGIN', type: 'string', description: 'Sign-in name, unique, 3 to 50 characters (user.add without it: the e-mail address)', example: 'new.hire' },
  { name: 'ACTIVE', type: 'Y/N', description: 'N dismisses the user (a department head only once the department has another head)', example: 'Y' },
  { name: 'NAME', type: 'string', description: 'First name, at most 50 characters', example: 'New' },
  { name: 'LAST_NAME', type: 'string', description: 'Last name, at most 50 characters', example: 'Hire' },
  { name: 'SECOND_NAME', type: 'string', description: 'Middle name, at most 50 characters', example: '' },
  { name: 'WORK_POSITION', type: 'string', description: 'Position, at most 255 characters', example: 'Engineer' },
  { name: 'PERSONAL_MOBILE', type: 'string', description: 'Mobile phone', example: '+49 151 0000000' },
  { name: 'PERSONAL_PHONE', type: 'string', description: 'Personal phone', example: '' },
  { name: 'WORK_PHONE', type: 'string', description: 'Work phone', example: '' },
  { name: 'PERSONAL_WWW', type: 'string', description: 'Website', example: '' },
  { name: 'PERSONAL_GENDER', type: 'enum', values: ['M', 'F', ''], description: 'M, F or empty', example: 'F' },
  { name: 'PERSONAL_BIRTHDAY', type: 'string', description: 'Birthday, YYYY-MM-DD (a full ISO date-time counts for its date); empty clears it', example: '1990-05-17' },
  { name: 'PERSONAL_PHOTO', type: 'string', description: 'Photo: an absolute http(s) URL, not a file', example: '' },
  { name: 'UF_DEPARTMENT', type: 'int[]', description: 'Department ids (one or a list); required for an intranet user.add, replaces the memberships on update', example: [1] },
  { name: 'SONET_GROUP_ID', type: 'int[]', description: 'Workgroup ids (one or a list); required for an extranet user', example: [] },
];

export const userWriteMethods: MethodDefinition[] = [
  {
    name: 'user.add',
    scope: 'user',
    list: 'none',
    upperParams: true,
    summary: 'Adds an intranet (UF_DEPARTMENT) or extranet (EXTRANET=Y, SONET_GROUP_ID) user; returns the new id',
    differences: ['No invitation e-mail is sent; the user exists at once. PERSONAL_PHOTO is an absolute URL, not a file.'],
    params: [
      { name: 'EMAIL', type: 'string', required: true, description: 'E-mail address, unique ignoring case', example: 'new.hire@example.com' },
      ...USER_FIELDS,
      { name: 'EXTRANET', type: 'Y/N', description: 'Y adds an extranet user: SONET_GROUP_ID instead of UF_DEPARTMENT', example: 'N' },
    ],
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
    params: [
      { name: 'ID', type: 'int', required: true, description: 'The user to change', example: 2 },
      { name: 'EMAIL', type: 'string', description: 'E-mail address, unique ignoring case', example: 'new.address@example.com' },
      ...USER_FIELDS,
    ],
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
