/**
 * The change feed as this server's listeners hear it when it has a read model: each record once
 * the model holds it. The model applies a change asynchronously after the feed delivered it (it
 * reloads the rows), so a console or test suite that reloads on hearing of a change could
 * otherwise read the version before it, and would not hear of the change again.
 */
import type { ChangeFeed, ChangeRecord, ChangeSubscriber, FeedReset, ResetSubscriber } from '../directory/feed.js';

type Item = { record: ChangeRecord } | { reset: FeedReset };

/**
 * `model` must have subscribed to `feed` before this is called: it then notes each record before
 * this queues it. `onError` hears of a listener that threw (the others are still called).
 */
export function afterModel(feed: ChangeFeed, model: { settle(): Promise<void> }, onError: (error: unknown) => void): ChangeFeed {
  const subscribers = new Set<{ fn: ChangeSubscriber; onReset?: ResetSubscriber }>();
  let last = feed.last;
  let queue: Item[] = [];
  let draining: Promise<void> | null = null;

  const hand = (item: Item) => {
    for (const s of [...subscribers]) {
      try {
        if ('record' in item) s.fn(item.record);
        else s.onReset?.(item.reset);
      } catch (error) {
        onError(error);
      }
    }
  };

  const drain = async () => {
    try {
      while (queue.length > 0) {
        // every queued record was noted by the model before it was queued: settling applies it
        const ready = queue;
        queue = [];
        await model.settle();
        for (const item of ready) {
          last = 'record' in item ? item.record.seq : Math.max(last, item.reset.to);
          hand(item);
        }
      }
    } finally {
      // in the step that saw the queue empty: a record pushed after it starts a new drain
      draining = null;
    }
  };

  const push = (item: Item) => {
    queue.push(item);
    draining ??= drain();
  };

  const unsubscribe = feed.subscribe(
    (record) => push({ record }),
    (reset) => push({ reset }),
  );

  return {
    get last() {
      return last;
    },
    start: () => feed.start(),
    async catchUp() {
      await feed.catchUp();
      await draining;
    },
    subscribe(fn, onReset) {
      const entry = { fn, onReset };
      subscribers.add(entry);
      return () => void subscribers.delete(entry);
    },
    prune: () => feed.prune(),
    async close() {
      unsubscribe();
      subscribers.clear();
      await feed.close();
    },
  };
}
