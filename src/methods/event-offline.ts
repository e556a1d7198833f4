/**
 * event.offline.get, .list, .clear and .error (issue #12): the calling application's offline
 * queue. Administrators only, as upstream. `get` with clear=0 reserves the records under a
 * process_id that `clear` and `error` then name; reserved records are hidden from other gets.
 */
import { randomBytes } from 'node:crypto';
import { formatAtom } from '../directory/dates.js';
import type { CallContext } from '../rest/context.js';
import { argumentError, RestError } from '../rest/errors.js';
import { intval, readString, type Params } from '../rest/params.js';
import type { MethodDefinition, ParamSpec } from '../rest/registry.js';
import {
  clearOffline,
  listOffline,
  markOfflineErrors,
  takeOffline,
  type OfflineColumn,
  type OfflineCondition,
  type OfflineQuery,
  type OfflineRow,
} from '../store/events.js';
import { requireApplication } from './events.js';

/** Records one call reads, marks or clears at most. */
export const OFFLINE_BATCH = 50;
const MAX_CONDITIONS = 20;

const COLUMNS: Readonly<Record<string, OfflineColumn>> = {
  ID: 'id',
  TIMESTAMP_X: 'timestamp_x',
  EVENT_NAME: 'event',
  MESSAGE_ID: 'message_id',
  PROCESS_ID: 'process_id',
  ERROR: 'error',
};
const GET_FIELDS = ['ID', 'TIMESTAMP_X', 'EVENT_NAME', 'MESSAGE_ID'];
const LIST_FIELDS = [...GET_FIELDS, 'PROCESS_ID', 'ERROR'];

