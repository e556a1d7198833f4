/**
 * The `basic` methods about the caller's credential and rights: `app.info`, `user.admin`,
 * `user.access`. They need no scope.
 */
import { DepartmentTree } from '../directory/tree.js';
import type { CallContext } from '../rest/context.js';
import { intval, type Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { allDepartments } from '../store/departments.js';
import { hasActiveGroupRole } from '../store/groups.js';
import { departmentsOf } from '../store/users.js';

/** Roster has no plans: one self-hosted "licence", reported in upstream's shape. */
const LICENSE = { LANGUAGE_ID: 'en', LICENSE: 'en_selfhosted', LICENSE_TYPE: 'selfhosted', LICENSE_FAMILY: 'selfhosted' };

function appInfo(ctx: CallContext) {
  const credential = ctx.caller.credential;
  const scope = [...credential.scopes].sort();
  if (credential.kind === 'oauth' && credential.application) {
    return {
      result: {
        ID: credential.application.id,
        CODE: credential.application.clientId,
        VERSION: 1,
        STATUS: 'L',
        INSTALLED: true,
        PAYMENT_EXPIRED: 'N',
        DAYS: null,
        ...LICENSE,
        SCOPE: scope,
      },
    };
  }
  // a webhook is no application: what it can tell is its scopes and the licence, as upstream does
  return { result: { SCOPE: scope, ...LICENSE } };
}

/** `ACCESS` as a list of codes: a list, a bracket map, or one code as a string. */
function accessCodes(value: unknown): string[] {
  let items: unknown[] = [];
  if (Array.isArray(value)) items = value;
  else if (value !== null && typeof value === 'object') items = Object.values(value);
  else if (typeof value === 'string') items = [value];
  return items.filter((v): v is string => typeof v === 'string').map((v) => v.trim().toUpperCase()).filter(Boolean);
}

/**
 * Whether the caller holds one of the access codes: `U<id>` the user, `G1` administrators,
 * `G2` and `AU` everyone signed in, `D<id>` a department the user is in, `DR<id>` that
 * department or one below it, `IU<id>` employee `<id>` or one of their heads, `SG<id>_A|E|K`
 * a workgroup's owner / owner and moderators / members. Administrators hold every code.
 */
async function userAccess(ctx: CallContext, params: Params) {
  const me = ctx.caller.user.id;
  if (ctx.caller.viewer.admin) return { result: true };
  const codes = accessCodes(params.ACCESS ?? params.access);
  const db = ctx.app.store.db;
  let myDepartments: number[] | undefined;
  let tree: DepartmentTree | undefined;
  const mine = async () => (myDepartments ??= await departmentsOf(db, me));
  const structure = async () => (tree ??= new DepartmentTree(await allDepartments(db)));

  for (const code of codes) {
    if (code === 'AU' || code === 'G2' || code === `U${me}`) return { result: true };
    let m: RegExpExecArray | null;
    if ((m = /^D(\d+)$/.exec(code))) {
      if ((await mine()).includes(intval(m[1]))) return { result: true };
    } else if ((m = /^DR(\d+)$/.exec(code))) {
      const top = intval(m[1]);
      const t = await structure();
      if ((await mine()).some((d) => t.isWithin(d, top))) return { result: true };
    } else if ((m = /^IU(\d+)$/.exec(code))) {
      const employee = intval(m[1]);
      if (employee === me) return { result: true };
      // a head of one of the employee's departments, or of a department above them
      const t = await structure();
      const theirs = await departmentsOf(db, employee);
      const heads = t.ordered.filter((d) => d.head_id === me && theirs.some((x) => t.isWithin(x, d.id)));
      if (heads.length) return { result: true };
    } else if ((m = /^SG(\d+)_([AEK])$/.exec(code))) {
      const roles = m[2] === 'A' ? ['A'] : m[2] === 'E' ? ['A', 'E'] : ['A', 'E', 'K'];
      if (await hasActiveGroupRole(db, intval(m[1]), me, roles)) return { result: true };
    }
  }
  return { result: false };
}

export const appMethods: MethodDefinition[] = [
  {
    name: 'app.info',
    scope: 'basic',
    list: 'none',
    summary: 'The calling application (ID, CODE = client_id, STATUS, SCOPE, licence); for a webhook its scopes and the licence',
    params: [],
    handler: appInfo,
  },
  {
    name: 'user.admin',
    scope: 'basic',
    list: 'none',
    summary: 'Whether the caller is an administrator',
    params: [],
    handler: (ctx: CallContext) => ({ result: ctx.caller.viewer.admin }),
  },
  {
    name: 'user.access',
    scope: 'basic',
    list: 'none',
    summary: 'Whether the caller holds one of the ACCESS codes (U1, G2, AU, D5, DR5, IU7, SG3_K, ...); always true for administrators',
    params: [
      {
        name: 'ACCESS',
        aliases: ['access'],
        type: 'string[]',
        description: 'Access codes, one or a list: U<id> the user, G2/AU everyone, D<id> a department, DR<id> it or one below, IU<id> that employee or their head, SG<id>_A|E|K a group\'s owner, moderators or members',
        example: ['U1', 'D1'],
      },
    ],
    handler: userAccess,
  },
];
