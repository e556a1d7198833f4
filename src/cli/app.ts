import { createApplication, deleteApplication } from '../directory/commands/credentials.js';
import { listApplications, scopesOfRow } from '../store/oauth.js';
import { parseScopes } from '../rest/scopes.js';
import { openStore } from '../store/index.js';
import { cliCommand, CliError, dbLocation } from './common.js';

export interface AppCreateOptions {
  db?: string;
  name: string;
  scope: string;
  redirectUri?: string;
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
    const { id, clientId, clientSecret } = await cliCommand(store, (tx) => createApplication(tx, { name, scopes, redirectUri }));
    if (o.json) {
      console.log(JSON.stringify({ id, client_id: clientId, client_secret: clientSecret, name, scope: scopes, redirect_uri: redirectUri }));
    } else {
      console.log(
        [
          `Application "${name}" created.`,
          `client_id:     ${clientId}`,
          `client_secret: ${clientSecret}`,
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
    await cliCommand(store, (tx) => deleteApplication(tx, clientId));
    console.log(`Application ${clientId} deleted; its tokens no longer work.`);
  } finally {
    await store.close();
  }
}
