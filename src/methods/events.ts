/**
 * event.bind, event.unbind, event.get, events and event.test (issue #12): an application's
 * bindings of handlers to events. As upstream, they work only for OAuth applications; an
 * application sees and unbinds only its own bindings, and a non-administrator only the ones
 * made for them.
 */
import { clock } from '../clock.js';
import { EVENTS, eventAllowed, eventNamed, type EventDefinition } from '../events/catalog.js';
import { fanOut } from '../events/fan-out.js';
import { handlerUrlProblem, MAX_HANDLER_LENGTH } from '../events/handler-url.js';
import type { CallContext } from '../rest/context.js';
import { argumentError, RestError } from '../rest/errors.js';
import { intval, readString, type Params } from '../rest/params.js';
import type { MethodDefinition, ParamSpec } from '../rest/registry.js';
import { isScope } from '../rest/scopes.js';
import { countBindings, deleteBindings, ensureEventApp, findBindings, insertBinding } from '../store/events.js';
import { writeTransaction } from '../store/write.js';
import { findUser } from '../store/users.js';

/** Bindings one application may hold: enough for any real application, bounded for the server. */
export const MAX_BINDINGS = 500;

/** The calling application, or upstream's refusal for webhooks. */
export function requireApplication(ctx: CallContext): { id: number; clientId: string } {
  const app = ctx.caller.credential.application;
  if (ctx.caller.credential.kind !== 'oauth' || !app) throw new RestError('ACCESS_DENIED', 'Access denied! Application context required');
  return app;
}

function readEvent(ctx: CallContext, p: Params): EventDefinition {
  const name = readString(p, 'EVENT', { max: 255 });
  if (!name) throw argumentError('EVENT', 'Argument \'EVENT\' is null or empty');
  const def = eventNamed(name);
  if (!def || !eventAllowed(def, ctx.caller.credential.scopes)) throw new RestError('ERROR_EVENT_NOT_FOUND');
  return def;
}

function readEventType(p: Params): boolean {
  const type = (readString(p, 'EVENT_TYPE', { max: 20 }) ?? '').toLowerCase();
  if (type !== '' && type !== 'online' && type !== 'offline') throw argumentError('EVENT_TYPE', 'EVENT_TYPE must be online or offline');
  return type === 'offline';
}

function readHandler(ctx: CallContext, p: Params): string {
  const handler = readString(p, 'HANDLER', { max: MAX_HANDLER_LENGTH });
  if (!handler) throw argumentError('HANDLER', 'Argument \'HANDLER\' is null or empty');
  const problem = handlerUrlProblem(handler, ctx.app.config.eventHosts);
  if (problem) throw argumentError('HANDLER', `Wrong handler URL: ${problem}`);
  return handler;
}

/** AUTH_TYPE as given: undefined when absent; a user id (0: the acting user). */
function readAuthType(p: Params): number | undefined {
  const value = p.AUTH_TYPE;
  if (value === undefined || value === null || value === '') return value === '' ? 0 : undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw argumentError('AUTH_TYPE', 'AUTH_TYPE must be a user id');
  const id = intval(value);
  if (id < 0 || id > 2147483647 || !/^\s*\d+\s*$/.test(String(value))) throw argumentError('AUTH_TYPE', 'AUTH_TYPE must be a user id');
  return id;
}

function readOptions(p: Params): Record<string, unknown> {
  const value = p.OPTIONS;
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw argumentError('OPTIONS', 'OPTIONS must be an object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.toLowerCase() !== 'mintimeout') continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw argumentError('OPTIONS', 'OPTIONS[minTimeout] must be a number of seconds');
    const seconds = intval(v);
    if (seconds < 0 || seconds > 86400 || !/^\s*\d+\s*$/.test(String(v))) throw argumentError('OPTIONS', 'OPTIONS[minTimeout] must be 0 to 86400 seconds');
    out.minTimeout = seconds;
  }
  return out;
}

