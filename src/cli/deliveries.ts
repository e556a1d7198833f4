import { presentAttempt, readSince } from '../events/log.js';
import { openStore } from '../store/index.js';
import { listAttempts } from '../store/events.js';
import { CliError, dbLocation } from './common.js';

export interface DeliveriesOptions {
  db?: string;
  event?: string;
  status?: string;
  since?: string;
  follow?: boolean;
  json?: boolean;
}

const FOLLOW_POLL_MS = 500;

/** The delivery log, oldest first; with --follow it keeps printing until interrupted. */
export async function deliveries(o: DeliveriesOptions): Promise<void> {
  const since = readSince(o.since);
  if (Number.isNaN(since)) throw new CliError('--since must be an ISO 8601 instant or unix seconds');
  if (o.status !== undefined && o.status !== 'ok' && o.status !== 'failed') throw new CliError('--status must be ok or failed');
  const store = await openStore(dbLocation(o.db));
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let after = 0;
    for (;;) {
      const rows = await listAttempts(store.db, { event: o.event?.toUpperCase(), status: o.status, since, afterId: after, limit: 500 });
      for (const row of rows) {
        const a = presentAttempt(row);
        if (o.json) console.log(JSON.stringify(a));
        else console.log(`${a.id}\t${a.at}\t${a.event}\t${a.status}${a.http_status !== null ? ` ${a.http_status}` : ''}\t#${a.delivery_id} try ${a.attempt}\t${a.duration_ms} ms\t${a.handler}${a.error ? `\t${a.error}` : ''}`);
        after = row.id;
      }
      if (rows.length === 500) continue;
      if (!o.follow || stop) break;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
      if (stop) break;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
