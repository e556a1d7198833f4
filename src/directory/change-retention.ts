/**
 * Retention of the change feed (`--changes-keep`): the oldest rows are pruned in the background,
 * a bounded batch per run, so a large backlog never holds the database for long. Every server
 * on a directory prunes; they agree because pruning only ever removes a prefix of the sequence.
 */
import { clock } from '../clock.js';
import type { ChangesKeep } from '../config.js';
import { pruneChanges } from '../store/changes.js';
import type { Store } from '../store/index.js';

export interface PrunerOptions {
  /** pause between runs when nothing more is due (default one minute) */
  everyMs?: number;
  /** most rows one run deletes (default 10,000) */
  batch?: number;
  onError?: (error: unknown) => void;
}

export interface Pruner {
  /** one bounded run now: the number of rows deleted */
  run(): Promise<number>;
  stop(): Promise<void>;
}

/** A backlog is worked off in quick succession, but never in one long transaction. */
const AGAIN_MS = 1000;

export function startPruning(store: Store, keep: ChangesKeep, options: PrunerOptions = {}): Pruner {
  const everyMs = options.everyMs ?? 60_000;
  const batch = options.batch ?? 10_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<{ deleted: number; more: boolean }> | null = null;
  let stopped = false;

  const once = () =>
    (running ??= store
      .background(({ db }) => pruneChanges(db, { before: keep.ageMs === null ? null : clock.now() - keep.ageMs, keepRows: keep.rows, batch }))
      .finally(() => (running = null)));

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      once().then(
        ({ more }) => schedule(more ? AGAIN_MS : everyMs),
        (error: unknown) => {
          options.onError?.(error);
          schedule(everyMs);
        },
      );
    }, ms);
    timer.unref();
  };
  schedule(everyMs);

  return {
    run: async () => (await once()).deleted,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
