import type { Status } from '../facts.js';
import type { Db } from './index.js';

/** Selecting a status ends idleness, as upstream's CIMStatus::Set resets IDLE. */
export async function setStatus(db: Db, userId: number, status: Status): Promise<void> {
  await db.updateTable('users').set({ status, idle_at: null }).where('id', '=', userId).execute();
}

/** When the user went idle (unix seconds), or null when they are not. */
export async function setIdle(db: Db, userId: number, idleAt: number | null): Promise<void> {
  await db.updateTable('users').set({ idle_at: idleAt }).where('id', '=', userId).execute();
}

/** Read fresh rather than from the caller's row: a batch may have changed it a command earlier. */
export async function statusOf(db: Db, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirst();
  return row?.status;
}
