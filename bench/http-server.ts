/**
 * The server side of the HTTP load benchmark (bench/http-load.ts): a real Roster in a process of
 * its own, so that the server and autocannon do not share one event loop (they still share the
 * machine's cores). Started with `fork`, it talks over the IPC channel:
 *
 *   parent → { type: 'start', db, users, departments, seed, webhookUsers }
 *   child  → { type: 'ready', url, hooks, loadMs }   (hooks: webhook base URL per user id)
 *   parent → { type: 'sample' }  child → { type: 'sample', statements, cpuMs }
 *   parent → { type: 'stop' }    the child closes the server and the store and exits
 *
 * It exits by itself when the parent goes away.
 */
import { createRoster, type Roster } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { SCOPES } from '../src/rest/scopes.js';
import { replaceDirectory } from '../src/state/directory-file.js';
import { generateCompany } from '../src/state/generate.js';
import { createWebhook } from '../src/store/webhooks.js';

export interface StartMessage {
  type: 'start';
  db: string;
  users: number;
  departments: number;
  seed: number;
  /** a webhook with every scope is made for each of these users */
  webhookUsers: number[];
}

export type ServerMessage =
  | { type: 'ready'; url: string; hooks: Record<number, string>; loadMs: number }
  /** statements sent to the store and CPU time (user + system) used by the server process so far */
  | { type: 'sample'; statements: number; cpuMs: number }
  | { type: 'error'; message: string };

const send = (message: ServerMessage) => process.send?.(message);
let roster: Roster | undefined;

async function start(m: StartMessage): Promise<void> {
  roster = await createRoster(testConfig({ db: m.db, host: '127.0.0.1', port: 0, limits: 'off', logLevel: 'silent', timezone: 'UTC' }));
  const loadStart = performance.now();
  await replaceDirectory(roster.store, generateCompany({ users: m.users, departments: m.departments, seed: m.seed }));
  const loadMs = performance.now() - loadStart;
  const url = await roster.listen();
  const hooks: Record<number, string> = {};
  for (const userId of m.webhookUsers) {
    const { secret } = await createWebhook(roster.store.db, { userId, scopes: [...SCOPES], title: 'bench' });
    hooks[userId] = `/rest/${userId}/${secret}/`;
  }
  send({ type: 'ready', url, hooks, loadMs });
}

async function stop(code: number): Promise<never> {
  await roster?.close().catch(() => undefined);
  process.exit(code);
}

process.on('message', (m: StartMessage | { type: 'sample' | 'stop' }) => {
  if (m.type === 'start') {
    start(m).catch((error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      void stop(1);
    });
  } else if (m.type === 'sample') {
    const cpu = process.cpuUsage();
    send({ type: 'sample', statements: roster?.store.queryCount() ?? 0, cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (m.type === 'stop') {
    void stop(0);
  }
});
process.on('disconnect', () => void stop(0));
