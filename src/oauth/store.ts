/**
 * Applications, authorization codes and token pairs. Every secret is looked up or compared by
 * its SHA-256; the one-use rules (a code once, a refresh token once) are single conditional
 * statements, so two parallel exchanges of the same code or refresh token cannot both win.
 */
import type { Db } from '../store/index.js';
import { oauthDb, type OAuthAppRow, type OAuthCodeRow, type OAuthTokenRow } from './schema.js';
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
} from './tokens.js';

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

/** Deletes the application: its tokens stop working at once (revoked), its codes are gone. */
export async function deleteApplication(db: Db, clientId: string, now = nowUnix()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const odb = oauthDb(trx);
    const app = await odb.selectFrom('oauth_apps').select('id').where('client_id', '=', clientId).executeTakeFirst();
    if (!app) return false;
    await odb.updateTable('oauth_tokens').set({ revoked_at: now }).where('app_id', '=', app.id).where('revoked_at', 'is', null).execute();
    await odb.deleteFrom('oauth_codes').where('app_id', '=', app.id).execute();
    await odb.deleteFrom('oauth_apps').where('id', '=', app.id).execute();
    return true;
  });
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
  await odb.deleteFrom('oauth_codes').where('expires_at', '<', now).execute();
  await odb
    .insertInto('oauth_codes')
    .values({
      code_hash: hashToken(code),
      app_id: grant.appId,
      user_id: grant.userId,
      scope: grant.scope.join(','),
      redirect_uri: grant.redirectUri,
      expires_at: now + CODE_SECONDS,
    })
    .execute();
  return code;
}

/** Takes the code out of the store (it works once), or undefined when unknown or expired. */
export async function takeCode(db: Db, code: string, now = nowUnix()): Promise<OAuthCodeRow | undefined> {
  const row = await oauthDb(db).deleteFrom('oauth_codes').where('code_hash', '=', hashToken(code)).returningAll().executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  return row;
}

export interface IssuedPair {
  accessToken: string;
  refreshToken: string;
  row: OAuthTokenRow;
}

export async function issueTokens(db: Db, grant: { appId: number; userId: number; scope: string[] }, now = nowUnix()): Promise<IssuedPair> {
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
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { accessToken, refreshToken, row };
}

/**
 * Marks the refresh token used and returns its pair, or undefined when it is unknown, of
 * another application, expired, revoked or already used. One conditional UPDATE: of two
 * parallel refreshes with the same token exactly one succeeds.
 */
export async function useRefreshToken(db: Db, refreshToken: string, appId: number, now = nowUnix()): Promise<OAuthTokenRow | undefined> {
  return oauthDb(db)
    .updateTable('oauth_tokens')
    .set({ refresh_used_at: now })
    .where('refresh_hash', '=', hashToken(refreshToken))
    .where('app_id', '=', appId)
    .where('refresh_used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('refresh_expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** Revokes every token of the application (uninstall): they stop working at once. */
export async function revokeApplicationTokens(db: Db, appId: number, now = nowUnix()): Promise<void> {
  await oauthDb(db).updateTable('oauth_tokens').set({ revoked_at: now }).where('app_id', '=', appId).where('revoked_at', 'is', null).execute();
}
