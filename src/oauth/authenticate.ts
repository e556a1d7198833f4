import { viewerOf, type App, type Caller } from '../rest/context.js';
import { RestError } from '../rest/errors.js';
import { findUser } from '../store/users.js';
import { findAccessToken, scopesOfRow } from '../store/oauth.js';
import { hashToken, isMalformedToken, isTokenShaped, nowUnix, sameHash } from '../store/oauth-tokens.js';

/**
 * An access token → the caller (CONTRACT §3, §7): malformed or revoked → `invalid_token`;
 * well-formed but unknown → `NO_AUTH_FOUND`; past its hour → `expired_token`
 * (the client refreshes and retries). The caller's scopes are the token's, narrowed to the
 * application's current ones.
 */
export function tokenAuthenticator(app: Pick<App, 'store' | 'read'>): (token: string) => Promise<Caller> {
  return async (token: string) => {
    if (isMalformedToken(token)) throw new RestError('invalid_token');
    if (!isTokenShaped(token)) throw new RestError('NO_AUTH_FOUND');
    const db = app.store.db;
    const hash = hashToken(token);
    const row = await findAccessToken(db, hash);
    if (!row || !sameHash(row.access_hash, hash)) throw new RestError('NO_AUTH_FOUND');
    if (row.revoked_at !== null || row.app_id === null) throw new RestError('invalid_token', 'The access token provided has been revoked');
    if (row.access_expires_at <= nowUnix()) throw new RestError('expired_token');
    // the token is the database's to say (not in the change feed); the user the read model holds, current as of its last change
    const model = app.read?.loaded ? app.read : undefined;
    const user = model ? model.user(row.user_id)?.row : await findUser(db, row.user_id);
    if (!user || user.active !== 1) throw new RestError('invalid_token', 'The access token provided belongs to an inactive user');
    const granted = new Set(scopesOfRow({ scope: row.app_scope ?? '' }));
    const scopes = new Set(scopesOfRow(row).filter((s) => granted.has(s)));
    return {
      user,
      viewer: viewerOf(user),
      credential: {
        kind: 'oauth',
        id: row.app_id,
        scopes,
        application: { id: row.app_id, clientId: row.client_id ?? '', name: row.name ?? '' },
      },
    };
  };
}
