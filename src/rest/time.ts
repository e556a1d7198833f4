import { formatAtom } from '../directory/dates.js';
import { clock } from '../clock.js';

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

export const nowSeconds = () => clock.seconds();
