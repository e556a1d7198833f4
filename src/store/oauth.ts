/**
 * Applications, authorization codes and token pairs. Every secret is looked up or compared by
 * its SHA-256; the one-use rules (a code once, a refresh token once) are single conditional
 * statements, so two parallel exchanges of the same code or refresh token cannot both win.
 * Replaying a used code or refresh token revokes its whole token family (RFC 6749 §4.1.2,
 * §10.4): the replay means one of the two parties holding it is not the legitimate client.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './index.js';
import { oauthDb, type OAuthAppRow, type OAuthCodeRow, type OAuthTokenRow } from './oauth-schema.js';
import {
  ACCESS_TOKEN_SECONDS,
  CODE_SECONDS,
  REFRESH_TOKEN_SECONDS,
  hashToken,
  newClientId,
  newClientSecret,
  newToken,
  nowUnix,
  sameHash,
} from './oauth-tokens.js';

export interface NewApplication {
  name: string;
  scopes: string[];
  redirectUri?: string;
}

export async function createApplication(
  db: Db,
  app: NewApplication,
  now = nowUnix(),
): Promise<{ id: number; clientId: string; clientSecret: string }> {
  const clientId = newClientId();
  const clientSecret = newClientSecret();
  const row = await oauthDb(db)
    .insertInto('oauth_apps')
    .values({
      client_id: clientId,
      secret_hash: hashToken(clientSecret),
      name: app.name,
      scope: app.scopes.join(','),
      redirect_uri: app.redirectUri ?? '',
      date_create: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, clientId, clientSecret };
}

export function listApplications(db: Db): Promise<OAuthAppRow[]> {
  return oauthDb(db).selectFrom('oauth_apps').selectAll().orderBy('id').execute();
}

export function findApplication(db: Db, clientId: string): Promise<OAuthAppRow | undefined> {
  return oauthDb(db).selectFrom('oauth_apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export function findApplicationById(db: Db, id: number): Promise<OAuthAppRow | undefined> {
  return oauthDb(db).selectFrom('oauth_apps').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The application when `secret` is its client secret (constant-time), else undefined. */
export async function verifyClient(db: Db, clientId: string, secret: string): Promise<OAuthAppRow | undefined> {
  const app = await findApplication(db, clientId);
  const given = hashToken(secret);
  // hash and compare even for an unknown client, so timing tells nothing
  const ok = sameHash(app?.secret_hash ?? hashToken(''), given);
  return app && ok && secret !== '' ? app : undefined;
}

/**
 * Deletes the application: its tokens stop working at once (revoked), its codes are gone.
 * Returns its id, or undefined when there is none. Run it in a command (one transaction).
 */
export async function deleteApplication(db: Db, clientId: string, now = nowUnix()): Promise<number | undefined> {
  const odb = oauthDb(db);
  const app = await odb.selectFrom('oauth_apps').select('id').where('client_id', '=', clientId).executeTakeFirst();
  if (!app) return undefined;
  await odb.updateTable('oauth_tokens').set({ revoked_at: now }).where('app_id', '=', app.id).where('revoked_at', 'is', null).execute();
  await odb.deleteFrom('oauth_codes').where('app_id', '=', app.id).execute();
  await odb.deleteFrom('oauth_apps').where('id', '=', app.id).execute();
  return app.id;
}

export function scopesOfRow(row: { scope: string }): string[] {
  return row.scope.split(',').filter(Boolean);
}

export async function createCode(
  db: Db,
  grant: { appId: number; userId: number; scope: string[]; redirectUri: string },
  now = nowUnix(),
): Promise<string> {
  const code = newToken();
  const odb = oauthDb(db);
  await odb.deleteFrom('oauth_codes').where('expires_at', '<', now - USED_CODE_SECONDS).execute();
  await odb
    .insertInto('oauth_codes')
    .values({
      code_hash: hashToken(code),
      app_id: grant.appId,
      user_id: grant.userId,
      scope: grant.scope.join(','),
      redirect_uri: grant.redirectUri,
      expires_at: now + CODE_SECONDS,
      family: newFamily(),
      used_at: null,
    })
    .execute();
  return code;
}

/** How long a code is remembered after it expired, so that a late replay still revokes its family. */
const USED_CODE_SECONDS = 24 * 3600;

const newFamily = () => `grant:${randomUUID()}`;

export type CodeExchange = { ok: true; grant: OAuthCodeRow } | { ok: false; replayed: boolean };

