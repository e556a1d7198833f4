import { timingSafeEqual } from 'node:crypto';
import { findUser, findUserByLogin, type UserRow } from '../store/users.js';
import { hashSecret, scopesOf, webhooksOf } from '../store/webhooks.js';
import { viewerOf, type App, type Caller } from './context.js';
import { RestError } from './errors.js';
import { clock } from '../clock.js';
import { storeUnreachable } from '../store/unreachable.js';

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

/**
 * Webhooks that authenticated lately, for answering reads from the read model while the
 * database cannot be reached (issue #11): nothing can revoke a webhook or dismiss a user while
 * it is away, so the last answer the store gave stays right until it is back. Used only then.
 */
const MAX_REMEMBERED = 10_000;
const remembered = new WeakMap<App, Map<string, { caller: Caller; expiresAt: number | null }>>();

async function authenticateWebhook(app: App, userPart: string, secret: string): Promise<Caller> {
  const secretHash = hashSecret(secret);
  if (!app.read) return lookUpWebhook(app, userPart, secretHash);
  const key = `${userPart}\n${secretHash}`;
  let known = remembered.get(app);
  if (!known) remembered.set(app, (known = new Map()));
  try {
    const caller = await lookUpWebhook(app, userPart, secretHash, (expiresAt, caller) => {
      known.delete(key);
      known.set(key, { caller, expiresAt });
      if (known.size > MAX_REMEMBERED) known.delete(known.keys().next().value!);
    });
    return caller;
  } catch (error) {
    const last = known.get(key);
    if (!storeUnreachable(error) || !last || (last.expiresAt !== null && last.expiresAt <= clock.seconds())) throw error;
    const user = app.read.user(last.caller.user.id)?.row;
    if (!user || user.active !== 1) throw error;
    return { ...last.caller, user, viewer: viewerOf(user) };
  }
}

async function lookUpWebhook(app: App, userPart: string, secretHash: string, remember?: (expiresAt: number | null, caller: Caller) => void): Promise<Caller> {
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
  const caller: Caller = { user, viewer: viewerOf(user), credential: { kind: 'webhook', id: match.id, scopes: new Set(scopesOf(match)) } };
  remember?.(match.expires_at, caller);
  return caller;
}
