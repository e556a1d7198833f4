import { presentImUser, type ImUser } from '../directory/user-object.js';
import { userForm } from '../read/model.js';
import { memoryReads, presentOptions, today, type CallContext } from '../rest/context.js';
import { RestError } from '../rest/errors.js';
import { hasValue, intval, isYes, readIdList, readString, type Params } from '../rest/params.js';
import type { MethodDefinition, ParamSpec } from '../rest/registry.js';
import { andThen, type MaybePromise } from '../rest/maybe-async.js';
import { RawJson, WireMap } from '../rest/wire-map.js';
import { loadUsers } from '../store/users.js';

/** How long presenting users may hold the event loop before other requests get a turn. */
const SLICE_MS = 4;

/** User objects for the ids, `null` where the id is unknown or hidden from the caller: from memory without a promise, unless many take long. */
export function imUsersById(ctx: CallContext, ids: readonly number[], avatarHr: boolean): MaybePromise<(ImUser | RawJson | null)[]> {
  ctx.budget.takeUsers(ids.length);
  const model = memoryReads(ctx);
  if (!model) return imUsersFromSql(ctx, ids, avatarHr);
  if (ids.length === 1) {
    // im.user.get of one user, fifty times in a batch: no lists, nothing to slice
    const entry = model.user(ids[0]!);
    const shown = entry && model.visibility(ctx.caller.viewer)(ids[0]!) ? entry : undefined;
    return [shown ? new RawJson(model.imUserJson(shown, userForm(ctx.app.config, ctx.baseUrl, avatarHr, today(ctx)))) : null];
  }
  // from memory: the bytes serialized once per user version, the same presenter behind them.
  // The entries are taken in one go (one version of the directory; entries are never changed),
  // then serialized with the event loop served every few milliseconds: a thousand users no
  // one asked for since the start take tens of milliseconds to present
  const form = userForm(ctx.app.config, ctx.baseUrl, avatarHr, today(ctx));
  const visible = model.visibility(ctx.caller.viewer);
  const entries = ids.map((id) => {
    const entry = model.user(id);
    return entry && visible(id) ? entry : null;
  });
  const out: (RawJson | null)[] = [];
  const present = (from: number): MaybePromise<(RawJson | null)[]> => {
    const since = performance.now();
    for (let i = from; i < entries.length; i++) {
      const entry = entries[i]!;
      out.push(entry && new RawJson(model.imUserJson(entry, form)));
      if (i % 64 === 63 && i + 1 < entries.length && performance.now() - since > SLICE_MS) {
        return new Promise<void>((resume) => setImmediate(resume)).then(() => present(i + 1));
      }
    }
    return out;
  };
  return present(0);
}

async function imUsersFromSql(ctx: CallContext, ids: readonly number[], avatarHr: boolean): Promise<(ImUser | null)[]> {
  const users = await loadUsers(ctx.app.store.db, ids, ctx.caller.viewer, today(ctx));
  const opts = presentOptions(ctx);
  return ids.map((id) => {
    const user = users.get(id);
    return user ? presentImUser(user, opts, { avatarHr }) : null;
  });
}

/** im.user.get's ID: absent (or null) means the caller; otherwise one id, read with intval. */
function readUserId(ctx: CallContext, p: Params): number {
  if (!hasValue(p, 'ID')) return ctx.caller.user.id;
  // upstream's intval turns any array into 1, i.e. silently user 1: a list is refused instead
  if (typeof p.ID === 'object') throw new RestError('ID_EMPTY', 'ID must be a single user id, not a list');
  const id = intval(p.ID);
  if (id <= 0) throw new RestError('ID_EMPTY');
  return id;
}

/** AVATAR_HR of the methods that answer user objects. */
export const AVATAR_HR: ParamSpec = { name: 'AVATAR_HR', type: 'Y/N', description: 'Y adds `avatar_hr`, the high-resolution photo URL, to each user object', example: 'Y' };

/** The messenger's API revisions, as upstream's \Bitrix\Im\Revision reports them today. */
export const REVISION = { rest: 33, web: 130, mobile: 23, desktop: 6, im_revision_mobile: 23 } as const;

export const imUserMethods: MethodDefinition[] = [
  {
    name: 'im.user.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'One user object: ID, or the current user without ID',
    differences: [
      'An id an extranet caller may not see answers USER_NOT_EXISTS, exactly like an id that does not exist (no existence oracle); upstream answers ACCESS_DENIED "You can request only users who consist of your extranet group".',
      'ID given as a list (`ID[]=5`, `[5]`) is ID_EMPTY with a description that says so; upstream reads any array as user 1.',
      '`avatar_hr` only with `AVATAR_HR=Y` (seed documents); `status` and `idle` are the user\'s real ones.',
    ],
    params: [
      { name: 'ID', type: 'int', description: 'The user\'s id; without it the calling user. A list is ID_EMPTY.', example: 1 },
      AVATAR_HR,
    ],
    handler: (ctx: CallContext, p: Params) =>
      andThen(imUsersById(ctx, [readUserId(ctx, p)], isYes(p.AVATAR_HR)), ([user]) => {
        if (!user) throw new RestError('USER_NOT_EXISTS');
        return { result: user };
      }),
  },
  {
    name: 'im.revision.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'The messenger API revisions: rest, web, mobile, desktop and im_revision_mobile',
    params: [],
    handler: () => ({ result: { ...REVISION } }),
  },
  {
    name: 'im.user.list.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'User objects for a list of ids, keyed by id (or a list with RESULT_TYPE=array)',
    differences: [
      'Without `ID` returns the current user (seed documents); upstream answers INVALID_FORMAT.',
      '`avatar_hr` only with `AVATAR_HR=Y` (seed documents).',
      'Ids an extranet caller may not see are `null`, like unknown ids, and the caller\'s own id is returned; upstream omits both.',
      'More than the configured maximum of ids (default 1000) is INVALID_FORMAT with a description that says so.',
    ],
    params: [
      {
        name: 'ID',
        type: 'int[]',
        description: 'User ids: a list, a bracket array or a string holding one ("[4,5]"); duplicates and non-positive ids dropped. Without it the calling user; present but yielding no id: INVALID_FORMAT.',
        example: [1, 2],
      },
      AVATAR_HR,
      { name: 'RESULT_TYPE', type: 'enum', values: ['array'], description: '`array`: a list in request order instead of an object keyed by id', example: 'array' },
    ],
    handler: (ctx: CallContext, p: Params) => {
      const ids = hasValue(p, 'ID')
        ? readIdList(p.ID, { max: ctx.app.config.maxIds, emptyCode: 'INVALID_FORMAT' })
        : [ctx.caller.user.id];
      const asList = readString(p, 'RESULT_TYPE')?.toLowerCase() === 'array';
      return andThen(imUsersById(ctx, ids, isYes(p.AVATAR_HR)), (users) => ({
        result: asList ? users : WireMap.from(ids.map((id, i) => [id, users[i]] as const)),
      }));
    },
  },
];
