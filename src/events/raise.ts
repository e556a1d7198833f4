/**
 * Which events a committed change raises, with upstream's payloads. Data is taken from the
 * change record and, where upstream reports an object's state (ONUSERADD), from the row as it
 * is when the feed is read.
 */
import { formatAtom } from '../directory/dates.js';
import type { ChangeRecord } from '../store/changes.js';
import type { Db } from '../store/index.js';
import { userForEvent } from '../store/events.js';

export interface RaisedEvent {
  event: string;
  data: Record<string, unknown>;
  /** the user whose action raised it: handlers get this user's token unless the binding names one */
  actor: number | null;
  /** only this application's bindings (life-cycle events, ONIMBOTDELETE by the bot's application) */
  appId?: number;
  appClientId?: string;
}

export interface RaiseOptions {
  eventsOnImport: boolean;
  timeZone: string;
}

const ROSTER_KINDS: Readonly<Record<string, string>> = {
  'user.updated': 'ONROSTERUSERUPDATE',
  'user.departments': 'ONROSTERUSERUPDATE',
  'user.presence': 'ONROSTERUSERSTATUS',
  'user.dismissed': 'ONROSTERUSERDISMISS',
  'department.added': 'ONROSTERDEPARTMENTADD',
  'department.updated': 'ONROSTERDEPARTMENTUPDATE',
  'department.deleted': 'ONROSTERDEPARTMENTDELETE',
};

const GROUP_KINDS: Readonly<Record<string, string>> = {
  'group.added': 'ONSONETGROUPADD',
  'group.updated': 'ONSONETGROUPUPDATE',
  'group.deleted': 'ONSONETGROUPDELETE',
};

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** A field by any of the spellings a change record may use (column or wire name). */
function field(fields: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (fields[n] !== undefined) return fields[n];
  return undefined;
}

function isInactive(v: unknown): boolean {
  return v === false || v === 0 || v === 'N' || v === '0';
}

async function userAdded(db: Db, id: number, fields: Record<string, unknown>, options: RaiseOptions, actor: number | null): Promise<RaisedEvent[]> {
  if (isInactive(field(fields, 'active', 'ACTIVE'))) return [];
  const found = await userForEvent(db, id);
  if (!found || found.user.external_auth_id === 'bot') return [];
  const u = found.user;
  const data: Record<string, unknown> = {
    ID: u.id,
    ACTIVE: u.active === 1 ? 'Y' : 'N',
    EMAIL: u.email,
    NAME: u.name,
    LAST_NAME: u.last_name,
    PERSONAL_GENDER: u.gender,
    PERSONAL_BIRTHDAY: u.birthday ?? '',
    UF_DEPARTMENT: found.departments,
    DATE_REGISTER: formatAtom(u.date_register, options.timeZone),
    WORK_POSITION: u.work_position,
  };
  return [{ event: 'ONUSERADD', data, actor }];
}

export async function raisedBy(db: Db, change: ChangeRecord, options: RaiseOptions): Promise<RaisedEvent[]> {
  const actor = change.actor.user;
  const id = change.entity;
  const f = change.fields;
  switch (change.kind) {
    case 'user.added':
      if (id === null) return [];
      // an import's records say so; upstream raises ONUSERADD for people who register, not for bulk loads
      if (f.import === true && !options.eventsOnImport) return [];
      return userAdded(db, id, f, options, actor);
    case 'directory.replaced':
    case 'directory.merged': {
      const added = Array.isArray(f.users_added) ? f.users_added.filter((v): v is number => Number.isInteger(v)) : [];
      if (!options.eventsOnImport) return [];
      const out: RaisedEvent[] = [];
      for (const userId of added) out.push(...(await userAdded(db, userId, {}, options, actor)));
      return out;
    }
    case 'group.added':
    case 'group.updated':
    case 'group.deleted':
      return id === null ? [] : [{ event: GROUP_KINDS[change.kind]!, data: { FIELDS: { ID: id } }, actor }];
    case 'bot.unregistered':
      if (id === null) return [];
      return [{
        event: 'ONIMBOTDELETE',
        data: { BOT_ID: id, BOT_CODE: text(field(f, 'code', 'CODE', 'BOT_CODE')) },
        actor,
        appClientId: text(field(f, 'app_id', 'APP_ID', 'CLIENT_ID')),
      }];
    case 'app.installed':
      if (id === null) return [];
      return [{
        event: 'ONAPPINSTALL',
        data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' },
        actor: typeof f.user_id === 'number' ? f.user_id : actor,
        appId: id,
      }];
    case 'app.uninstalled':
      if (id === null) return [];
      return [{ event: 'ONAPPUNINSTALL', data: { LANGUAGE_ID: 'en', CLEAN: f.clean === true ? 1 : 0 }, actor: null, appId: id }];
    default: {
      const event = ROSTER_KINDS[change.kind];
      if (!event || id === null) return [];
      return [{ event, data: { FIELDS: { ...f, ID: id } }, actor }];
    }
  }
}
