import type { Db } from '../store/index.js';
import { memberId } from '../store/member.js';
import type { OAuthAppRow } from '../store/oauth-schema.js';
import { issueTokens, scopesOfRow } from '../store/oauth.js';
import { ACCESS_TOKEN_SECONDS, nowUnix } from '../store/oauth-tokens.js';

/** The body of a successful `/oauth/token/` answer, in the Bitrix24 OAuth server's shape. */
export interface TokenBody {
  access_token: string;
  /** unix seconds (by Roster's clock) when the access token expires: B24OAuth schedules its refresh by it */
  expires: number;
  expires_in: number;
  scope: string;
  domain: string;
  server_endpoint: string;
  client_endpoint: string;
  member_id: string;
  user_id: number;
  refresh_token: string;
  /** the application's status on the portal: `L`, a local application */
  status: string;
}

/**
 * Mints a token pair for `userId` on `app` (scopes: the application's, or the narrower
 * `scope` of a code or an earlier pair; the code's or earlier pair's `family`) and answers as
 * Bitrix24 does. `baseUrl` is where
 * clients reach this server: both endpoints are its `/rest/`.
 */
export async function grantTokens(
  db: Db,
  app: OAuthAppRow,
  userId: number,
  baseUrl: string,
  scope: string[] = scopesOfRow(app),
  family?: string,
): Promise<TokenBody> {
  const granted = new Set(scopesOfRow(app));
  const scopes = scope.filter((s) => granted.has(s));
  const now = nowUnix();
  const pair = await issueTokens(db, { appId: app.id, userId, scope: scopes, family }, now);
  const base = baseUrl.replace(/\/+$/, '');
  return {
    access_token: pair.accessToken,
    expires: now + ACCESS_TOKEN_SECONDS,
    expires_in: ACCESS_TOKEN_SECONDS,
    scope: scopes.join(','),
    domain: hostOf(base),
    server_endpoint: `${base}/rest/`,
    client_endpoint: `${base}/rest/`,
    member_id: await memberId(db),
    user_id: userId,
    refresh_token: pair.refreshToken,
    status: 'L',
  };
}

/** `host[:port]` of a base URL, the form Bitrix24 gives `domain` in. */
export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl.replace(/^\w+:\/\//, '').replace(/\/.*$/, '');
  }
}
