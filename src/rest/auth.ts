import { timingSafeEqual } from 'node:crypto';
import { findUser, findUserByLogin, type UserRow } from '../store/users.js';
import { hashSecret, scopesOf, webhooksOf, type WebhookRow } from '../store/webhooks.js';
import { viewerOf, type App, type Caller } from './context.js';
import { RestError } from './errors.js';
import { clock } from '../clock.js';

/** Credentials as they arrive: webhook path segments, or an access token from any of its places. */
export interface Credentials {
  webhook?: { user: string; secret: string };
  token?: string;
}

export async function authenticate(app: App, credentials: Credentials): Promise<Caller> {
  if (credentials.webhook) return authenticateWebhook(app, credentials.webhook.user, credentials.webhook.secret);
  if (credentials.token) {
    if (!app.authenticateToken) throw new RestError('NO_AUTH_FOUND');
    return app.authenticateToken(credentials.token);
  }
  throw new RestError('NO_AUTH_FOUND');
}

async function authenticateWebhook(app: App, userPart: string, secret: string): Promise<Caller> {
  const secretHash = hashSecret(secret);
  // the read model holds every live webhook and user, kept current by the change feed: no
  // statement. A hash it does not know (a wrong secret, a revoked webhook, or one another process
  // created a moment ago) is looked up in the store, which has the last word.
  const model = app.read?.loaded ? app.read : undefined;
  const hook = model?.webhook(secretHash);
  if (!model) return (await lookUpWebhook(app, userPart, secretHash)).caller;
  if (!hook) {
    const seenSeq = model.appliedSeq;
    const found = await lookUpWebhook(app, userPart, secretHash);
    model.learnWebhook(found.hook, seenSeq);
    return found.caller;
  }
  const user = model.user(hook.userId)?.row;
  const named = /^\d{1,10}$/.test(userPart) ? user?.id === Number(userPart) : user?.login === userPart;
  if (!user || !named || (hook.expiresAt !== null && hook.expiresAt <= clock.seconds()) || user.active !== 1) {
    throw new RestError('INVALID_CREDENTIALS');
  }
  return { user, viewer: viewerOf(user), credential: { kind: 'webhook', id: hook.id, scopes: hook.scopes } };
}

async function lookUpWebhook(app: App, userPart: string, secretHash: string): Promise<{ caller: Caller; hook: WebhookRow }> {
  const db = app.store.db;
  let user: UserRow | undefined;
  if (/^\d{1,10}$/.test(userPart)) user = await findUser(db, Number(userPart));
  else user = await findUserByLogin(db, userPart);
  // The secret arrives hashed; compare against every hook of the user, so timing says nothing about which part was wrong.
  const given = Buffer.from(secretHash, 'hex');
  const hooks = user ? await webhooksOf(db, user.id) : [];
  const now = clock.seconds();
  let match: (typeof hooks)[number] | undefined;
  for (const hook of hooks) {
    if (timingSafeEqual(Buffer.from(hook.secret_hash, 'hex'), given)) match = hook;
  }
  if (!user || !match || match.revoked_at !== null || (match.expires_at !== null && match.expires_at <= now) || user.active !== 1) {
    throw new RestError('INVALID_CREDENTIALS');
  }
  return { caller: { user, viewer: viewerOf(user), credential: { kind: 'webhook', id: match.id, scopes: new Set(scopesOf(match)) } }, hook: match };
}
