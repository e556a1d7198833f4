/**
 * The core `user.*` row (user.get, user.search, user.current): upper-case keys, the id as a
 * string and UF_DEPARTMENT as integers, as upstream returns them. Which fields a caller sees
 * depends on the granted scope (`user`, `user_basic`, `user_brief`: upstream's user-scope.md).
 */
import type { UserRow } from '../store/users.js';
import { formatAtom, startOfDay } from './dates.js';
import { absoluteUrl } from './user-object.js';

export interface UserRowRecord extends UserRow {
  departments: number[];
}

/**
 * A user counts as online while their last activity is this recent: upstream's
 * `UserTable::getSecondsForLimitOnline()`, PHP's default session lifetime.
 */
export const ONLINE_SECONDS = 1440;

/** Every field Roster returns, in upstream's order, with its user.fields label. */
export const USER_FIELD_LABELS = {
  ID: 'ID',
  ACTIVE: 'Activity',
  NAME: 'First Name',
  LAST_NAME: 'Last Name',
  SECOND_NAME: 'Middle Name',
  EMAIL: 'E-Mail',
  LAST_LOGIN: 'Last Login',
  DATE_REGISTER: 'Registration Date',
  TIME_ZONE: 'TIME_ZONE',
  IS_ONLINE: 'IS_ONLINE',
  TIMESTAMP_X: 'TIMESTAMP_X',
  LAST_ACTIVITY_DATE: 'LAST_ACTIVITY_DATE',
  PERSONAL_GENDER: 'Gender',
  PERSONAL_WWW: 'Homepage',
  PERSONAL_BIRTHDAY: 'Birthday',
  PERSONAL_PHOTO: 'Photo',
  PERSONAL_MOBILE: 'Personal Mobile',
  PERSONAL_PHONE: 'Personal Phone',
  WORK_PHONE: 'Company Phone',
  WORK_POSITION: 'Position',
  UF_EMPLOYMENT_DATE: 'Employment Date',
  UF_DEPARTMENT: 'Departments',
  USER_TYPE: 'USER_TYPE',
} as const;

export type UserField = keyof typeof USER_FIELD_LABELS;
export const USER_FIELDS = Object.keys(USER_FIELD_LABELS) as UserField[];

/** `user_brief`: no contact details (user-scope.md). */
const BRIEF: readonly UserField[] = [
  'ID', 'ACTIVE', 'NAME', 'LAST_NAME', 'SECOND_NAME', 'IS_ONLINE', 'TIME_ZONE', 'PERSONAL_PHOTO', 'TIMESTAMP_X',
  'DATE_REGISTER', 'PERSONAL_GENDER', 'PERSONAL_BIRTHDAY', 'WORK_POSITION', 'LAST_ACTIVITY_DATE', 'UF_EMPLOYMENT_DATE',
  'UF_DEPARTMENT',
];
/** `user_basic`: the brief fields plus e-mail and phones (user-scope.md). */
const BASIC: readonly UserField[] = [...BRIEF, 'EMAIL', 'PERSONAL_PHONE', 'WORK_PHONE', 'PERSONAL_MOBILE'];

/** The fields a credential may read: the widest of its user scopes. */
export function visibleUserFields(scopes: ReadonlySet<string>): UserField[] {
  const allowed = scopes.has('user') ? USER_FIELDS : scopes.has('user_basic') ? BASIC : BRIEF;
  return USER_FIELDS.filter((f) => allowed.includes(f));
}

export interface RowOptions {
  timeZone: string;
  baseUrl: string;
  /** unix seconds the request is answered at, for IS_ONLINE */
  now: number;
}

const atomOrEmpty = (seconds: number | null, timeZone: string) => (seconds === null ? '' : formatAtom(seconds, timeZone));

/** One user.get row with exactly `fields`, in upstream's order. */
export function presentUserRow(user: UserRowRecord, opts: RowOptions, fields: readonly UserField[]): Record<string, unknown> {
  const tz = opts.timeZone;
  const value = (field: UserField): unknown => {
    switch (field) {
      case 'ID': return String(user.id);
      case 'ACTIVE': return user.active === 1;
      case 'NAME': return user.name;
      case 'LAST_NAME': return user.last_name;
      case 'SECOND_NAME': return user.second_name;
      case 'EMAIL': return user.email;
      // Roster keeps no separate sign-in time: the last activity is the closest it knows
      case 'LAST_LOGIN': return atomOrEmpty(user.last_activity_at, tz);
      case 'DATE_REGISTER': return formatAtom(user.date_register, tz);
      case 'TIME_ZONE': return '';
      case 'IS_ONLINE': return user.last_activity_at !== null && user.last_activity_at > opts.now - ONLINE_SECONDS ? 'Y' : 'N';
      case 'TIMESTAMP_X': return formatAtom(user.timestamp_x, tz);
      case 'LAST_ACTIVITY_DATE': return atomOrEmpty(user.last_activity_at, tz);
      case 'PERSONAL_GENDER': return user.gender;
      case 'PERSONAL_WWW': return user.website;
      case 'PERSONAL_BIRTHDAY': return user.birthday ? formatAtom(startOfDay(user.birthday, tz), tz) : '';
      case 'PERSONAL_PHOTO': return absoluteUrl(user.photo, opts.baseUrl);
      case 'PERSONAL_MOBILE': return user.personal_mobile;
      case 'PERSONAL_PHONE': return user.personal_phone;
      case 'WORK_PHONE': return user.work_phone;
      case 'WORK_POSITION': return user.work_position;
      case 'UF_EMPLOYMENT_DATE': return '';
      case 'UF_DEPARTMENT': return user.departments;
      case 'USER_TYPE': return user.user_type;
    }
  };
  const row: Record<string, unknown> = {};
  for (const field of fields) row[field] = value(field);
  return row;
}
