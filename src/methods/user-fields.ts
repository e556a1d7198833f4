/**
 * The writable user fields of user.add / user.update: each validated with a clear
 * ERROR_ARGUMENT naming the field, before anything is written.
 */
import { argumentError } from '../rest/errors.js';
import { hasValue, intval, preview, type Params } from '../rest/params.js';
import type { UserColumns } from '../directory/commands/users.js';
import { ruleMessage } from '../directory/rules.js';
import { isCalendarDate, isEmail } from '../facts.js';

export interface UserInput {
  columns: UserColumns;
  /** UF_DEPARTMENT when given */
  departments?: number[];
  extranet: boolean;
  /** SONET_GROUP_ID when given */
  groups?: number[];
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A text field: scalars as text, no control characters, at most `max` characters. */
export function text(p: Params, key: string, max: number): string | undefined {
  if (!hasValue(p, key)) return undefined;
  const value = p[key];
  if (typeof value !== 'string' && typeof value !== 'number') throw argumentError(key, `${key} must be a string`);
  const s = String(value).trim();
  if (s.length > max) throw argumentError(key, `${key} is longer than ${max} characters`);
  if (CONTROL.test(s)) throw argumentError(key, `${key} contains control characters`);
  return s;
}

/** Y/N flags as upstream writes them, plus the booleans JSON clients send. */
export function flag(p: Params, key: string): boolean | undefined {
  if (!hasValue(p, key)) return undefined;
  const v = p[key];
  if (v === 'Y' || v === true || v === 'true' || v === '1' || v === 1) return true;
  if (v === 'N' || v === false || v === 'false' || v === '0' || v === 0) return false;
  throw argumentError(key, `${key} must be Y or N`);
}

/** One id or a list of ids (array, bracket array, or a comma list), all positive integers. */
export function idList(p: Params, key: string, max = 100): number[] | undefined {
  if (!hasValue(p, key)) return undefined;
  const v = p[key];
  let items: unknown[];
  if (Array.isArray(v)) items = v;
  else if (v !== null && typeof v === 'object') items = Object.values(v);
  else if (typeof v === 'string') items = v.trim() === '' ? [] : v.split(',');
  else items = [v];
  if (items.length > max) throw argumentError(key, `${key} holds more than ${max} ids`);
  const ids: number[] = [];
  for (const item of items) {
    const id = (typeof item === 'number' && Number.isInteger(item)) || (typeof item === 'string' && /^\s*\d+\s*$/.test(item)) ? intval(item) : 0;
    if (id <= 0 || id > 2147483647) throw argumentError(key, `${key} must hold positive integer ids, got ${preview(item)}`);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function url(p: Params, key: string): string | undefined {
  const s = text(p, key, 1024);
  if (s === undefined || s === '') return s;
  let parsed: URL;
  try {
    parsed = new URL(s);
  } catch {
    throw argumentError(key, `${key} must be an absolute http(s) URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw argumentError(key, `${key} must be an absolute http(s) URL`);
  return s;
}

export function readUserInput(p: Params, mode: 'add' | 'update'): UserInput {
  const columns: UserColumns = {};
  const email = text(p, 'EMAIL', 255);
  if (mode === 'add' && !email) throw argumentError('EMAIL', 'EMAIL is required');
  if (email !== undefined) {
    if (!isEmail(email)) throw argumentError('EMAIL', 'wrong_email: EMAIL is not a valid e-mail address');
    columns.email = email;
  }
  const login = text(p, 'LOGIN', 50);
  if (login !== undefined) {
    if (login.length < 3) throw argumentError('LOGIN', 'LOGIN must be at least 3 characters long');
    columns.login = login;
  }
  const active = flag(p, 'ACTIVE');
  if (active !== undefined) columns.active = active ? 1 : 0;
  for (const [key, column, max] of [
    ['NAME', 'name', 50],
    ['LAST_NAME', 'last_name', 50],
    ['SECOND_NAME', 'second_name', 50],
    ['WORK_POSITION', 'work_position', 255],
    ['PERSONAL_MOBILE', 'personal_mobile', 255],
    ['PERSONAL_PHONE', 'personal_phone', 255],
    ['WORK_PHONE', 'work_phone', 255],
    ['PERSONAL_WWW', 'website', 255],
  ] as const) {
    const value = text(p, key, max);
    if (value !== undefined) columns[column] = value;
  }
  const gender = text(p, 'PERSONAL_GENDER', 1);
  if (gender !== undefined) {
    const g = gender.toUpperCase();
    if (g !== '' && g !== 'M' && g !== 'F') throw argumentError('PERSONAL_GENDER', 'PERSONAL_GENDER must be M, F or empty');
    columns.gender = g;
  }
  const birthday = text(p, 'PERSONAL_BIRTHDAY', 40);
  if (birthday !== undefined) {
    // a full ISO date-time is accepted for its date part, as SDKs send dates that way
    const day = birthday.slice(0, 10);
    if (birthday !== '' && (!isCalendarDate(day) || (birthday.length > 10 && birthday[10] !== 'T'))) {
      throw argumentError('PERSONAL_BIRTHDAY', `${ruleMessage.badDay('PERSONAL_BIRTHDAY', birthday)} [bad_date]`);
    }
    columns.birthday = birthday === '' ? null : day;
  }
  const photo = url(p, 'PERSONAL_PHOTO');
  if (photo !== undefined) columns.photo = photo;

  const departments = idList(p, 'UF_DEPARTMENT');
  const extranet = mode === 'add' && flag(p, 'EXTRANET') === true;
  const groups = idList(p, 'SONET_GROUP_ID');
  if (extranet) {
    if (departments?.length) throw argumentError('UF_DEPARTMENT', 'An extranet user cannot belong to departments');
    if (!groups?.length) throw argumentError('SONET_GROUP_ID', 'no_extranet_field: an extranet user needs SONET_GROUP_ID');
  } else if (mode === 'add' && !departments?.length) {
    throw argumentError('UF_DEPARTMENT', 'UF_DEPARTMENT is required for an intranet user');
  }
  return { columns, departments, extranet, groups };
}
