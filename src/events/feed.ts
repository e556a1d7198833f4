/**
 * The bridge from the change feed to the outbox. In one transaction: lock the cursor, read the
 * changes after it, turn them into deliveries and offline records, advance the cursor. A crash
 * anywhere rolls all of it back, so every committed change is turned into deliveries exactly
 * once, whichever instance does it.
 */
import { clock } from '../clock.js';
import type { Store } from '../store/index.js';
import { writeTransaction } from '../store/write.js';
import { changesAfter, deleteEventApp, dropAppBindings, feedHasWork, lockCursor, setCursor } from '../store/events.js';
import { fanOut, sendDueNotices } from './fan-out.js';
import { raisedBy, type RaiseOptions } from './raise.js';

const BATCH = 200;

/** Processes one batch of the feed; returns the number of changes read. */
export async function pumpFeed(store: Store, options: RaiseOptions): Promise<number> {
  const now = clock.now();
  if (!(await feedHasWork(store.db, now))) return 0;
  // a write transaction like every other: it waits its turn (without blocking) while an import holds the file
  return writeTransaction(store, async (trx) => {
    const cursor = await lockCursor(trx);
    const changes = await changesAfter(trx, cursor, BATCH);
    for (const change of changes) {
      await fanOut(trx, await raisedBy(trx, change, options), { now, changeSeq: change.seq });
      if (change.entity === null) continue;
      if (change.kind === 'app.uninstalled') await dropAppBindings(trx, change.entity, change.fields.clean === true);
      if (change.kind === 'app.deleted') await deleteEventApp(trx, change.entity);
    }
    if (changes.length) await setCursor(trx, changes[changes.length - 1]!.seq);
    await sendDueNotices(trx, now);
    return changes.length;
  });
}