function requireOfflineAccess(ctx: CallContext): number {
  const app = requireApplication(ctx);
  if (!ctx.caller.viewer.admin) throw new RestError('ACCESS_DENIED', 'Access denied!');
  return app.id;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function readFilter(p: Params, fields: string[]): OfflineCondition[] {
  const value = p.FILTER;
  if (value === undefined || value === null || value === '') return [];
  if (!isMap(value)) throw argumentError('FILTER', 'FILTER must be an object such as FILTER[>ID]=10');
  const entries = Object.entries(value);
  if (entries.length > MAX_CONDITIONS) throw argumentError('FILTER', `FILTER takes at most ${MAX_CONDITIONS} conditions`);
  return entries.map(([key, v]) => {
    const m = /^(=|!=|!|<=|>=|<|>)?([A-Za-z_]+)$/.exec(key.trim());
    const name = m?.[2]?.toUpperCase() ?? '';
    if (!m || !fields.includes(name)) throw argumentError('FILTER', `FILTER cannot filter by ${key}: use ${fields.join(', ')}`);
    const op = (m[1] === '!' ? '!=' : (m[1] ?? '=')) as OfflineCondition['op'];
    if (typeof v !== 'string' && typeof v !== 'number') throw argumentError('FILTER', `FILTER[${key}] must be a single value`);
    const column = COLUMNS[name]!;
    let parsed: string | number = String(v).slice(0, 255);
    if (column === 'id' || column === 'error') parsed = intval(v);
    else if (column === 'timestamp_x') {
      const ms = typeof v === 'number' ? v * 1000 : Date.parse(v);
      if (!Number.isFinite(ms)) throw argumentError('FILTER', `FILTER[${key}] must be a date such as 2024-07-18T12:32:31+02:00`);
      parsed = ms;
    } else if (column === 'event') parsed = parsed.toUpperCase();
    return { column, op, value: parsed };
  });
}

function readOrder(p: Params, fields: string[], fallback: OfflineQuery['order']): OfflineQuery['order'] {
  const value = p.ORDER;
  if (value === undefined || value === null || value === '') return fallback;
  if (!isMap(value)) throw argumentError('ORDER', 'ORDER must be an object such as ORDER[ID]=DESC');
  const entries = Object.entries(value);
  if (entries.length > fields.length) throw argumentError('ORDER', `ORDER takes at most ${fields.length} fields`);
  return entries.map(([key, v]) => {
    const name = key.trim().toUpperCase();
    if (!fields.includes(name)) throw argumentError('ORDER', `ORDER cannot sort by ${key}: use ${fields.join(', ')}`);
    const direction = typeof v === 'string' ? v.trim().toLowerCase() : '';
    if (direction !== 'asc' && direction !== 'desc') throw argumentError('ORDER', `ORDER[${key}] must be ASC or DESC`);
    return { column: COLUMNS[name]!, direction };
  });
}

function readFlag(p: Params, key: string, fallback: boolean): boolean {
  const v = p[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw argumentError(key, `${key} must be 0 or 1`);
  if (v === true || v === 'Y' || v === 'true') return true;
  if (v === false || v === 'N' || v === 'false') return false;
  return intval(v) !== 0;
}

function readProcessId(p: Params, required: boolean): string {
  const id = readString(p, 'PROCESS_ID', { max: 255 }) ?? '';
  if (required && id === '') throw argumentError('PROCESS_ID', 'Argument \'PROCESS_ID\' is null or empty');
  return id;
}

/** An array parameter of at most OFFLINE_BATCH scalars, or undefined when absent. */
function readList(p: Params, key: string): string[] | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const items = Array.isArray(v) ? v : isMap(v) ? Object.values(v) : [v];
  if (items.length > OFFLINE_BATCH) throw argumentError(key, `${key} takes at most ${OFFLINE_BATCH} values per call`);
  return items.map((item) => {
    if (typeof item !== 'string' && typeof item !== 'number') throw argumentError(key, `${key} must be a list of values`);
    return String(item).slice(0, 255);
  });
}

function present(ctx: CallContext, r: OfflineRow, withState: boolean) {
  const out: Record<string, unknown> = {
    ID: String(r.id),
    TIMESTAMP_X: formatAtom(r.timestamp_x / 1000, ctx.app.config.timezone),
    EVENT_NAME: r.event,
    EVENT_DATA: JSON.parse(r.data) as unknown,
    EVENT_ADDITIONAL: false,
    MESSAGE_ID: r.message_id,
  };
  if (withState) {
    out.PROCESS_ID = r.process_id;
    out.ERROR = String(r.error);
  }
  return out;
}

async function offlineGet(ctx: CallContext, p: Params) {
  const appId = requireOfflineAccess(ctx);
  const where = readFilter(p, GET_FIELDS);
  const order = readOrder(p, GET_FIELDS, [{ column: 'timestamp_x', direction: 'asc' }]);
  let limit = p.LIMIT === undefined || p.LIMIT === null || p.LIMIT === '' ? OFFLINE_BATCH : intval(p.LIMIT);
  if (typeof p.LIMIT === 'object' && p.LIMIT !== null) throw argumentError('LIMIT', 'LIMIT must be a number');
  if (limit < 1 || limit > OFFLINE_BATCH) limit = OFFLINE_BATCH;
  const clear = readFlag(p, 'CLEAR', true);
  const withErrors = readFlag(p, 'ERROR', false);
  const given = readProcessId(p, false);
  const reserveAs = given || randomBytes(16).toString('hex');
  const connector = readString(p, 'AUTH_CONNECTOR', { max: 255 }) ?? '';
  const rows = await takeOffline(ctx.app.store.db, ctx.app.store.dialect, { appId, connector, where, order, limit, clear, processId: given, reserveAs, withErrors });
  return { result: { process_id: clear ? null : reserveAs, events: rows.map((r) => present(ctx, r, false)) } };
}

async function offlineList(ctx: CallContext, p: Params) {
  const appId = requireOfflineAccess(ctx);
  const where = readFilter(p, LIST_FIELDS);
  const order = readOrder(p, LIST_FIELDS, [{ column: 'id', direction: 'asc' }]);
  const connector = readString(p, 'AUTH_CONNECTOR', { max: 255 }) ?? '';
  const offset = Math.max(0, ctx.start ?? 0);
  const { rows, total } = await listOffline(ctx.app.store.db, { appId, connector, where, order }, { offset, limit: OFFLINE_BATCH });
  const next = offset + rows.length < total ? offset + OFFLINE_BATCH : undefined;
  return { result: rows.map((r) => present(ctx, r, true)), total, ...(next !== undefined ? { next } : {}) };
}

async function offlineClear(ctx: CallContext, p: Params) {
  const appId = requireOfflineAccess(ctx);
  const processId = readProcessId(p, true);
  const ids = readList(p, 'ID');
  const messageIds = readList(p, 'MESSAGE_ID');
  await clearOffline(ctx.app.store.db, appId, processId, ids ? { ids: ids.map(intval) } : messageIds ? { messageIds } : {});
  return { result: true };
}

async function offlineError(ctx: CallContext, p: Params) {
  const appId = requireOfflineAccess(ctx);
  const processId = readProcessId(p, true);
  const messageIds = readList(p, 'MESSAGE_ID');
  if (!messageIds) throw argumentError('MESSAGE_ID', 'Argument \'MESSAGE_ID\' is null or empty');
  await markOfflineErrors(ctx.app.store.db, appId, processId, messageIds);
  return { result: true };
}

const filterParam = (fields: string[]): ParamSpec => ({
  name: 'FILTER',
  type: 'object',
  description: `Conditions on ${fields.join(', ')}, with =, !=, <, <=, >, >= before the name (FILTER[>ID]=10); at most ${MAX_CONDITIONS}`,
  example: { '>ID': 0 },
});
const orderParam = (fields: string[], fallback: string): ParamSpec => ({
  name: 'ORDER',
  type: 'object',
  description: `{FIELD: ASC|DESC} over ${fields.join(', ')}; ${fallback} by default`,
  example: { ID: 'ASC' },
});
const AUTH_CONNECTOR: ParamSpec = { name: 'AUTH_CONNECTOR', type: 'string', description: 'The queue of bindings made with this AUTH_CONNECTOR (default: those without)', example: '' };
const PROCESS_ID: ParamSpec = { name: 'PROCESS_ID', type: 'string', required: true, description: 'The process_id event.offline.get (CLEAR=0) reserved the records under', example: 'process-1' };
const MESSAGE_ID: ParamSpec = { name: 'MESSAGE_ID', type: 'string[]', description: `MESSAGE_IDs of records, at most ${OFFLINE_BATCH}`, example: ['m1'] };

const RULES = 'Applications only, administrators only (ACCESS_DENIED otherwise), as upstream; the queue is the calling application\'s.';

export const eventOfflineMethods: MethodDefinition[] = [
  {
    name: 'event.offline.get',
    scope: 'basic',
    list: 'none',
    upperParams: true,
    summary: 'The first offline events of the application\'s queue (FILTER, ORDER, LIMIT up to 50), deleted (CLEAR=1) or reserved under a process_id (CLEAR=0)',
    differences: [RULES],
    params: [
      filterParam(GET_FIELDS),
      orderParam(GET_FIELDS, 'TIMESTAMP_X ascending'),
      { name: 'LIMIT', type: 'int', description: `Records to take, 1 to ${OFFLINE_BATCH} (default ${OFFLINE_BATCH})`, example: 10 },
      { name: 'CLEAR', type: 'bool', description: '1 (default): delete the records taken; 0: reserve them under a process_id for event.offline.clear or .error', example: 0 },
      { name: 'ERROR', type: 'bool', description: '1: read the records marked as failed too', example: 0 },
      { ...PROCESS_ID, required: false, description: 'Reserve under this process_id (CLEAR=0), or read again what it reserved; default: a new one' },
      AUTH_CONNECTOR,
    ],
    handler: offlineGet,
  },
  {
    name: 'event.offline.list',
    scope: 'basic',
    list: 'standard',
    upperParams: true,
    summary: 'The application\'s offline queue as it is (FILTER, ORDER, pages of 50 by start), with PROCESS_ID and ERROR',
    differences: [RULES],
    params: [filterParam(LIST_FIELDS), orderParam(LIST_FIELDS, 'ID ascending'), AUTH_CONNECTOR],
    handler: offlineList,
  },
  {
    name: 'event.offline.clear',
    scope: 'basic',
    list: 'none',
    upperParams: true,
    summary: 'Deletes the records reserved under PROCESS_ID (all, or those of ID or MESSAGE_ID, at most 50)',
    differences: [RULES],
    params: [
      PROCESS_ID,
      { name: 'ID', type: 'string[]', description: `Only these record ids, at most ${OFFLINE_BATCH} (wins over MESSAGE_ID)`, example: ['1'] },
      { ...MESSAGE_ID, description: `Only the records of these MESSAGE_IDs, at most ${OFFLINE_BATCH}` },
    ],
    handler: offlineClear,
  },
  {
    name: 'event.offline.error',
    scope: 'basic',
    list: 'none',
    upperParams: true,
    summary: 'Marks records of PROCESS_ID (MESSAGE_ID, at most 50) as failed: they leave the process and are read again with ERROR=1',
    differences: [RULES],
    params: [PROCESS_ID, { ...MESSAGE_ID, required: true, description: `The records to mark, by MESSAGE_ID, at most ${OFFLINE_BATCH}` }],
    handler: offlineError,
  },
];
