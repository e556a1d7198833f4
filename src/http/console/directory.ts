/**
 * The web console's own directory reads (docs/CONSOLE.md), where a page needs what no REST method
 * answers in one call:
 *
 * - `GET /_roster/console/api/people`: the whole directory searched (the word rule of
 *   im.search.user.list), filtered, sorted and paged together, so that filters narrow every
 *   match and not the page that came back (src/store/people.ts, src/read/people.ts);
 * - `GET /_roster/console/api/departments`: every department in structure order with its head's
 *   id and its count of active members, for the org chart and the department filter: one answer
 *   whose size follows the departments, not the users (the org chart asks im.user.list.get for
 *   the heads it shows).
 *
 * Both read the read model when it is loaded, else the store; user objects come from
 * im.user.list.get called as the signed-in administrator.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DepartmentTree } from '../../directory/tree.js';
import { FIND_MAX, searchWords } from '../../methods/im-search.js';
import { baseUrlOf } from '../../rest/base-url.js';
import { viewerOf, type App, type Caller } from '../../rest/context.js';
import { findMethod, invoke } from '../../rest/dispatcher.js';
import { zodProblems } from '../../rest/faults.js';
import { SCOPES } from '../../rest/scopes.js';
import { activeMemberCounts, allDepartments } from '../../store/departments.js';
import { findPeople, PEOPLE_KINDS, PEOPLE_SORTS, PEOPLE_STATES, type PeopleQuery } from '../../store/people.js';
import type { UserRow } from '../../store/users.js';
import { send } from '../admin.js';
import { toJson } from '../json.js';

/** The signed-in administrator as a caller with every scope: the console sees what an all-scope webhook of theirs sees. */
export function callerOf(user: UserRow): Caller {
  return { user, viewer: viewerOf(user), credential: { kind: 'webhook', id: 0, scopes: new Set<string>([...SCOPES]) } };
}

/** Rows per page of the console's directory. */
export const PEOPLE_PAGE = 50;
/** Words one directory search may hold: each costs a pass over the department names and its candidates. */
const MAX_WORDS = 10;

const peopleQuery = z
  .object({
    q: z.string().max(FIND_MAX).optional(),
    department: z.string().regex(/^\d{1,10}$/, 'must be a department id').transform(Number).optional(),
    kind: z.enum(PEOPLE_KINDS).default('all'),
    active: z.enum(PEOPLE_STATES).default('active'),
    sort: z.enum(PEOPLE_SORTS).default('LAST_NAME'),
    order: z.enum(['ASC', 'DESC']).default('ASC'),
    page: z.string().regex(/^\d{1,6}$/, 'must be a page number from 0').transform(Number).default(0),
  })
  .strict();

/** User objects as im.user.list.get gives them to the signed-in administrator, in the order of the ids (a page's worth). */
async function imUsersOf(app: App, user: UserRow, request: FastifyRequest, ids: readonly number[]): Promise<unknown[]> {
  if (ids.length === 0) return [];
  const outcome = await invoke(app, callerOf(user), findMethod(app, 'im.user.list.get'), { ID: ids, RESULT_TYPE: 'array' }, { baseUrl: baseUrlOf(app, request), requestId: request.id as string });
  return outcome.result as unknown[];
}

/** The two routes, under the console's sign-in (`api` is their prefix). */
export function directoryRoutes(server: FastifyInstance, app: App, api: string, userOf: (request: FastifyRequest) => UserRow) {
  server.get(`${api}/people`, async (request, reply) => {
    const parsed = peopleQuery.safeParse(request.query ?? {});
    if (!parsed.success) {
      const problems = zodProblems(parsed.error);
      return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: problems.map((p) => `${p.path} ${p.message}`).join('; '), problems });
    }
    const f = parsed.data;
    const text = (f.q ?? '').replace(/\p{Cc}/gu, ' ').trim();
    // below two characters nothing is searched: the whole directory, as the search field starts
    const words = [...text].length >= 2 ? searchWords(text) : [];
    if (words.length > MAX_WORDS) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: `Search for at most ${MAX_WORDS} words at once` });
    const query: PeopleQuery = {
      words,
      department: f.department ?? null,
      kind: f.kind,
      active: f.active,
      sort: f.sort,
      desc: f.order === 'DESC',
      offset: f.page * PEOPLE_PAGE,
      limit: PEOPLE_PAGE,
    };
    const viewer = viewerOf(userOf(request));
    const model = app.read?.loaded ? app.read : undefined;
    const { total, ids } = model ? model.people(query, viewer) : await findPeople(app.store.db, app.store.dialect, viewer, query);
    const users = await imUsersOf(app, userOf(request), request, ids);
    return reply.code(200).type('application/json; charset=utf-8').send(toJson({ total, page: f.page, page_size: PEOPLE_PAGE, words, users }));
  });

  server.get(`${api}/departments`, async (_request, reply) => {
    const model = app.read?.loaded ? app.read : undefined;
    const [tree, count] = model
      ? [model.tree(), (id: number) => model.activeMemberIds(id).length]
      : await Promise.all([
          allDepartments(app.store.db).then((rows) => new DepartmentTree(rows)),
          activeMemberCounts(app.store.db).then((counts) => (id: number) => counts.get(id) ?? 0),
        ]);
    const departments = tree.ordered.map((d) => ({ id: d.id, name: d.name, parent: d.parent_id, sort: d.sort, head: d.head_id, members: count(d.id) }));
    return send(reply, 200, { departments });
  });
}
