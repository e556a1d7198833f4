/** Presence commands: the selected status and idleness. */
import type { Status } from '../../facts.js';
import { setIdle, setStatus as writeStatus } from '../../store/presence.js';
import type { Tx } from './run.js';

/** Selecting a status ends idleness, as upstream's CIMStatus::Set resets IDLE. */
export async function setStatus(tx: Tx, userId: number, status: Status): Promise<void> {
  await writeStatus(tx.db, userId, status);
  await tx.changed({ kind: 'user.presence', entity: userId, fields: { status, idle_at: null } });
}

/** The user is idle since `since` (unix seconds), or no longer idle with null. */
export async function setIdleSince(tx: Tx, userId: number, since: number | null): Promise<void> {
  await setIdle(tx.db, userId, since);
  await tx.changed({ kind: 'user.presence', entity: userId, fields: { idle_at: since } });
}
