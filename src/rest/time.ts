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

// the block's fixed text, encoded once
const START = Buffer.from('{"start":');
const FINISH = Buffer.from(',"finish":');
const DURATION = Buffer.from(',"duration":');
const PROCESSING = Buffer.from(',"processing":');
const DATE_START = Buffer.from(',"date_start":"');
const DATE_FINISH = Buffer.from('","date_finish":"');
const RESET_AT = Buffer.from('","operating_reset_at":');
const OPERATING = Buffer.from(',"operating":');
const END = Buffer.from('}');

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
    out.raw(START);
    out.add(String(t.start));
    out.raw(FINISH);
    out.add(String(t.finish));
    out.raw(DURATION);
    out.add(String(t.duration));
    out.raw(PROCESSING);
    out.add(String(t.processing));
    out.raw(DATE_START);
    out.add(t.date_start);
    out.raw(DATE_FINISH);
    out.add(t.date_finish);
    out.raw(RESET_AT);
    out.add(String(t.operating_reset_at));
    out.raw(OPERATING);
    out.add(String(t.operating));
    out.raw(END);
  }
}

/** The time block of a call that took `timing` and finished now (or at `finished`). */
export function timeJson(timing: Timing, timeZone: string, operating?: OperatingReport, finished = clock.seconds()): TimeJson {
  return new TimeJson(timing, timeZone, operating, finished);
}

export const nowSeconds = () => clock.seconds();
