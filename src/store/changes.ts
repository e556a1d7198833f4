/**
 * The change feed's rows (issue #10). Every directory write appends its records here in its own
 * transaction, so a change and its record land together or not at all; readers (the read model,
 * events, the console, other instances) catch up by sequence number. How the feed travels from
 * here: src/directory/feed.ts and docs/CHANGES.md.
 */
import { PostgresAdapter, sql } from 'kysely';
import type pg from 'pg';
import { clock } from '../clock.js';
import type { Db, Store } from './index.js';

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

/**
 * PostgreSQL: the NOTIFY channel other servers LISTEN on, one per schema (several directories
 * share a database in tests). md5 keeps it under the 63-byte identifier limit for any schema.
 */
const CHANNEL = `'roster_changes_' || md5(current_schema())`;

/**
 * PostgreSQL: serialises the transactions that append changes from here to their commit, so rows
 * commit in sequence order and a reader that saw seq N never later finds a committed N-1. The
 * command layer may take the same lock earlier (`lockChanges`); taking it twice is harmless.
 * SQLite needs nothing: the engine lets one writer at a time hold the file.
 */
export async function lockChanges(db: Db): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`SELECT ${sql.raw(LOCK)}`.execute(db);
}

const LOCK = `pg_advisory_xact_lock(hashtext('roster_changes'), hashtext(current_schema()))`;

/**
 * Appends the records; call inside the transaction that makes the changes. On PostgreSQL it also
 * sends the NOTIFY that wakes other servers: PostgreSQL delivers it at commit, never on rollback.
 */
export async function appendChanges(db: Db, changes: readonly ChangeInput[], actor: Actor, at = clock.now()): Promise<void> {
  if (changes.length === 0) return;
  if (isPostgres(db)) {
    await sql`SELECT ${sql.raw(LOCK)}, pg_notify(${sql.raw(CHANNEL)}, '')`.execute(db);
  }
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

// a transaction shares its database's adapter, so this works on both
const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

type ChangeRow = { seq: number; at: number; kind: string; entity_id: number | null; fields: string; actor_user: number | null; actor_credential: string | null };

function toRecord(row: ChangeRow): ChangeRecord {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    kind: row.kind as ChangeKind,
    entity: row.entity_id,
    fields: JSON.parse(row.fields) as Record<string, unknown>,
    actor: { user: row.actor_user, credential: row.actor_credential },
  };
}

/** The records after `since`, oldest first, at most `limit`. */
export async function readChanges(db: Db, since: number, limit: number): Promise<ChangeRecord[]> {
  const rows = await db.selectFrom('changes').selectAll().where('seq', '>', since).orderBy('seq').limit(limit).execute();
  return rows.map(toRecord);
}

/** The newest sequence number ever written (0 before the first change). */
export async function lastChangeSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  // every pruning run keeps the newest row, so the table's max is the feed's max
  return Number(row?.seq ?? 0);
}

const PRUNED_KEY = 'changes_pruned_through';

/** Every change up to this sequence number has been pruned (0: none ever was). */
export async function prunedThrough(db: Db): Promise<number> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', PRUNED_KEY).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

export interface PruneLimits {
  /** rows written before this instant (unix ms) go */
  before: number | null;
  /** only the newest this many sequence numbers stay */
  keepRows: number | null;
  /** most rows one call deletes */
  batch: number;
}

/**
 * Deletes the oldest changes beyond the limits, at most `batch` sequence numbers in one
 * transaction, always keeping the newest change. Only a prefix of the sequence is deleted and
 * its end recorded, so "was anything after N pruned?" is one comparison. Returns how many rows
 * went and whether more are due.
 */
export async function pruneChanges(db: Db, limits: PruneLimits): Promise<{ deleted: number; more: boolean }> {
  return db.transaction().execute(async (trx) => {
    // two servers pruning at once must not move the mark backwards
    await lockChanges(trx);
    const bounds = await trx.selectFrom('changes').select((eb) => [eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last')]).executeTakeFirst();
    if (!bounds?.first || !bounds.last) return { deleted: 0, more: false };
    const first = Number(bounds.first);
    const last = Number(bounds.last);
    let cut = limits.keepRows === null ? 0 : last - limits.keepRows;
    if (limits.before !== null) {
      const old = await trx.selectFrom('changes').select((eb) => eb.fn.max('seq').as('seq')).where('at', '<', limits.before).executeTakeFirst();
      cut = Math.max(cut, Number(old?.seq ?? 0));
    }
    cut = Math.min(cut, last - 1);
    if (cut < first) return { deleted: 0, more: false };
    const through = Math.min(cut, first + limits.batch - 1);
    const result = await trx.deleteFrom('changes').where('seq', '<=', through).executeTakeFirst();
    // another server may have pruned further already: the mark only moves forward
    if ((await prunedThrough(trx)) < through) {
      await trx
        .insertInto('meta')
        .values({ key: PRUNED_KEY, value: String(through) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(through) }))
        .execute();
    }
    return { deleted: Number(result.numDeletedRows), more: through < cut };
  });
}

/** A LISTEN connection: `close` ends it. */
export interface ChangeListener {
  close(): Promise<void>;
}

/**
 * PostgreSQL: listens for the NOTIFY `appendChanges` sends, on a connection of its own (a pooled
 * one would be handed to queries). `onLost` is called once if the connection fails; the caller
 * falls back to polling and listens again later. SQLite has nothing to listen to: null.
 */
export async function listenForChanges(store: Store, onNotify: () => void, onLost: (error: Error) => void): Promise<ChangeListener | null> {
  if (!store.dedicatedClient) return null;
  const client: pg.Client = store.dedicatedClient();
  let lost = false;
  const fail = (error: Error) => {
    if (lost) return;
    lost = true;
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    onLost(error);
  };
  client.on('error', fail);
  client.on('end', () => fail(new Error('the LISTEN connection ended')));
  try {
    await client.connect();
    const { rows } = await client.query<{ channel: string }>(`SELECT ${CHANNEL} AS channel`);
    client.on('notification', () => onNotify());
    await client.query(`LISTEN "${rows[0]!.channel}"`);
  } catch (error) {
    lost = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    async close() {
      if (lost) return;
      lost = true;
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