async function bind(ctx: CallContext, p: Params) {
  const app = requireApplication(ctx);
  const def = readEvent(ctx, p);
  const offline = readEventType(p);
  const admin = ctx.caller.viewer.admin;
  const me = ctx.caller.user.id;
  if (offline && !admin) throw new RestError('ACCESS_DENIED', 'Access denied! Offline events binding requires administrator access rights');
  const handler = offline ? '' : readHandler(ctx, p);
  let authType = readAuthType(p) ?? 0;
  if (!admin) {
    if (authType !== 0 && authType !== me) throw new RestError('ACCESS_DENIED', 'Access denied! Event binding with AUTH_TYPE requires administrator access rights');
    authType = me;
  } else if (authType > 0 && !(await findUser(ctx.app.store.db, authType))) {
    throw argumentError('AUTH_TYPE', `AUTH_TYPE ${authType} is not a user`);
  }
  const connector = readString(p, 'AUTH_CONNECTOR', { max: 255 }) ?? '';
  const options = readOptions(p);
  const now = clock.unix();
  await writeTransaction(ctx.app.store, async (trx) => {
    await ensureEventApp(trx, app.id, now);
    if ((await findBindings(trx, { appId: app.id, event: def.name, handler, authType, offline })).length) {
      throw new RestError('ERROR_CORE', 'Unable to set event handler: Handler already binded');
    }
    if ((await countBindings(trx, app.id)) >= MAX_BINDINGS) {
      throw new RestError('ERROR_CORE', `Unable to set event handler: an application holds at most ${MAX_BINDINGS} bindings`);
    }
    await insertBinding(trx, {
      app_id: app.id,
      hook_id: null,
      event: def.name,
      handler,
      auth_type: authType,
      user_id: me,
      offline: offline ? 1 : 0,
      connector,
      options: JSON.stringify(options),
      date_create: now,
    });
  });
  return { result: true };
}

async function unbind(ctx: CallContext, p: Params) {
  const app = requireApplication(ctx);
  const def = readEvent(ctx, p);
  const offline = readEventType(p);
  const admin = ctx.caller.viewer.admin;
  if (offline && !admin) throw new RestError('ACCESS_DENIED', 'Access denied! Offline events unbinding requires administrator access rights');
  const handler = offline ? undefined : readHandler(ctx, p);
  const authType = readAuthType(p);
  if (!admin && authType !== undefined && authType !== 0 && authType !== ctx.caller.user.id) {
    throw new RestError('ACCESS_DENIED', 'Access denied! Event unbinding with AUTH_TYPE requires administrator access rights');
  }
  const db = ctx.app.store.db;
  const rows = await findBindings(db, {
    appId: app.id,
    event: def.name,
    handler,
    offline,
    ...(admin ? (authType !== undefined ? { authType } : {}) : { userId: ctx.caller.user.id }),
  });
  return { result: { count: await deleteBindings(db, rows.map((r) => r.id)) } };
}

async function get(ctx: CallContext) {
  const app = requireApplication(ctx);
  const rows = await findBindings(ctx.app.store.db, { appId: app.id, ...(ctx.caller.viewer.admin ? {} : { userId: ctx.caller.user.id }) });
  return { result: rows.map((r) => ({ event: r.event, handler: r.handler, auth_type: String(r.auth_type), offline: r.offline })) };
}

function events(ctx: CallContext, p: Params) {
  requireApplication(ctx);
  const scope = readString(p, 'SCOPE', { max: 50 });
  const full = p.FULL === true || p.FULL === 'true' || p.FULL === 'Y' || p.FULL === '1' || p.FULL === 1;
  let list: readonly EventDefinition[];
  if (scope !== undefined && scope !== '') {
    const name = scope.toLowerCase();
    if (name !== 'basic' && !isScope(name)) return { result: [] };
    list = EVENTS.filter((e) => (name === 'basic' ? e.scopes.length === 0 : e.scopes.includes(name)));
  } else if (full) list = EVENTS;
  else list = EVENTS.filter((e) => eventAllowed(e, ctx.caller.credential.scopes));
  return { result: list.map((e) => e.name) };
}

