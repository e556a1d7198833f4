/**
 * The change feed's rows (issue #10). Every directory write appends its records here in its own
 * transaction, so a change and its record land together or not at all; readers (the read model,
 * events, the console, other instances) catch up by sequence number.
 */
import { clock } from '../clock.js';
import type { Db } from './index.js';

export const CHANGE_KINDS = [
  'user.added', 'user.updated', 'user.departments', 'user.presence', 'user.dismissed',
  'department.added', 'department.updated', 'department.deleted',
  'group.added', 'group.updated', 'group.deleted', 'group.members',
  'bot.registered', 'bot.unregistered',
  'directory.replaced', 'directory.merged',
  'webhook.created', 'webhook.revoked',
  'app.created', 'app.deleted', 'app.installed', 'app.uninstalled',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Who made a change: the acting user (when there is one) and the credential or channel. */
export interface Actor {
  user: number | null;
  /** `webhook:<id>`, `oauth:<client_id>`, `cli`, `admin`, `system` */
  credential: string;
}

export interface ChangeInput {
  kind: ChangeKind;
  /** the id of the user, department, group, bot (= user), webhook or application; null for the whole directory */
  entity: number | null;
  /** the changed fields with their new values, or what the kind needs (member ids added, ...) */
  fields?: Record<string, unknown>;
}

export interface ChangeRecord {
  seq: number;
  /** unix milliseconds */
  at: number;
  kind: ChangeKind;
  entity: number | null;
  fields: Record<string, unknown>;
  actor: { user: number | null; credential: string | null };
}

/** Appends the records; call inside the transaction that makes the changes. */
export async function appendChanges(db: Db, changes: readonly ChangeInput[], actor: Actor, at = clock.now()): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto('changes')
    .values(changes.map((c) => ({
      at,
      kind: c.kind,
      entity_id: c.entity,
      fields: JSON.stringify(c.fields ?? {}),
      actor_user: actor.user,
      actor_credential: actor.credential,
    })))
    .execute();
}
