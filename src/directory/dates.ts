import { clock } from '../clock.js';
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

/** The zone's offset from UTC at an instant, in seconds, as Intl reports it (`GMT+05:30`). */
function intlOffset(unixSeconds: number, timeZone: string): number {
  const m = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(parts(unixSeconds, timeZone).timeZoneName ?? '');
  if (!m) return 0; // plain "GMT"
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
}

/**
 * Offsets per zone and UTC hour. Asking Intl costs ~10 µs and a user object carries several
 * dates, so an hour's offset is asked once; an hour whose two ends disagree holds a transition
 * and is marked null, and every instant in it is asked exactly.
 */
const hourOffsets = new Map<string, Map<number, number | null>>();
const HOURS_KEPT = 100_000;

function offsetAt(unixSeconds: number, timeZone: string): number {
  const hour = Math.floor(unixSeconds / 3600);
  let zone = hourOffsets.get(timeZone);
  if (!zone) hourOffsets.set(timeZone, (zone = new Map()));
  let offset = zone.get(hour);
  if (offset === undefined) {
    const first = intlOffset(hour * 3600, timeZone);
    offset = first === intlOffset(hour * 3600 + 3599, timeZone) ? first : null;
    if (zone.size >= HOURS_KEPT) zone.clear();
    zone.set(hour, offset);
  }
  return offset ?? intlOffset(unixSeconds, timeZone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `+05:30`, as PHP prints offsets (historical second offsets are cut to the minute). */
function formatOffset(seconds: number): string {
  const abs = Math.abs(seconds);
  return `${seconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`;
}

/** The last instant formatted per zone: every answer's `time` block formats now, twice. */
const lastAtom = new Map<string, { second: number; text: string; day?: string }>();

export function formatAtom(unixSeconds: number, timeZone: string): string {
  const s = Math.floor(unixSeconds);
  const last = lastAtom.get(timeZone);
  if (last?.second === s) return last.text;
  const text = atom(s, timeZone);
  if (lastAtom.size >= 64) lastAtom.clear();
  lastAtom.set(timeZone, { second: s, text });
  return text;
}

function atom(s: number, timeZone: string): string {
  const offset = offsetAt(s, timeZone);
  const t = new Date((s + offset) * 1000); // the wall clock, read with the UTC getters
  return (
    `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
    `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${formatOffset(offset)}`
  );
}

/** An optional instant: ISO string, or `false` as upstream writes "no value". */
export function atomOrFalse(unixSeconds: number | null | undefined, timeZone: string): string | false {
  return unixSeconds === null || unixSeconds === undefined ? false : formatAtom(unixSeconds, timeZone);
}

/** Today's calendar date in the time zone, `YYYY-MM-DD`: the date of formatAtom's instant. */
export function todayIn(timeZone: string, nowSeconds = clock.seconds()): string {
  const text = formatAtom(nowSeconds, timeZone);
  const last = lastAtom.get(timeZone);
  // the day of the instant just formatted, cut once: every user object asks for it
  return last?.text === text ? (last.day ??= text.slice(0, 10)) : text.slice(0, 10);
}

/** The instant a calendar day starts in the time zone. */
export function startOfDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d) / 1000;
  // the offset can differ by the DST change within a day; two passes settle it
  let guess = utcMidnight;
  for (let i = 0; i < 2; i++) guess = utcMidnight - offsetAt(guess, timeZone);
  return guess;
}

/** The day after a `YYYY-MM-DD` date. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

