import { fileURLToPath } from 'node:url';
import { createRoster } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { trustInstructions } from '../http/tls.js';
import { isPristine, readDirectoryFile, replaceDirectory } from '../state/directory-file.js';
import { SCOPES } from '../rest/scopes.js';
import { createWebhook } from '../store/webhooks.js';

export const DEMO_SEED = fileURLToPath(new URL('../../seeds/demo-company.json', import.meta.url));

export async function serve(flags: Partial<Record<keyof Config, unknown>>): Promise<void> {
  const config = loadConfig(flags);
  const roster = await createRoster(config);
  const { store } = roster;
  if (config.demo && (await isPristine(store.db))) {
    await replaceDirectory(store, await readDirectoryFile(DEMO_SEED));
    console.log('Loaded the demo company (seeds/demo-company.json).');
  }
  const url = await roster.listen();
  const lines = [`Roster is listening on ${url}`, `Directory: ${store.location} (${store.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'})`];
  if (roster.https && roster.httpUrl) lines.splice(1, 0, `  and plain HTTP on ${roster.httpUrl}`);
  if (roster.https) lines.push(...trustInstructions(roster.https.credentials));
  const curl = roster.https?.credentials.source === 'dev' ? `curl --cacert '${roster.https.credentials.certPath}'` : 'curl';
  if (config.demo) {
    const { secret } = await createWebhook(store.db, { userId: 1, scopes: [...SCOPES], title: 'npm start' });
    const hook = `${url}/rest/1/${secret}/`;
    lines.push(
      '',
      `Admin webhook (all scopes): ${hook}`,
      '',
      'Try:',
      `  ${curl} '${hook}im.user.list.get?ID[]=1&ID[]=2'`,
      `  ${curl} '${hook}im.department.colleagues.list?USER_DATA=Y&LIMIT=3'`,
    );
  } else {
    lines.push('', 'Create a webhook to call it: npx roster webhook create --user 1 --scope im,user,department');
  }
  console.log(lines.join('\n'));
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await roster.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
