import { createHash, randomInt } from 'node:crypto';
import type { Selectable } from 'kysely';
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
