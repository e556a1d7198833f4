import { formatAtom } from '../directory/dates.js';
import { clock } from '../clock.js';
import { OwnJson, type JsonOut } from './wire-map.js';

/** Upstream's operating-time window: 10 minutes. */
export const OPERATING_WINDOW_SECONDS = 600;

export interface Timing {
  /** unix seconds with fraction */
  started: number;
  processStarted: number;
  processFinished: number;
}

export interface OperatingReport {
  operating: number;
  operating_reset_at: number;
}

/** The `time` block of every success (CONTRACT §2): integers where upstream now sends them. */
export function timeBlock(timing: Timing, timeZone: string, operating?: OperatingReport, finished = clock.seconds()) {
  const start = Math.floor(timing.started);
  return {
    start,
    finish: finished,
    duration: finished - timing.started,
    processing: Math.floor(timing.processFinished) - Math.floor(timing.processStarted),
    date_start: formatAtom(timing.started, timeZone),
    date_finish: formatAtom(finished, timeZone),
    operating_reset_at: operating?.operating_reset_at ?? start + OPERATING_WINDOW_SECONDS,
    operating: operating?.operating ?? 0,
  };
}

/**
 * A number of whole microseconds in seconds (`operating`) as JSON prints it: the integer part,
 * then the fraction without trailing zeros. With at most 15 significant digits that decimal is
 * the only short one to name the number, so it is String(seconds), at half the cost: every
 * batch command's operating time is a new number, so V8's cache of printed numbers never hits.
 */
export function microsText(seconds: number): string {
  const whole = Math.round(seconds * 1e6);
  // anything else (not whole microseconds, negative, too many digits) the general way
  if (whole / 1e6 !== seconds || whole < 0 || whole >= 1e15) return String(seconds);
  const int = Math.floor(whole / 1e6);
  const fraction = whole - int * 1e6;
  if (fraction === 0) return String(int);
  let digits = String(fraction).padStart(6, '0');
  while (digits.endsWith('0')) digits = digits.slice(0, -1);
  return `${int}.${digits}`;
}

/**
 * The same block as a wire value that the JSON writer writes piece by piece: every answer has
 * one and a batch one per command. A text made of it first (a template) was a concatenation and
 * an intermediate string per field, the largest share of what a batch allocated. The dates are
 * digits and signs: nothing to escape; numbers print as JSON prints them.
 */
export class TimeJson extends OwnJson {
  constructor(
    private readonly timing: Timing,
    private readonly timeZone: string,
    private readonly operating: OperatingReport | undefined,
    private readonly finished: number,
  ) {
    super();
  }

  value(): ReturnType<typeof timeBlock> {
    return timeBlock(this.timing, this.timeZone, this.operating, this.finished);
  }

  writeJson(out: JsonOut): void {
    const t = this.value();
    out.add('{"start":');
    out.add(String(t.start));
    out.add(',"finish":');
    out.add(String(t.finish));
    out.add(',"duration":');
    out.add(String(t.duration));
    out.add(',"processing":');
    out.add(String(t.processing));
    out.add(',"date_start":"');
    out.add(t.date_start);
    out.add('","date_finish":"');
    out.add(t.date_finish);
    out.add('","operating_reset_at":');
    out.add(String(t.operating_reset_at));
    out.add(',"operating":');
    out.add(microsText(t.operating));
    out.add('}');
  }
}

/** The time block of a call that took `timing` and finished now (or at `finished`). */
export function timeJson(timing: Timing, timeZone: string, operating?: OperatingReport, finished = clock.seconds()): TimeJson {
  return new TimeJson(timing, timeZone, operating, finished);
}

export const nowSeconds = () => clock.seconds();
