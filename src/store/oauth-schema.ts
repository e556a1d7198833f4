import type { Generated, Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';
import type { Db } from './index.js';

/**
 * The OAuth tables (migrations 002-oauth, 004-oauth-families). Secrets, codes and tokens are stored as SHA-256
 * hashes of high-entropy random strings: a copy of the database grants nothing.
 */
export type OAuthTables = {
  oauth_apps: OAuthAppsTable;
  oauth_codes: OAuthCodesTable;
  oauth_tokens: OAuthTokensTable;
};

export interface OAuthAppsTable {
  id: Generated<number>;
  /** `local.<14 hex>.<8 digits>`, the shape of a Bitrix24 local application's code */
  client_id: string;
  secret_hash: string;
  name: string;
  /** comma-separated scopes */
  scope: string;
  /** where the sign-in page sends the browser back; '' shows the code on the page instead */
  redirect_uri: string;
  date_create: number;
}

export interface OAuthCodesTable {
  code_hash: string;
  app_id: number;
  user_id: number;
  scope: string;
  redirect_uri: string;
  expires_at: number;
  /** the family of the tokens issued for the code (migration 004) */
  family: Generated<string>;
  /** set when the code was exchanged: a second exchange revokes its family */
  used_at: number | null;
}

export interface OAuthTokensTable {
  id: Generated<number>;
  app_id: number;
  user_id: number;
  scope: string;
  access_hash: string;
  access_expires_at: number;
  refresh_hash: string;
  refresh_expires_at: number;
  /** set when the refresh token was exchanged: it cannot be used again */
  refresh_used_at: number | null;
  revoked_at: number | null;
  date_create: number;
  /** pairs from one grant and their refreshes share a family: a replay revokes them all (migration 004) */
  family: Generated<string>;
}

export type OAuthDb = Kysely<Database & OAuthTables>;
export type OAuthAppRow = Selectable<OAuthAppsTable>;
export type OAuthTokenRow = Selectable<OAuthTokensTable>;
export type OAuthCodeRow = Selectable<OAuthCodesTable>;

/** The store's database with the OAuth tables in its type. */
export function oauthDb(db: Db): OAuthDb {
  return db.withTables<OAuthTables>();
}
