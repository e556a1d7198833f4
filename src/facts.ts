/**
 * Facts about the directory that every layer needs, each written once (issue #10): the id range,
 * who is "outside" the company, the e-mail shape, calendar dates and instants, the status list.
 * The rules built on them live in src/directory/rules.ts.
 */

/** Ids that can exist: keeps absurd values away from integer columns. */
export const MAX_ID = 2147483647;
export const isStorableId = (id: number): boolean => Number.isInteger(id) && id > 0 && id <= MAX_ID;

/** The user types of the directory (`users.user_type`). */
export const USER_KINDS = ['employee', 'extranet', 'collaber'] as const;
export type UserKind = (typeof USER_KINDS)[number];

/** Extranet users and collabers stand outside the company: no departments, no heading, the extranet wall. */
export const OUTSIDE_KINDS: readonly string[] = ['extranet', 'collaber'];
export const isOutsider = (userType: string): boolean => OUTSIDE_KINDS.includes(userType);

/** The statuses a user may select (upstream's CIMStatus::$AVAILABLE_STATUSES). */
export const STATUSES = ['online', 'dnd', 'away', 'break'] as const;
export type Status = (typeof STATUSES)[number];

/** An e-mail address as Roster accepts it: one @, a dot in the domain, nothing that breaks a header. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
export const isEmail = (value: string): boolean => EMAIL.test(value);
/**
 * The unique key of an address: Ann@x and ann@x are one address. A bot may have no address:
 * its key is `bot:<code>` (no real address contains ':').
 */
export const emailKey = (email: string, botCode?: string | null): string => (email === '' && botCode ? `bot:${botCode}` : email.toLowerCase());

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Year, month and day make a real calendar day (no 2023-02-29, no 2026-04-31). */
export function isRealDay(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > MONTH_DAYS[m - 1]!) return false;
  return m !== 2 || d < 29 || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
}

/** A strict `YYYY-MM-DD` calendar date from year 1000 on (rejects 2023-02-30 and 0999-01-01). */
export function isCalendarDate(value: string): boolean {
  const m = /^([1-9]\d{3})-(\d{2})-(\d{2})$/.exec(value);
  return m !== null && isRealDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):?[0-5]\d)$/;

/** An ISO 8601 date-time with seconds optional and a zone (`Z` or an offset). */
export function isInstant(v: string): boolean {
  const m = INSTANT.exec(v);
  return m !== null && isRealDay(Number(m[1]), Number(m[2]), Number(m[3]));
}
