import { createApplication, deleteApplication } from '../directory/commands/credentials.js';
import { findApplication, listApplications, scopesOfRow } from '../store/oauth.js';
import { deleteEventApp } from '../store/events.js';
import { parseScopes } from '../rest/scopes.js';
import { openStore } from '../store/index.js';
import { checkHandler, EventsError, installApplication, setInstallHandler, uninstallApplication } from '../events/apps.js';
import { cliCommand, CliError, dbLocation, eventHosts } from './common.js';

/** Runs `work`, turning a refusal of the events module into a command-line error. */
async function checkEvents<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EventsError) throw new CliError(error.message);
    throw error;
  }
}

export interface AppCreateOptions {
  db?: string;
  name: string;
  scope: string;
  redirectUri?: string;
  /** where ONAPPINSTALL and ONAPPUNINSTALL are sent */
  eventHandler?: string;
  json?: boolean;
}

/** A redirect URI the sign-in page may send a browser to: absolute http(s), no fragment. */
function checkRedirectUri(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--redirect-uri must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('--redirect-uri must be an http:// or https:// URL');
  if (url.hash) throw new CliError('--redirect-uri must not have a #fragment');
  return value;
}

export async function appCreate(o: AppCreateOptions): Promise<void> {
  const name = o.name.trim();
  if (!name || name.length > 200) throw new CliError('--name must be 1 to 200 characters');
  const { scopes, unknown } = parseScopes(o.scope);
  if (unknown.length) throw new CliError(`unknown scope ${unknown.join(', ')}`);
  const redirectUri = o.redirectUri ? checkRedirectUri(o.redirectUri) : '';
  const store = await openStore(dbLocation(o.db));
  try {
    const eventHandler = o.eventHandler ?? '';
    if (eventHandler) await checkEvents(() => checkHandler(eventHandler, eventHosts()));
    const { id, clientId, clientSecret } = await cliCommand(store, (tx) => createApplication(tx, { name, scopes, redirectUri }));
    if (eventHandler) await setInstallHandler(store, id, eventHandler, eventHosts());
    if (o.json) {
      console.log(JSON.stringify({ id, client_id: clientId, client_secret: clientSecret, name, scope: scopes, redirect_uri: redirectUri, event_handler: eventHandler }));
    } else {
      console.log(
        [
          `Application "${name}" created.`,
          `client_id:     ${clientId}`,
          `client_secret: ${clientSecret}`,
          ...(eventHandler ? [`event handler: ${eventHandler}`] : []),
          '',
          'The secret is stored hashed: keep it now, it cannot be shown again.',
        ].join('\n'),
      );
    }
  } finally {
    await store.close();
  }
}

export async function appList(o: { db?: string; json?: boolean }): Promise<void> {
  const store = await openStore(dbLocation(o.db));
  try {
    const rows = await listApplications(store.db);
    const out = rows.map((r) => ({
      id: r.id,
      client_id: r.client_id,
      name: r.name,
      scope: scopesOfRow(r),
      redirect_uri: r.redirect_uri,
      created: new Date(r.date_create * 1000).toISOString(),
    }));
    if (o.json) console.log(JSON.stringify(out));
    else if (out.length === 0) console.log('No applications.');
    else for (const a of out) console.log(`${a.client_id}\t${a.scope.join(',')}\t${a.redirect_uri || '-'}\t${a.name}`);
  } finally {
    await store.close();
  }
}

export async function appDelete(clientId: string, o: { db?: string }): Promise<void> {
  const store = await openStore(dbLocation(o.db));
  try {
    const app = await findApplication(store.db, clientId);
    await cliCommand(store, (tx) => deleteApplication(tx, clientId));
    // its bindings, offline queue and application_token go with it
    if (app) await deleteEventApp(store.db, app.id);
    console.log(`Application ${clientId} deleted; its tokens no longer work.`);
  } finally {
    await store.close();
  }
}

/** What a portal does when an administrator installs the application: ONAPPINSTALL with fresh tokens. */
export async function appInstall(clientId: string, o: { db?: string; user?: string; handler?: string; json?: boolean }): Promise<void> {
  const userId = Number(o.user ?? 1);
  if (!Number.isInteger(userId) || userId <= 0) throw new CliError(`--user must be a user id, got "${o.user}"`);
  const store = await openStore(dbLocation(o.db));
  try {
    const out = await checkEvents(() => installApplication(store, clientId, { userId, handler: o.handler, allowedHosts: eventHosts(), channel: 'cli' }));
    if (o.json) console.log(JSON.stringify({ client_id: clientId, application_token: out.applicationToken }));
    else {
      console.log(
        [
          `Application ${clientId} installed by user ${userId}.`,
          `application_token: ${out.applicationToken}`,
          'A running server sends ONAPPINSTALL (with access and refresh tokens) to the application\'s handlers.',
        ].join('\n'),
      );
    }
  } finally {
    await store.close();
  }
}

/** ONAPPUNINSTALL, then every token of the application revoked. */
export async function appUninstall(clientId: string, o: { db?: string; clean?: boolean }): Promise<void> {
  const store = await openStore(dbLocation(o.db));
  try {
    await checkEvents(() => uninstallApplication(store, clientId, { clean: o.clean === true, channel: 'cli' }));
    console.log(`Application ${clientId} uninstalled; its tokens no longer work.`);
  } finally {
    await store.close();
  }
}
