/**
 * The change feed as a stream (issue #10): subscribers see every change record, in sequence
 * order, exactly once, whichever process wrote it. The `changes` table is the truth; this only
 * reads it forward from the last sequence number it delivered:
 *
 * - after a write in this process (`catchUp`, which the write path awaits after commit);
 * - PostgreSQL: when another server's commit NOTIFYs (src/store/changes.ts), and every `pollMs`
 *   as a safety net, since notifications can be missed but the sequence cannot;
 * - SQLite: every `pollMs` (25 ms), a primary-key lookup, to see the CLI's or another
 *   process's commits.
 *
 * Writers commit change rows in sequence order (one writer at a time on SQLite, an advisory lock
 * on PostgreSQL), so once seq N is seen nothing below it can appear later; a sequence number a
 * rolled-back insert burnt is simply never seen. When rows after `last` were pruned before being
 * read, subscribers get `onReset` and must rebuild: nothing is skipped silently.
 */
import type { ChangesKeep } from '../config.js';
import { lastChangeSeq, listenForChanges, prunedThrough, readChanges, type ChangeListener, type ChangeRecord } from '../store/changes.js';
import type { Store } from '../store/index.js';
import { startPruning, type Pruner } from './change-retention.js';

export type { ChangeRecord } from '../store/changes.js';

/** Changes between `from` and `to` were pruned before this feed read them. */
export interface FeedReset {
  /** the feed's position before: the last change it delivered */
  from: number;
  /** where it continues: the newest change when the loss was noticed */
  to: number;
  /** every change up to this sequence number is gone */
  prunedThrough: number;
}

export type ChangeSubscriber = (record: ChangeRecord) => void;
export type ResetSubscriber = (reset: FeedReset) => void;

export interface ChangeFeedOptions {
  /** deliver changes after this sequence number; default: the newest one when `start` runs */
  since?: number;
  /** how often to look for other processes' changes (default 25 ms on SQLite, 500 ms on PostgreSQL, which NOTIFY wakes) */
  pollMs?: number;
  /** prune the table in the background to these limits (servers; `roster changes --follow` does not) */
  keep?: ChangesKeep;
  pruneEveryMs?: number;
  /** rows read per query (default 1000) */
  batch?: number;
  /** failures of background work (a lost LISTEN connection, a failed poll) and of subscribers */
  onError?: (error: unknown, what: string) => void;
}

export interface ChangeFeed {
  /** the sequence number of the last change delivered (or the start position) */
  readonly last: number;
  /** reads the position, starts listening, polling and pruning */
  start(): Promise<void>;
  /** delivers every committed change after `last`; concurrent calls share the work, and a call made after a commit sees that commit */
  catchUp(): Promise<void>;
  /** `fn` gets every later record in order; `onReset` when changes were pruned unseen. Returns unsubscribe. */
  subscribe(fn: ChangeSubscriber, onReset?: ResetSubscriber): () => void;
  /** one bounded pruning run now (with `keep`): rows deleted */
  prune(): Promise<number>;
  close(): Promise<void>;
}

const LISTEN_RETRY_MS = 1000;

export function createChangeFeed(store: Store, options: ChangeFeedOptions = {}): ChangeFeed {
  const batch = options.batch ?? 1000;
  const pollMs = options.pollMs ?? (store.dialect === 'postgres' ? 500 : 25);
  const report = (error: unknown, what: string) => options.onError?.(error, what);
  const subscribers = new Set<{ fn: ChangeSubscriber; onReset?: ResetSubscriber }>();
  let last = options.since ?? 0;
  let started = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let listener: ChangeListener | null = null;
  let listening: Promise<void> | null = null;
  let nextListenAt = 0;
  let pruner: Pruner | null = null;
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const deliver = (record: ChangeRecord) => {
    for (const s of [...subscribers]) {
      try {
        s.fn(record);
      } catch (error) {
        report(error, 'a change feed subscriber failed');
      }
    }
  };

  const reset = (info: FeedReset) => {
    for (const s of [...subscribers]) {
      try {
        s.onReset?.(info);
      } catch (error) {
        report(error, 'a change feed subscriber failed');
      }
    }
  };

  const readForward = async ({ db }: Store) => {
    for (;;) {
      if (closed) return;
      const rows = await readChanges(db, last, batch);
      if (rows.length === 0) return;
      // a gap is usually a rolled-back insert; pruning leaves the same gap but records it
      if (rows[0]!.seq > last + 1) {
        const pruned = await prunedThrough(db);
        if (pruned > last) {
          const to = Math.max(await lastChangeSeq(db), last);
          const from = last;
          last = to;
          reset({ from, to, prunedThrough: pruned });
          continue;
        }
      }
      for (const record of rows) {
        if (closed) return;
        last = record.seq;
        deliver(record);
      }
      if (rows.length < batch) return;
    }
  };

  const catchUp = (): Promise<void> => {
    if (!running) {
      running = store
        .background(readForward)
        .catch((error: unknown) => report(error, 'reading the change feed failed'))
        .finally(() => (running = null));
      return running;
    }
    // a run is under way and may have read before the caller's commit: one more after it
    queued ??= running.then(() => {
      queued = null;
      return catchUp();
    });
    return queued;
  };

  const listen = () => {
    if (store.dialect !== 'postgres' || listener || listening || closed || performance.now() < nextListenAt) return listening;
    listening = listenForChanges(
      store,
      () => void catchUp(),
      (error) => {
        listener = null;
        nextListenAt = performance.now() + LISTEN_RETRY_MS;
        report(error, 'the change feed lost its LISTEN connection; polling until it is back');
      },
    )
      .then(async (l) => {
        if (closed) await l?.close();
        else listener = l;
      })
      .catch((error: unknown) => {
        nextListenAt = performance.now() + LISTEN_RETRY_MS;
        report(error, 'the change feed could not LISTEN; polling until it can');
      })
      .finally(() => (listening = null));
    return listening;
  };

  const tick = async () => {
    timer = null;
    void listen();
    await catchUp();
    if (!closed) {
      timer = setTimeout(tick, pollMs);
      timer.unref();
    }
  };

  return {
    get last() {
      return last;
    },
    async start() {
      if (started || closed) return;
      started = true;
      // listen before reading the position: a commit in between is then heard, not lost
      await listen();
      if (options.since === undefined) last = Math.max(last, await store.background(({ db }) => lastChangeSeq(db)));
      if (options.keep) pruner = startPruning(store, options.keep, { everyMs: options.pruneEveryMs, onError: (e) => report(e, 'pruning the change feed failed') });
      timer = setTimeout(tick, pollMs);
      timer.unref();
    },
    catchUp,
    subscribe(fn, onReset) {
      const entry = { fn, onReset };
      subscribers.add(entry);
      return () => void subscribers.delete(entry);
    },
    prune: async () => (pruner ? pruner.run() : 0),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      subscribers.clear();
      await listening;
      await listener?.close();
      await pruner?.stop();
      await running;
    },
  };
}
