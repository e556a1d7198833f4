/**
 * The directory document (`format: "roster-directory"`, version 1): departments, users with
 * presence, absences and bot data, and groups with members. Seeds, `roster import`/`export`,
 * `roster generate` and the `/_roster` admin endpoints all speak it; docs/IMPORT.md describes it
 * and schemas/directory.schema.json formalises it.
 *
 * In a file most fields are optional (defaults below). What `export` writes is the canonical
 * form: every field present, in the order of the interfaces below, so that two exports of the
 * same directory are byte for byte equal.
 */

export const FORMAT = 'roster-directory';
export const VERSION = 1;

export interface DirectoryFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  departments: DepartmentEntry[];
  users: UserEntry[];
  groups?: GroupEntry[];
}

export interface DepartmentEntry {
  id: number;
  name: string;
  /** the parent department; null for the one top-level department */
  parent: number | null;
  /** siblings are ordered by sort, then id (default 500) */
  sort?: number;
  /** the user heading the department; must be a member of it */
  head?: number | null;
}

export interface UserEntry {
  id: number;
  /** default: the e-mail */
  login?: string;
  email: string;
  active?: boolean;
  admin?: boolean;
  type?: UserKind;
  /** null for ordinary users; `bot` (the default when `bot` is given), `imconnector`, `replica`, `im_guest`... */
  external_auth_id?: string | null;
  name?: string;
  last_name?: string;
  second_name?: string;
  work_position?: string;
  gender?: '' | 'M' | 'F';
  /** a calendar date, YYYY-MM-DD */
  birthday?: string | null;
  photo?: string;
  phones?: Phones;
  website?: string;
  /** UF_DEPARTMENT, in order */
  departments?: number[];
  status?: Status;
  /** a palette code (`RED`, `AZURE`, ...) or null for the default colour */
  color?: string | null;
  /** instants: ISO 8601 date-times (`2026-11-12T10:14:00Z`) */
  idle_at?: string | null;
  last_activity_at?: string | null;
  mobile_last_at?: string | null;
  desktop_last_at?: string | null;
  /** default: the time of the import */
  date_register?: string | null;
  /** default: the time of the import */
  updated_at?: string | null;
  absences?: Absence[];
  bot?: BotData | null;
  /** a password for the sign-in page, stored hashed */
  password_hash?: string | null;
}

export interface Phones {
  work?: string;
  mobile?: string;
  personal?: string;
}

export interface Absence {
  /** first and last day of the leave, YYYY-MM-DD, both included */
  from: string;
  to: string;
  reason?: string;
}

export interface BotData {
  code: string;
  type?: string;
  app_id?: string;
  openline?: boolean;
  hidden?: boolean;
}

export interface GroupEntry {
  id: number;
  name: string;
  description?: string;
  owner: number;
  active?: boolean;
  date_create?: string | null;
  /** every member; the owner and moderators are members whether listed or not */
  members?: number[];
  /** members with the moderator role */
  moderators?: number[];
}

import type { Status, UserKind } from '../facts.js';
export { MAX_ID, STATUSES, USER_KINDS, type Status, type UserKind } from '../facts.js';
export const GENDERS = ['', 'M', 'F'] as const;

/** Fields of each entry, in canonical order (what validation accepts and export writes). */
export const DEPARTMENT_FIELDS = ['id', 'name', 'parent', 'sort', 'head'] as const;
export const USER_FIELDS = [
  'id', 'login', 'email', 'active', 'admin', 'type', 'external_auth_id', 'name', 'last_name', 'second_name', 'work_position',
  'gender', 'birthday', 'photo', 'phones', 'website', 'departments', 'status', 'color', 'idle_at', 'last_activity_at',
  'mobile_last_at', 'desktop_last_at', 'date_register', 'updated_at', 'absences', 'bot', 'password_hash',
] as const;
export const PHONE_FIELDS = ['work', 'mobile', 'personal'] as const;
export const ABSENCE_FIELDS = ['from', 'to', 'reason'] as const;
export const BOT_FIELDS = ['code', 'type', 'app_id', 'openline', 'hidden'] as const;
export const GROUP_FIELDS = ['id', 'name', 'description', 'owner', 'active', 'date_create', 'members', 'moderators'] as const;
export const TOP_FIELDS = ['$schema', 'format', 'version', 'departments', 'users', 'groups'] as const;


/** A user, department or group with every field given: what validation hands to the writer. */
export type FullDepartment = Required<DepartmentEntry>;
export type FullUser = Required<Omit<UserEntry, 'phones' | 'absences' | 'bot'>> & {
  phones: Required<Phones>;
  absences: Required<Absence>[];
  bot: Required<BotData> | null;
};
export type FullGroup = Required<GroupEntry>;

export interface FullDirectory {
  format: typeof FORMAT;
  version: typeof VERSION;
  departments: FullDepartment[];
  users: FullUser[];
  groups: FullGroup[];
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Unix seconds → the canonical instant, `2026-11-12T10:14:00Z` (by arithmetic: this runs for every field of every user). */
export function isoInstant(seconds: number | null): string | null {
  if (seconds === null) return null;
  const t = Math.floor(seconds);
  const days = Math.floor(t / 86400);
  const rem = t - days * 86400;
  // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999) return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${y}-${two(m)}-${two(d)}T${two(Math.floor(rem / 3600))}:${two(Math.floor((rem % 3600) / 60))}:${two(rem % 60)}Z`;
}

const CANONICAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** An ISO 8601 instant → unix seconds (floored); null when absent. The canonical form is read without Date. */
export function instantSeconds(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const m = CANONICAL.exec(iso);
  if (!m) return Math.floor(Date.parse(iso) / 1000);
  const y0 = Number(m[1]);
  const mo = Number(m[2]);
  const y = mo <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + Number(m[3]) - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86400 + Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
}

/** What a fresh database holds (migration 001): the administrator in the root department. */
export function emptyDirectory(nowIso: string): FullDirectory {
  return {
    format: FORMAT,
    version: VERSION,
    departments: [{ id: 1, name: 'Company', parent: null, sort: 500, head: 1 }],
    users: [
      {
        id: 1, login: 'admin', email: 'admin@roster.local', active: true, admin: true, type: 'employee', external_auth_id: null,
        name: 'Admin', last_name: '', second_name: '', work_position: '', gender: '', birthday: null, photo: '',
        phones: { work: '', mobile: '', personal: '' }, website: '', departments: [1], status: 'online', color: null,
        idle_at: null, last_activity_at: null, mobile_last_at: null, desktop_last_at: null, date_register: nowIso,
        updated_at: nowIso, absences: [], bot: null, password_hash: null,
      },
    ],
    groups: [],
  };
}
