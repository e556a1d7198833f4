/**
 * The server side of the HTTP load benchmark (bench/http-load.ts): a real Roster in a process of
 * its own, so that the server and autocannon do not share one event loop (they still share the
 * machine's cores). Started with `fork`, it talks over the IPC channel:
 *
 *   parent → { type: 'prepare', ...as start }  child → { type: 'prepared', hooks, loadMs, console? }   (writes the company and
 *            the credentials, then is stopped: the measured server is a process that never held them)
 *   parent → { type: 'start', db, users, departments, seed, webhookUsers, reads, consoleUser?, loaded?, prepared? }
 *   child  → { type: 'ready', url, hooks, loadMs, startMs, rss, heap, model, console? }   (hooks: webhook base URL per user id;
 *            console: a web console session cookie of consoleUser)
 *   parent → { type: 'bare', answers }  child → { type: 'bare-ready', url }   (the same-bytes floor)
 *   parent → { type: 'sample' }  child → { type: 'sample', statements, cpuMs, rss, heap, buffers }
 *   parent → { type: 'live' }    child → { type: 'live', heap }   (after a full collection)
 *   parent → { type: 'profile', action: 'start' | 'stop', name }  child → { type: 'profiled' }
 *            (with ROSTER_BENCH_CPU_PROF=<dir>: a CPU profile of exactly the measured load, written there as <name>.cpuprofile)
 *   parent → { type: 'stop' }    the child closes the server and the store and exits
 *
 * It exits by itself when the parent goes away. ROSTER_BENCH_JOURNAL=0 runs it without the
 * request journal (`--journal-size 0`, as a directory service that no test suite reads may run).
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createRoster, type Roster } from '../src/app.js';
import { boundHeapGrowth } from '../src/cli/heap.js';
import { testConfig, type Config } from '../src/config.js';
import { SCOPES } from '../src/rest/scopes.js';
import { replaceDirectory } from '../src/state/directory-file.js';
import { generateCompany } from '../src/state/generate.js';
import { createWebhook } from '../src/store/webhooks.js';
import { clock } from '../src/clock.js';
import { SESSION_COOKIE } from '../src/http/console/routes.js';
import { createSession } from '../src/store/console.js';

export interface StartMessage {
  /** prepare: only write the company and the credentials, answer `prepared` */
  type: 'start' | 'prepare';
  db: string;
  users: number;
  departments: number;
  seed: number;
  /** a webhook with every scope is made for each of these users */
  webhookUsers: number[];
  /** --reads (default memory) */
  reads?: 'memory' | 'sql';
  /** a web console session is made for this user (an administrator): its cookie comes back as `console` */
  consoleUser?: number;
  /** the database already holds the company (an earlier server loaded it): not written again */
  loaded?: boolean;
  /** what a `prepare` in another process answered: nothing is written, the server only starts */
  prepared?: Prepared;
}

/** The credentials made for the measured server, and how long writing the company took. */
export interface Prepared {
  hooks: Record<number, string>;
  loadMs: number;
  consoleCookie?: string;
}

/** The floor: a bare node:http server answering each request (path and body) with these bytes. */
export interface BareMessage {
  type: 'bare';
  /** [path, request body, response text] */
  answers: [string, string, string][];
}

export type ServerMessage =
  /** loadMs: writing the company; startMs: a restart on the loaded database until it listens (the read model loaded); rss and heap (V8's, in use) after it, collected */
  | { type: 'ready'; url: string; hooks: Record<number, string>; loadMs: number; startMs: number; rss: number; heap: number; model: string; console?: string }
  | ({ type: 'prepared' } & Prepared)
  | { type: 'bare-ready'; url: string }
  /** statements sent to the store, CPU time (user + system) used by the server process so far, resident set size and V8's heap (reserved) now */
  | { type: 'sample'; statements: number; cpuMs: number; rss: number; heap: number; buffers: number }
  /** V8's heap in use after a full collection: what the server still holds once the load is over */
  | { type: 'live'; heap: number }
  | { type: 'profiled' }
  | { type: 'error'; message: string };

export interface ProfileMessage {
  type: 'profile';
  action: 'start' | 'stop';
  name: string;
}

const send = (message: ServerMessage) => process.send?.(message);
let roster: Roster | undefined;

/**
 * Writes the company (unless an earlier server did) and the credentials, with a server of its
 * own (no read model: nothing to load) that is closed before the measured one starts. The HTTP
 * benchmark runs it in a process of its own (`prepare`): the import's memory stayed in the
 * process's RSS. The console search benchmark, which reports no memory, runs it in the server's.
 */
