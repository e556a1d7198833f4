import { formatAtom } from '../directory/dates.js';
import { clock } from '../clock.js';
import { digitCount, OwnJson, type JsonOut } from './wire-map.js';

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
    duration: durationOf(timing, finished),
    processing: processingOf(timing),
    date_start: formatAtom(timing.started, timeZone),
    date_finish: formatAtom(finished, timeZone),
    operating_reset_at: resetAtOf(operating, start),
    operating: operating?.operating ?? 0,
  };
}

/** Whole seconds of the process clock the call spanned. */
function processingOf(timing: Timing): number {
  return Math.floor(timing.processFinished) - Math.floor(timing.processStarted);
}

/** When the method's operating-time window resets: without a report, a window from the start. */
function resetAtOf(operating: OperatingReport | undefined, start: number): number {
  return operating?.operating_reset_at ?? start + OPERATING_WINDOW_SECONDS;
}

/** To the microsecond, like operating: the difference of two clock readings printed in full was 17 digits of rounding noise, and slow to print. */
function durationOf(timing: Timing, finished: number): number {
  return Math.round((finished - timing.started) * 1e6) / 1e6;
}

/**
 * Seconds as JSON prints them. Whole microseconds (`operating`, `duration`, and `finish`, a
 * clock reading in milliseconds) are written as digits: the integer part, then the fraction
 * without trailing zeros. With at most 15 significant digits that decimal is the only short one
 * to name the number, so it is what String() gives, without the string (and V8's number
 * printing, slow for numbers it has not printed lately: every command's operating time is new).
 */
export function writeSeconds(out: JsonOut, seconds: number): void {
  const whole = Math.round(seconds * 1e6);
  if (whole / 1e6 === seconds && whole >= 0 && whole <= Number.MAX_SAFE_INTEGER) {
    const int = Math.floor(whole / 1e6);
    // below a million: 32-bit arithmetic (`%` of a double is a call into the C library)
    let fraction = (whole - int * 1e6) | 0;
    let width = fraction === 0 ? 0 : 6;
    while (width > 0 && fraction % 10 === 0) {
      fraction = (fraction / 10) | 0;
      width--;
    }
    if (digitCount(int) + width <= 15) {
      out.int(int);
      if (width === 0) return;
      out.add(FRACTION_LEAD[width - digitCount(fraction)]!);
      return out.int(fraction);
    }
  }
  // anything else (not whole microseconds, negative, more digits) the general way
  out.add(String(seconds));
}

/** The point and the zeros before a fraction's first digit. */
const FRACTION_LEAD = ['.', '.0', '.00', '.000', '.0000', '.00000'];

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

  /** timeBlock's fields in its order, without the object: fifty of them in every batch. */
  writeJson(out: JsonOut): void {
    const { timing, timeZone, operating, finished } = this;
    const start = Math.floor(timing.started);
    out.add('{"start":');
    writeSeconds(out, start);
    out.add(',"finish":');
    writeSeconds(out, finished);
    out.add(',"duration":');
    writeSeconds(out, durationOf(timing, finished));
    out.add(',"processing":');
    writeSeconds(out, processingOf(timing));
    out.add(',"date_start":"');
    out.add(formatAtom(timing.started, timeZone));
    out.add('","date_finish":"');
    out.add(formatAtom(finished, timeZone));
    out.add('","operating_reset_at":');
    writeSeconds(out, resetAtOf(operating, start));
    out.add(',"operating":');
    writeSeconds(out, operating?.operating ?? 0);
    out.add('}');
  }
}

/** The time block of a call that took `timing` and finished now (or at `finished`). */
export function timeJson(timing: Timing, timeZone: string, operating?: OperatingReport, finished = clock.seconds()): TimeJson {
  return new TimeJson(timing, timeZone, operating, finished);
}

export const nowSeconds = () => clock.seconds();
