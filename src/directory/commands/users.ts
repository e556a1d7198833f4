/** User commands: add, update (dismissal included), departments, password. */
import type { Updateable } from 'kysely';
import { emailKey, isOutsider } from '../../facts.js';
import { departmentIdsExisting } from '../../store/departments.js';
import { addGroupMembers, groupIdsExisting } from '../../store/groups.js';
import type { UsersTable } from '../../store/schema.js';
import {
  departmentsHeadedBy, departmentsOf, emailOwner, findUser, insertUser, loginOwner, setUserDepartments, updateUser as writeUser,
  type UserRow,
} from '../../store/users.js';
import { clock } from '../../clock.js';
import { RuleError, ruleMessage } from '../rules.js';
import type { Tx } from './run.js';

export type UserColumns = Pick<Updateable<UsersTable>,
  'login' | 'email' | 'active' | 'name' | 'last_name' | 'second_name' | 'work_position' | 'gender' | 'birthday'
  | 'photo' | 'personal_mobile' | 'personal_phone' | 'work_phone' | 'website'>;

export interface NewUser {
  columns: UserColumns & { email: string };
  type: 'employee' | 'extranet' | 'collaber';
  departments: number[];
  groups: number[];
}

export interface UserChange {
  columns: UserColumns;
  departments?: number[];
  groups?: number[];
}

/** Refuses an e-mail or login another user holds. */
export async function checkUnique(tx: Tx, values: { email?: string; login?: string }, self?: number): Promise<void> {
  if (values.email !== undefined) {
    const owner = await emailOwner(tx.db, values.email);
    if (owner !== undefined && owner !== self) throw new RuleError('duplicate_email', 'EMAIL', ruleMessage.duplicateEmail(values.email, owner));
  }
  if (values.login !== undefined) {
    const owner = await loginOwner(tx.db, values.login);
    if (owner !== undefined && owner !== self) throw new RuleError('duplicate_login', 'LOGIN', ruleMessage.duplicateLogin(values.login, owner));
  }
}

/** Refuses departments that do not exist, and any department for an extranet user or collaber. */
async function checkDepartments(tx: Tx, type: string, departments: readonly number[]): Promise<void> {
  if (departments.length && isOutsider(type)) throw new RuleError('extranet_department', 'UF_DEPARTMENT', ruleMessage.outsiderDepartment(type));
  const found = await departmentIdsExisting(tx.db, departments);
  const missing = departments.find((d) => !found.has(d));
  if (missing !== undefined) throw new RuleError('unknown_department', 'UF_DEPARTMENT', ruleMessage.unknownDepartment(missing));
}

async function checkGroups(tx: Tx, groups: readonly number[]): Promise<void> {
  const found = await groupIdsExisting(tx.db, groups);
  const missing = groups.filter((g) => !found.has(g));
  if (missing.length) throw new RuleError('not_found', 'SONET_GROUP_ID', `ERROR_NO_GROUP: group ${missing.join(', ')} does not exist`);
}

/** The fields of a users row that changed, by their wire-neutral names. */
function changedFields(before: UserRow | undefined, columns: UserColumns): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(columns)) {
    if (value !== undefined && (!before || before[key as keyof UserRow] !== value)) out[key] = value;
  }
  return out;
}

export async function addUser(tx: Tx, input: NewUser): Promise<number> {
  const now = clock.unix();
  const login = input.columns.login ?? input.columns.email;
  await checkUnique(tx, { email: input.columns.email, login });
  await checkDepartments(tx, input.type, input.departments);
  await checkGroups(tx, input.groups);
  const id = await insertUser(tx.db, {
    ...input.columns,
    login,
    email_key: emailKey(input.columns.email),
    user_type: input.type,
    date_register: now,
    timestamp_x: now,
  });
  await setUserDepartments(tx.db, id, input.departments);
  for (const g of input.groups) await addGroupMembers(tx.db, g, [id], now);
  await tx.changed(
    { kind: 'user.added', entity: id, fields: { ...changedFields(undefined, { ...input.columns, login }), type: input.type, departments: input.departments } },
    ...input.groups.map((g) => ({ kind: 'group.members' as const, entity: g, fields: { added: [id] } })),
  );
  return id;
}

/**
 * Changes a user's fields, departments and groups. A head stays an active member of what they
 * head: moving them out of it or dismissing them is refused (see rules.ts).
 */
export async function updateUser(tx: Tx, id: number, change: UserChange): Promise<void> {
  const user = await findUser(tx.db, id);
  if (!user) throw new RuleError('not_found', 'ID', `User ${id} does not exist`);
  const { columns } = change;
  await checkUnique(tx, { email: columns.email, login: columns.login }, id);
  const headed = change.departments !== undefined || columns.active === 0 ? await departmentsHeadedBy(tx.db, id) : [];
  if (change.departments !== undefined) {
    if (!isOutsider(user.user_type) && change.departments.length === 0) {
      throw new RuleError('unknown_department', 'UF_DEPARTMENT', 'an intranet user must belong to at least one department');
    }
    await checkDepartments(tx, user.user_type, change.departments);
    const left = headed.find((d) => !change.departments!.includes(d));
    if (left !== undefined) throw new RuleError('head_not_member', 'UF_DEPARTMENT', ruleMessage.headNotMember(id, left));
  }
  if (columns.active === 0 && user.active === 1 && headed.length) {
    throw new RuleError('head_inactive', 'ACTIVE', ruleMessage.headInactive(id, headed[0]!));
  }
  if (change.groups?.length) await checkGroups(tx, change.groups);

  const fields = changedFields(user, columns);
  const now = clock.unix();
  const departmentsChanged = change.departments !== undefined && (await departmentsOf(tx.db, id)).join() !== change.departments.join();
  // TIMESTAMP_X moves only with a change that is recorded: an update that changes nothing leaves
  // the row as it was, so every reader of the change feed (the read model) knows the row
  if (Object.keys(fields).length || departmentsChanged) {
    await writeUser(tx.db, id, { ...columns, ...(columns.email !== undefined ? { email_key: emailKey(columns.email) } : {}), timestamp_x: now });
  }
  const changes: Parameters<Tx['changed']> = [];
  if (Object.keys(fields).length) {
    const dismissed = fields.active === 0;
    changes.push({ kind: dismissed ? 'user.dismissed' : 'user.updated', entity: id, fields });
  }
  if (departmentsChanged) {
    await setUserDepartments(tx.db, id, change.departments!);
    changes.push({ kind: 'user.departments', entity: id, fields: { departments: change.departments } });
  }
  for (const g of change.groups ?? []) {
    const added = await addGroupMembers(tx.db, g, [id], now);
    if (added.length) changes.push({ kind: 'group.members', entity: g, fields: { added } });
  }
  await tx.changed(...changes);
}

/** Sets (or clears, with null) the password hash of the sign-in page. */
export async function setPassword(tx: Tx, id: number, passwordHash: string | null): Promise<void> {
  if (!(await findUser(tx.db, id))) throw new RuleError('not_found', 'ID', `User ${id} does not exist`);
  await writeUser(tx.db, id, { password_hash: passwordHash });
  // the hash itself never goes into the feed
  await tx.changed({ kind: 'user.updated', entity: id, fields: { password: passwordHash === null ? 'cleared' : 'set' } });
}
