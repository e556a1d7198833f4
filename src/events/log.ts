/** The delivery log as the admin API and `roster deliveries` show it. */
import type { AttemptRow } from '../store/events.js';

/** `since`: an ISO 8601 instant or unix seconds; undefined when absent, NaN when malformed. */
export function readSince(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return NaN;
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
}

export function presentAttempt(a: AttemptRow) {
  return {
    id: a.id,
    delivery_id: a.delivery_id,
    event: a.event,
    handler: a.handler,
    attempt: a.attempt,
    at: new Date(a.at).toISOString(),
    status: a.status,
    http_status: a.http_status,
    error: a.error,
    duration_ms: a.duration_ms,
    response: a.response,
    body: a.body,
  };
}

