/**
 * The directory's rules, written once (issue #10). The commands (REST, admin endpoints, CLI)
 * and the import validator (src/state/validate.ts) refuse a broken rule with the same rule name
 * and the same message: REST answers ERROR_ARGUMENT with `<message> [<rule>]`, import reports
 * `<path>: <message> [<rule>]`.
 *
 * - an e-mail address is used once (case-insensitively), a login once, a bot code once;
 * - a department's head is an active intranet user and a member of the department they head:
 *   a write that would break this is refused (never repaired silently), on both paths;
 * - extranet users and collabers belong to no department and head none;
 * - the department tree has one root, which is never moved or deleted, and no cycle;
 * - dates are real calendar dates; statuses come from one list (src/facts.ts).
 */
export type RuleName =
  /** the entity the command is about does not exist */
  | 'not_found'
  | 'duplicate_email'
  | 'duplicate_login'
  | 'duplicate_bot_code'
  | 'unknown_department'
  | 'unknown_parent'
  | 'unknown_head'
  | 'unknown_owner'
  | 'unknown_member'
  | 'head_not_member'
  | 'head_inactive'
  | 'extranet_department'
  | 'extranet_head'
  | 'cycle'
  | 'root'
  | 'bad_date'
  /** a uniqueness constraint of the schema fired (a write that did not check first) */
  | 'conflict';

/** A command refused by a rule: `argument` names the REST parameter it concerns. */
export class RuleError extends Error {
  constructor(
    readonly rule: RuleName,
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

/** The message of each rule, shared by both paths. */
export const ruleMessage = {
  duplicateEmail: (email: string, other: number) => `a user with e-mail ${email} already exists (user ${other})`,
  duplicateLogin: (login: string, other: number) => `the login ${login} is already taken by user ${other}`,
  duplicateBotCode: (code: string, other: number) => `a bot with code ${code} is already registered (user ${other})`,
  unknownDepartment: (id: number) => `Department ${id} does not exist`,
  unknownParent: (id: number) => `the parent, Department ${id}, does not exist`,
  unknownHead: (id: number) => `the head, User ${id}, does not exist`,
  unknownOwner: (id: number) => `owner ${id} is not a user`,
  unknownMember: (id: number, role: 'member' | 'moderator' = 'member') => `${role} ${id} is not a user`,
  headNotMember: (head: number, department: number) =>
    `user ${head} heads department ${department} but is not a member of it (add ${department} to the user's departments)`,
  headInactive: (head: number, department: number) =>
    `user ${head} heads department ${department} but is not active (give the department another head first)`,
  outsiderDepartment: (type: string) => `an ${type} user cannot belong to departments (remove them or make the user an employee)`,
  outsiderHead: (head: number, type: string, department: number) => `user ${head} is an ${type} user and cannot head department ${department}`,
  cycle: (chain: readonly number[]) => `a department cannot be under itself: department ${chain.join(' → ')} (following each parent)`,
  rootMoved: (id: number) => `department ${id} is the top-level department: it cannot be moved under another`,
  rootDeleted: (id: number) => `department ${id} is the top-level department: it cannot be deleted`,
  secondRoot: (id: number, root: number) => `department ${id} is a second top-level department (department ${root} is one already): give it a parent`,
  badDay: (key: string, value: string) => `${key} must be a calendar date as YYYY-MM-DD, got ${JSON.stringify(value).slice(0, 60)}`,
};

/**
 * The cycle a department would close by taking `parent` as its parent, as the chain
 * `[id, parent, ..., id]`, or null. `parentOf` gives each department's current parent.
 */
export function cycleThrough(id: number, parent: number, parentOf: (id: number) => number | null | undefined): number[] | null {
  const chain = [id];
  const seen = new Set<number>([id]);
  for (let at: number | null | undefined = parent; at !== null && at !== undefined; at = parentOf(at)) {
    chain.push(at);
    if (at === id) return chain;
    if (seen.has(at)) return null; // an older cycle elsewhere is not this write's doing
    seen.add(at);
  }
  return null;
}