async function prepare(m: StartMessage, config: Config): Promise<Prepared> {
  const loader = await createRoster({ ...config, reads: 'sql' });
  const loadStart = performance.now();
  if (!m.loaded) await replaceDirectory(loader.store, generateCompany({ users: m.users, departments: m.departments, seed: m.seed }));
  const loadMs = performance.now() - loadStart;
  // PostgreSQL vacuums and analyzes freshly loaded tables by itself within a minute or so, on the
  // two cores the first measured rows run on: done now, before them
  if (!m.loaded && /^postgres(ql)?:/.test(m.db)) await sql`VACUUM ANALYZE`.execute(loader.store.db);
  const hooks: Record<number, string> = {};
  for (const userId of m.webhookUsers) {
    const { secret } = await createWebhook(loader.store.db, { userId, scopes: [...SCOPES], title: 'bench' });
    hooks[userId] = `/rest/${userId}/${secret}/`;
  }
  const consoleCookie = m.consoleUser === undefined ? undefined : `${SESSION_COOKIE}=${await createSession(loader.store, m.consoleUser, clock.unix())}`;
  await loader.close();
  return { hooks, loadMs, consoleCookie };
}

const configOf = (m: StartMessage) =>
  testConfig({ db: m.db, host: '127.0.0.1', port: 0, limits: 'off', logLevel: 'silent', timezone: 'UTC', reads: m.reads ?? 'memory', ...(process.env.ROSTER_BENCH_JOURNAL === '0' ? { journalSize: 0 } : {}) });

async function start(m: StartMessage): Promise<void> {
  const config = configOf(m);
  const { hooks, loadMs, consoleCookie } = m.prepared ?? (await prepare(m, config));
  // the start-up that counts: a server on a database that already holds the company
  (globalThis as { gc?: () => void }).gc?.();
  boundHeapGrowth(); // as `roster serve` does
  const startAt = performance.now();
  roster = await createRoster(config);
  const url = await roster.listen();
  const startMs = performance.now() - startAt;
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  send({ type: 'ready', url, hooks, loadMs, startMs, rss: memory.rss, heap: memory.heapUsed, model: roster.app.read?.describe() ?? 'no read model (--reads sql)', console: consoleCookie });
}

let bare: Server | undefined;

function startBare(m: BareMessage): void {
  const answers = new Map(m.answers.map(([path, body, text]) => [`${path}\n${body}`, Buffer.from(text)]));
  bare?.close();
  bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = answers.get(`${req.url}\n${Buffer.concat(chunks).toString()}`);
      res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer?.length ?? 0 });
      res.end(answer);
    });
  });
  bare.listen(0, '127.0.0.1', () => send({ type: 'bare-ready', url: `http://127.0.0.1:${(bare!.address() as { port: number }).port}` }));
}

async function stop(code: number): Promise<never> {
  bare?.close();
  await roster?.close().catch(() => undefined);
  process.exit(code);
}

let inspector: Session | undefined;

/** Profiles only what lies between start and stop (the start-up and the floor stay out). */
async function profile(m: ProfileMessage): Promise<void> {
  const dir = process.env.ROSTER_BENCH_CPU_PROF;
  if (dir && m.action === 'start') {
    inspector = new Session();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  } else if (dir && inspector) {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(join(dir, `${m.name}.cpuprofile`), JSON.stringify(profile));
    inspector.disconnect();
    inspector = undefined;
  }
  send({ type: 'profiled' });
}

process.on('message', (m: StartMessage | BareMessage | ProfileMessage | { type: 'sample' | 'live' | 'stop' }) => {
  if (m.type === 'bare') startBare(m);
  else if (m.type === 'profile') void profile(m);
  else if (m.type === 'start' || m.type === 'prepare') {
    const work = m.type === 'start' ? start(m) : prepare(m, configOf(m)).then((prepared) => send({ type: 'prepared', ...prepared }));
    work.catch((error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      void stop(1);
    });
  } else if (m.type === 'sample') {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    send({ type: 'sample', statements: roster?.store.queryCount() ?? 0, cpuMs: (cpu.user + cpu.system) / 1000, rss: memory.rss, heap: memory.heapTotal, buffers: memory.arrayBuffers });
  } else if (m.type === 'live') {
    (globalThis as { gc?: () => void }).gc?.();
    send({ type: 'live', heap: process.memoryUsage().heapUsed });
  } else if (m.type === 'stop') {
    void stop(0);
  }
});
process.on('disconnect', () => void stop(0));