/**
 * Marks the code used and returns its grant, when it is unused, unexpired, issued to `appId`
 * and (when `redirectUri` is given) for that redirect URI: one conditional UPDATE, so a code
 * works once. Another application's attempt leaves the code alone. A second exchange by its
 * own application revokes every token issued from it (`replayed`).
 */
export async function exchangeCode(db: Db, code: string, appId: number, redirectUri: string, now = nowUnix()): Promise<CodeExchange> {
  const odb = oauthDb(db);
  const hash = hashToken(code);
  let update = odb
    .updateTable('oauth_codes')
    .set({ used_at: now })
    .where('code_hash', '=', hash)
    .where('app_id', '=', appId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now);
  if (redirectUri) update = update.where('redirect_uri', '=', redirectUri);
  const grant = await update.returningAll().executeTakeFirst();
  if (grant) return { ok: true, grant };
  const used = await odb.selectFrom('oauth_codes').select('family').where('code_hash', '=', hash).where('app_id', '=', appId).where('used_at', 'is not', null).executeTakeFirst();
  if (!used) return { ok: false, replayed: false };
  await revokeFamily(db, used.family, now);
  return { ok: false, replayed: true };
}

/** Revokes every pair of the family: their access and refresh tokens stop working at once. */
export async function revokeFamily(db: Db, family: string, now = nowUnix()): Promise<void> {
  await oauthDb(db).updateTable('oauth_tokens').set({ revoked_at: now }).where('family', '=', family).where('revoked_at', 'is', null).execute();
}

export interface IssuedPair {
  accessToken: string;
  refreshToken: string;
  row: OAuthTokenRow;
}

/** A new pair; `family` is the code's or the refreshed pair's, or a new one (`roster token issue`). */
export async function issueTokens(
  db: Db,
  grant: { appId: number; userId: number; scope: string[]; family?: string },
  now = nowUnix(),
): Promise<IssuedPair> {
  const accessToken = newToken();
  const refreshToken = newToken();
  const odb = oauthDb(db);
  // pairs whose refresh token has expired can never be used again
  await odb.deleteFrom('oauth_tokens').where('refresh_expires_at', '<', now).execute();
  const row = await odb
    .insertInto('oauth_tokens')
    .values({
      app_id: grant.appId,
      user_id: grant.userId,
      scope: grant.scope.join(','),
      access_hash: hashToken(accessToken),
      access_expires_at: now + ACCESS_TOKEN_SECONDS,
      refresh_hash: hashToken(refreshToken),
      refresh_expires_at: now + REFRESH_TOKEN_SECONDS,
      refresh_used_at: null,
      revoked_at: null,
      date_create: now,
      family: grant.family ?? newFamily(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { accessToken, refreshToken, row };
}

/**
 * Marks the refresh token used and returns its pair, or undefined when it is unknown, of
 * another application, expired, revoked or already used. One conditional UPDATE: of two
 * parallel refreshes with the same token exactly one succeeds. A token used before revokes its
 * whole family, the pairs refreshed from it included.
 */
export async function useRefreshToken(db: Db, refreshToken: string, appId: number, now = nowUnix()): Promise<OAuthTokenRow | undefined> {
  const odb = oauthDb(db);
  const hash = hashToken(refreshToken);
  const row = await odb
    .updateTable('oauth_tokens')
    .set({ refresh_used_at: now })
    .where('refresh_hash', '=', hash)
    .where('app_id', '=', appId)
    .where('refresh_used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('refresh_expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  if (row) return row;
  const used = await odb.selectFrom('oauth_tokens').select('family').where('refresh_hash', '=', hash).where('app_id', '=', appId).where('refresh_used_at', 'is not', null).executeTakeFirst();
  if (used) await revokeFamily(db, used.family, now);
  return undefined;
}

/** The access token with this hash, with its application (null fields when the application is gone). */
export function findAccessToken(db: Db, hash: string) {
  return oauthDb(db)
    .selectFrom('oauth_tokens as t')
    .leftJoin('oauth_apps as a', 'a.id', 't.app_id')
    .select(['t.access_hash', 't.user_id', 't.scope', 't.access_expires_at', 't.revoked_at', 'a.id as app_id', 'a.client_id', 'a.name', 'a.scope as app_scope'])
    .where('t.access_hash', '=', hash)
    .executeTakeFirst();
}

/** Revokes every token of the application (uninstall): they stop working at once. */
export async function revokeApplicationTokens(db: Db, appId: number, now = nowUnix()): Promise<void> {
  await oauthDb(db).updateTable('oauth_tokens').set({ revoked_at: now }).where('app_id', '=', appId).where('revoked_at', 'is', null).execute();
}