async function test(ctx: CallContext, p: Params) {
  const app = requireApplication(ctx);
  const query: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (k.toLowerCase() !== 'auth') query[k] = v;
  await writeTransaction(ctx.app.store, (trx) =>
    fanOut(trx, [{ event: 'ONAPPTEST', data: { QUERY: query }, actor: ctx.caller.user.id, appId: app.id }], { now: clock.now(), changeSeq: null }),
  );
  ctx.app.events?.wake();
  return { result: 1 };
}

const EVENT: ParamSpec = { name: 'EVENT', type: 'string', required: true, description: 'The event\'s name, in any letter case (the `events` method lists them)', example: 'ONUSERADD' };
const EVENT_TYPE: ParamSpec = { name: 'EVENT_TYPE', type: 'enum', values: ['online', 'offline'], description: 'online (a handler URL, the default) or offline (the application\'s queue; administrators only)', example: 'online' };
const HANDLER: ParamSpec = { name: 'HANDLER', type: 'string', description: 'The handler URL (http(s)); required unless EVENT_TYPE is offline', example: 'https://example.com/roster-events' };
const AUTH_TYPE: ParamSpec = { name: 'AUTH_TYPE', type: 'int', description: 'The user whose tokens come with the event (0: whoever acted); another user than oneself only for administrators', example: 0 };

const APP_ONLY = 'Applications only (OAuth): a webhook gets ACCESS_DENIED "Application context required", as upstream.';

export const eventMethods: MethodDefinition[] = [
  {
    name: 'event.bind',
    scope: 'basic',
    list: 'none',
    upperParams: true,
    summary: 'Binds a handler URL (online) or the offline queue (EVENT_TYPE=offline) to an event for the calling application',
    differences: [
      APP_ONLY,
      'Handler URLs may be on any host, localhost included, unless the server restricts them with --event-hosts; at most 2,048 characters, http(s) only, no credentials.',
      'AUTH_CONNECTOR is stored and separates offline queues, but calls are not yet tagged with it: an application\'s own changes still reach its queue.',
    ],
    params: [
      EVENT,
      EVENT_TYPE,
      HANDLER,
      AUTH_TYPE,
      { name: 'AUTH_CONNECTOR', type: 'string', description: 'A connector name that keeps this binding\'s offline queue apart', example: '' },
      { name: 'OPTIONS', type: 'object', description: '{minTimeout: seconds}: how often ONOFFLINEEVENT may be sent at most', example: { minTimeout: 60 } },
    ],
    handler: bind,
  },
  {
    name: 'event.unbind',
    scope: 'basic',
    list: 'none',
    upperParams: true,
    summary: 'Removes the calling application\'s bindings of EVENT to HANDLER (all auth types, or AUTH_TYPE); returns the count',
    differences: [APP_ONLY],
    params: [EVENT, EVENT_TYPE, HANDLER, { ...AUTH_TYPE, description: 'Only the bindings of this AUTH_TYPE (default: all)' }],
    handler: unbind,
  },
  {
    name: 'event.get',
    scope: 'basic',
    list: 'none',
    summary: 'The calling application\'s bindings (event, handler, auth_type, offline); a non-administrator sees only their own',
    differences: [APP_ONLY],
    params: [],
    handler: get,
  },
  {
    name: 'events',
    scope: 'basic',
    list: 'none',
    upperParams: true,
    summary: 'Names of the events Roster can send for the caller\'s scopes (SCOPE=x those of one scope, FULL=true all), Roster\'s ONROSTER* extensions included',
    differences: [APP_ONLY, 'The ONROSTER* events are Roster extensions (docs/EVENTS.md).'],
    params: [
      { name: 'SCOPE', type: 'string', description: 'Only the events of this scope (`basic`: those that need none)', example: 'user' },
      { name: 'FULL', type: 'bool', description: 'Every event, not only those the caller\'s scopes allow', example: true },
    ],
    handler: events,
  },
  {
    name: 'event.test',
    scope: 'basic',
    list: 'none',
    summary: 'Sends ONAPPTEST with the call\'s parameters as data[QUERY] to the calling application\'s ONAPPTEST handlers; returns 1',
    differences: [APP_ONLY],
    // whatever is sent travels as data[QUERY]: no parameter of its own
    params: [],
    handler: test,
  },
];
