import { randomBytes } from 'node:crypto';
import type { Db } from './index.js';

/**
 * The directory's `member_id`: the portal identifier Bitrix24 hands to applications (32 hex
 * characters), generated once per database and kept in `meta`. It also namespaces the shared
 * limit counters, so two directories on one Redis never share a bucket.
 */
export async function memberId(db: Db): Promise<string> {
  const existing = await db.selectFrom('meta').select('value').where('key', '=', 'member_id').executeTakeFirst();
  if (existing) return existing.value;
  await db
    .insertInto('meta')
    .values({ key: 'member_id', value: randomBytes(16).toString('hex') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'member_id').executeTakeFirstOrThrow();
  return row.value;
}
