import { createHash, randomInt } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from './index.js';
import type { WebhooksTable } from './schema.js';
import { clock } from '../clock.js';

export type WebhookRow = Selectable<WebhooksTable>;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 20 random lower-case letters and digits (~103 bits), the shape SDKs validate webhook codes against. */
export function newSecret(length = 20): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface NewWebhook {
  userId: number;
  scopes: string[];
  title?: string;
  expiresAt?: number | null;
}

export async function createWebhook(db: Db, hook: NewWebhook, now = clock.unix()): Promise<{ id: number; secret: string }> {
  const secret = newSecret();
  const row = await db
    .insertInto('webhooks')
    .values({
      user_id: hook.userId,
      secret_hash: hashSecret(secret),
      scope: hook.scopes.join(','),
      title: hook.title ?? '',
      date_create: now,
      expires_at: hook.expiresAt ?? null,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, secret };
}

export async function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().orderBy('id').execute();
}

/** Marks the webhook revoked; false when there is no such (unrevoked) webhook. */
export async function revokeWebhook(db: Db, id: number, now = clock.unix()): Promise<boolean> {
  const result = await db
    .updateTable('webhooks')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function webhooksOf(db: Db, userId: number): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().where('user_id', '=', userId).execute();
}

export function scopesOf(row: Pick<WebhookRow, 'scope'>): string[] {
  return row.scope.split(',').filter(Boolean);
}

/**
 * Revokes the webhooks and OAuth tokens of these users (after `import --replace`, their ids may
 * belong to someone else now); returns how many of each were revoked.
 */
export async function revokeCredentialsOf(db: Db, userIds: readonly number[], now = clock.unix()): Promise<{ webhooks: number[]; tokens: number }> {
  if (userIds.length === 0) return { webhooks: [], tokens: 0 };
  const webhooks: number[] = [];
  let tokens = 0;
  for (let i = 0; i < userIds.length; i += 500) {
    const chunk = userIds.slice(i, i + 500);
    const hooks = await db.updateTable('webhooks').set({ revoked_at: now }).where('user_id', 'in', chunk).where('revoked_at', 'is', null).returning('id').execute();
    webhooks.push(...hooks.map((h) => h.id));
    const result = await db
      .withTables<{ oauth_tokens: { user_id: number; revoked_at: number | null } }>()
      .updateTable('oauth_tokens')
      .set({ revoked_at: now })
      .where('user_id', 'in', chunk)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    tokens += Number(result.numUpdatedRows);
    await db.withTables<{ oauth_codes: { user_id: number } }>().deleteFrom('oauth_codes').where('user_id', 'in', chunk).execute();
  }
  return { webhooks: webhooks.sort((a, b) => a - b), tokens };
}

/** Users (id → e-mail key) that hold a credential nobody revoked: webhooks or OAuth tokens. */
export async function credentialHolders(db: Db): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email_key'])
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('webhooks').select('webhooks.id').whereRef('webhooks.user_id', '=', 'users.id').where('webhooks.revoked_at', 'is', null)),
        eb.exists(
          eb
            .selectFrom(sql.table('oauth_tokens').as('t'))
            .select(sql.lit(1).as('one'))
            .where(sql.ref('t.user_id'), '=', sql.ref('users.id'))
            .where(sql.ref('t.revoked_at'), 'is', null),
        ),
      ]),
    )
    .execute();
  return new Map(rows.map((r) => [r.id, r.email_key]));
}

/** Deletes every webhook (a reset with `webhooks=drop`); returns their ids. */
export async function deleteAllWebhooks(db: Db): Promise<number[]> {
  return (await db.deleteFrom('webhooks').returning('id').execute()).map((r) => r.id);
}
