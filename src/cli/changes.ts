/**
 * `roster changes [--since N] [--follow] [--json]`: the change feed from the database itself, so
 * it works with or without a server running (docs/CHANGES.md).
 */
import { createChangeFeed, type ChangeRecord, type FeedReset } from '../directory/feed.js';
import { prunedThrough } from '../store/changes.js';
import { openStore } from '../store/index.js';
import { CliError, dbLocation } from './common.js';

export interface ChangesOptions {
  db?: string;
  since?: string;
  follow?: boolean;
  json?: boolean;
}

function line(record: ChangeRecord, json: boolean): string {
  if (json) return JSON.stringify(record);
  const actor = [record.actor.user === null ? null : `user ${record.actor.user}`, record.actor.credential].filter(Boolean).join(' ');
  return [record.seq, new Date(record.at).toISOString(), record.kind, record.entity ?? '-', actor || '-', JSON.stringify(record.fields)].join('\t');
}

function resetLine(reset: FeedReset, json: boolean): string {
  if (json) return JSON.stringify({ kind: 'feed.reset', from: reset.from, last: reset.to, pruned_through: reset.prunedThrough });
  return `# changes ${reset.from + 1}..${reset.prunedThrough} were pruned before they were read; continuing after ${reset.to}`;
}

export async function changesCommand(o: ChangesOptions): Promise<void> {
  if (o.since !== undefined && !/^\d{1,15}$/.test(o.since)) throw new CliError(`--since must be a sequence number, got "${o.since}"`);
  const store = await openStore(dbLocation(o.db));
  const json = o.json === true;
  let failure: unknown = null;
  let following = false;
  try {
    // without --since: everything still kept
    const since = o.since !== undefined ? Number(o.since) : await prunedThrough(store.db);
    const feed = createChangeFeed(store, {
      since,
      // while following, a failed poll is retried at the next one
      onError: (error, what) => (following ? console.error(`roster: ${what}: ${(error as Error).message}`) : (failure ??= error)),
    });
    feed.subscribe(
      (record) => console.log(line(record, json)),
      (reset) => (json ? console.log(resetLine(reset, json)) : console.error(resetLine(reset, json))),
    );
    await feed.catchUp();
    if (failure) throw failure;
    if (!o.follow) return;
    following = true;
    await feed.start();
    await new Promise<void>((resolve) => {
      // the feed's timers do not hold the process open; this does, until a signal
      const alive = setInterval(() => undefined, 1 << 30);
      const stop = () => {
        clearInterval(alive);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await feed.close();
  } finally {
    await store.close();
  }
}
