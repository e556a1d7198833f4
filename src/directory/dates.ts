/**
 * Dates on the wire: ISO 8601 with the numeric offset of the server's configured time zone
 * (`2018-01-29T17:35:31+03:00`), as PHP's date('c') prints them.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(unixSeconds: number, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(unixSeconds * 1000))) out[p.type] = p.value;
  return out;
}

/** `GMT+03:00` → `+03:00`; plain `GMT` is UTC. */
function offsetOf(p: Record<string, string>): string {
  const m = /GMT([+-]\d{2}:\d{2})/.exec(p.timeZoneName ?? '');
  return m ? m[1]! : '+00:00';
}

export function formatAtom(unixSeconds: number, timeZone: string): string {
  const p = parts(Math.floor(unixSeconds), timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offsetOf(p)}`;
}

/** An optional instant: ISO string, or `false` as upstream writes "no value". */
export function atomOrFalse(unixSeconds: number | null | undefined, timeZone: string): string | false {
  return unixSeconds === null || unixSeconds === undefined ? false : formatAtom(unixSeconds, timeZone);
}

/** Today's calendar date in the time zone, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, nowSeconds = Date.now() / 1000): string {
  const p = parts(nowSeconds, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The instant a calendar day starts in the time zone. */
export function startOfDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d) / 1000;
  // the offset can differ by the DST change within a day; two passes settle it
  let guess = utcMidnight;
  for (let i = 0; i < 2; i++) guess = utcMidnight - offsetSeconds(guess, timeZone);
  return guess;
}

function offsetSeconds(unixSeconds: number, timeZone: string): number {
  const [sign, hh, mm] = /([+-])(\d{2}):(\d{2})/.exec(offsetOf(parts(unixSeconds, timeZone)))!.slice(1) as [string, string, string];
  return (sign === '-' ? -1 : 1) * (Number(hh) * 3600 + Number(mm) * 60);
}

/** The day after a `YYYY-MM-DD` date. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** A strict `YYYY-MM-DD` calendar date (rejects 2023-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1000;
}
