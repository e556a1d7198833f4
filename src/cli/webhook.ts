import { parseScopes } from '../rest/scopes.js';
import { openStore } from '../store/index.js';
import { createWebhook, revokeWebhook } from '../directory/commands/credentials.js';
import { listWebhooks, scopesOf } from '../store/webhooks.js';
import { createOutgoingHook, EventsError } from '../events/apps.js';
import { deleteHook, listHooks } from '../store/events.js';
import { cliCommand, CliError, dbLocation, eventHosts, serverUrl } from './common.js';

/** An outgoing webhook, as an administrator sets it up in the portal: events to a handler URL. */
async function outgoingCreate(o: WebhookCreateOptions): Promise<void> {
  if (o.user !== undefined || o.scope !== undefined) throw new CliError('an outgoing webhook takes --event and --handler, not --user or --scope');
  if (!o.handler) throw new CliError('an outgoing webhook needs --handler <url>');
  const events = (o.event ?? []).flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean);
  const store = await openStore(dbLocation(o.db));
  try {
    const hook = await createOutgoingHook(store, { handler: o.handler, events, title: o.title, allowedHosts: eventHosts() }).catch((error: unknown) => {
      throw error instanceof EventsError ? new CliError(error.message) : error;
    });
    if (o.json) console.log(JSON.stringify({ id: hook.id, handler: hook.handler, events: hook.events, application_token: hook.application_token }));
    else console.log(`Outgoing webhook ${hook.id}: ${hook.events.join(', ')} -> ${hook.handler}\napplication_token: ${hook.application_token}`);
  } finally {
    await store.close();
  }
}

export interface WebhookCreateOptions {
  db?: string;
  user?: string;
  scope?: string;
  /** an outgoing webhook: `event` names sent to `handler` */
  outgoing?: boolean;
  event?: string[];
  handler?: string;
  title?: string;
  json?: boolean;
  url?: string;
}

export async function webhookCreate(o: WebhookCreateOptions): Promise<void> {
  if (o.outgoing) return outgoingCreate(o);
  if (o.event?.length || o.handler) throw new CliError('--event and --handler are for outgoing webhooks: add --outgoing');
  if (o.user === undefined || o.scope === undefined) throw new CliError('an incoming webhook needs --user and --scope');
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

export async function webhookList(o: { db?: string; json?: boolean; outgoing?: boolean }): Promise<void> {
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
    const outgoing = (await listHooks(store.db)).map((h) => ({ id: h.id, handler: h.handler, events: h.events, title: h.title }));
    if (o.json) console.log(JSON.stringify(o.outgoing ? outgoing : out));
    else if (o.outgoing) {
      if (outgoing.length === 0) console.log('No outgoing webhooks.');
      for (const h of outgoing) console.log(`${h.id}\t${h.events.join(',')}\t${h.handler}\t${h.title}`);
    } else if (out.length === 0) console.log('No webhooks.');
    else for (const w of out) console.log(`${w.id}\tuser ${w.user_id}\t${w.scope.join(',')}\t${w.revoked ? 'revoked' : 'active'}\t${w.title}`);
  } finally {
    await store.close();
  }
}

export async function webhookRevoke(id: string, o: { db?: string; outgoing?: boolean }): Promise<void> {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`"${id}" is not a webhook id`);
  const store = await openStore(dbLocation(o.db));
  try {
    if (o.outgoing) {
      if (!(await deleteHook(store.db, n))) throw new CliError(`there is no outgoing webhook ${n}`);
      console.log(`Outgoing webhook ${n} deleted.`);
      return;
    }
    await cliCommand(store, (tx) => revokeWebhook(tx, n));
    console.log(`Webhook ${n} revoked.`);
  } finally {
    await store.close();
  }
}
