import { parseScopes } from '../rest/scopes.js';
import { openStore } from '../store/index.js';
import { createWebhook, revokeWebhook } from '../directory/commands/credentials.js';
import { listWebhooks, scopesOf } from '../store/webhooks.js';
import { cliCommand, CliError, dbLocation, serverUrl } from './common.js';

export interface WebhookCreateOptions {
  db?: string;
  user: string;
  scope: string;
  title?: string;
  json?: boolean;
  url?: string;
}

export async function webhookCreate(o: WebhookCreateOptions): Promise<void> {
  const userId = Number(o.user);
  if (!Number.isInteger(userId) || userId <= 0) throw new CliError(`--user must be a user id, got "${o.user}"`);
  const { scopes, unknown } = parseScopes(o.scope);
  if (unknown.length) throw new CliError(`unknown scope ${unknown.join(', ')}`);
  const store = await openStore(dbLocation(o.db));
  try {
    const { id, secret } = await cliCommand(store, (tx) => createWebhook(tx, { userId, scopes, title: o.title }));
    const url = `${serverUrl(o.url)}/rest/${userId}/${secret}/`;
    if (o.json) console.log(JSON.stringify({ id, url, user_id: userId, scope: scopes }));
    else console.log(url);
  } finally {
    await store.close();
  }
}

export async function webhookList(o: { db?: string; json?: boolean }): Promise<void> {
  const store = await openStore(dbLocation(o.db));
  try {
    const rows = await listWebhooks(store.db);
    const out = rows.map((r) => ({
      id: r.id,
      user_id: r.user_id,
      scope: scopesOf(r),
      title: r.title,
      created: new Date(r.date_create * 1000).toISOString(),
      revoked: r.revoked_at !== null,
    }));
    if (o.json) console.log(JSON.stringify(out));
    else if (out.length === 0) console.log('No webhooks.');
    else for (const w of out) console.log(`${w.id}\tuser ${w.user_id}\t${w.scope.join(',')}\t${w.revoked ? 'revoked' : 'active'}\t${w.title}`);
  } finally {
    await store.close();
  }
}

export async function webhookRevoke(id: string, o: { db?: string }): Promise<void> {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`"${id}" is not a webhook id`);
  const store = await openStore(dbLocation(o.db));
  try {
    await cliCommand(store, (tx) => revokeWebhook(tx, n));
    console.log(`Webhook ${n} revoked.`);
  } finally {
    await store.close();
  }
}
