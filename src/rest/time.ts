import { formatAtom } from '../directory/dates.js';
import { clock } from '../clock.js';
import { RawJson } from './wire-map.js';

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
 * The same block, serialized: every answer has one and a batch one per command, and a template
 * costs a fraction of JSON.stringify walking an object. The dates are digits and signs: nothing
 * to escape; numbers print as JSON prints them.
 */
export function timeJson(timing: Timing, timeZone: string, operating?: OperatingReport, finished = clock.seconds()): RawJson {
  const t = timeBlock(timing, timeZone, operating, finished);
  return new RawJson(
    `{"start":${t.start},"finish":${t.finish},"duration":${t.duration},"processing":${t.processing},"date_start":"${t.date_start}","date_finish":"${t.date_finish}",` +
      `"operating_reset_at":${t.operating_reset_at},"operating":${t.operating}}`,
  );
}

export const nowSeconds = () => clock.seconds();
