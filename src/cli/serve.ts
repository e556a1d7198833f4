import { createRoster } from '../app.js';
import { boundHeapGrowth } from './heap.js';
import { loadConfig, type Config } from '../config.js';
import { trustInstructions } from '../http/tls.js';
import { DEMO_SEED, DirectoryError, exportDirectory, loadSeed, resetDirectory } from '../state/directory.js';
import { isPristine } from '../store/directory-io.js';
import { summary, writeDirectoryOutput } from '../state/output.js';
import { SCOPES } from '../rest/scopes.js';
import { createWebhook } from '../directory/commands/credentials.js';
import { runCommand, SYSTEM_ACTOR } from '../directory/commands/run.js';
import { CliError } from './common.js';
import { consoleLines } from './console-sign-in.js';

export { DEMO_SEED };

export async function serve(flags: Partial<Record<keyof Config, unknown>>): Promise<void> {
  const config = loadConfig(flags);
  // --seed <file> (or --demo, the demo company's seed) fills an empty directory; the file is checked before anything starts
  const seedFile = config.seed || (config.demo ? DEMO_SEED : '');
  const seed = seedFile ? await loadSeed(seedFile).catch((error: unknown) => {
    throw error instanceof DirectoryError || (error as NodeJS.ErrnoException).code === 'ENOENT' ? new CliError((error as Error).message) : error;
  }) : null;
  boundHeapGrowth();
  const roster = await createRoster(config);
  const { store } = roster;
  if (seed && (await isPristine(store.db))) {
    await resetDirectory(store, seed, { onCommitted: roster.app.afterWrite });
    console.log(seedFile === DEMO_SEED ? 'Loaded the demo company (seeds/demo-company.json).' : `Loaded ${seedFile}: ${summary(seed)}.`);
  } else if (seed && config.seed) {
    console.log(`The directory is not empty: ${seedFile} was not loaded (roster import --replace or POST /_roster/reset loads it).`);
  }
  const url = await roster.listen();
  const lines = [`Roster is listening on ${url}`, `Directory: ${store.location} (${store.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'})`];
  if (roster.https && roster.httpUrl) lines.splice(1, 0, `  and plain HTTP on ${roster.httpUrl}`);
  // how much the read model holds, once a seed loaded above is in it
  if (roster.app.read) {
    await roster.app.read.settle();
    lines.push(roster.app.read.describe());
  }
  if (roster.https) lines.push(...trustInstructions(roster.https.credentials));
  const curl = roster.https?.credentials.source === 'dev' ? `curl --cacert '${roster.https.credentials.certPath}'` : 'curl';
  if (config.demo) {
    const { secret } = await runCommand({ store, actor: SYSTEM_ACTOR, onCommitted: roster.app.afterWrite }, (tx) =>
      createWebhook(tx, { userId: 1, scopes: [...SCOPES], title: 'npm start' }),
    );
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
  lines.push(...(await consoleLines(roster, url)));
  // shutdown handlers before the banner: whoever waits for the banner may signal at once
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    if (config.exportOnExit) {
      // --export-on-exit: the state the server ends with, for the next --seed or for inspection (no password hashes, 0600)
      try {
        const dir = await exportDirectory(store);
        await writeDirectoryOutput(dir, 'json', config.exportOnExit);
        console.log(`Wrote the directory to ${config.exportOnExit}: ${summary(dir)}.`);
      } catch (error) {
        console.error(`roster: could not write ${config.exportOnExit}: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    }
    await roster.close();
    process.exit(process.exitCode ?? 0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(lines.join('\n'));
}
