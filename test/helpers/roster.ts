/**
 * Starts a real Roster on a free port, on a fresh SQLite file or a fresh PostgreSQL schema, and
 * calls it over the socket. Every HTTP test goes through this.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresReachable } from './postgres.js';
import { createRoster, type Roster } from '../../src/app.js';
import { testConfig, type Config } from '../../src/config.js';
import { DEMO_SEED } from '../../src/cli/serve.js';
import { SCOPES } from '../../src/rest/scopes.js';
import { readDirectoryFile, replaceDirectory, type DirectoryFile } from '../../src/state/directory-file.js';
import type { Db } from '../../src/store/index.js';
import { createWebhook } from '../../src/store/webhooks.js';
import { writeTransaction } from '../../src/store/write.js';

export type Engine = 'sqlite' | 'postgres';

/** The messenger user object's fields in wire order (CONTRACT §4), without the optional avatar_hr. */
export const IM_USER_KEYS = [
  'id', 'active', 'name', 'first_name', 'last_name', 'work_position', 'color', 'avatar', 'gender', 'birthday',
  'extranet', 'network', 'bot', 'connector', 'external_auth_id', 'status', 'idle', 'last_activity_date',
  'mobile_last_date', 'desktop_last_date', 'absent', 'departments', 'phones', 'bot_data', 'type', 'website', 'email',
];

export const PG_URL = process.env.ROSTER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The engines this run tests: SQLite always, PostgreSQL when it answers. Under CI=true a missing
 * PostgreSQL fails the run instead of skipping it. ROSTER_TEST_ENGINES=sqlite narrows the list.
 */
export async function testEngines(): Promise<Engine[]> {
  const wanted = (process.env.ROSTER_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim()) as Engine[];
  const out: Engine[] = [];
  if (wanted.includes('sqlite')) out.push('sqlite');
  if (wanted.includes('postgres')) {
    if (await postgresReachable(PG_URL)) out.push('postgres');
    else if (process.env.CI === 'true') throw new Error(`CI=true but PostgreSQL at ${PG_URL} is not reachable`);
    else console.warn(`# PostgreSQL at ${PG_URL} is not reachable: its suites are skipped (they never are under CI=true)`);
  }
  return out;
}

export const engines = await testEngines();

export interface CallOptions {
  /** webhook base URL (`.../rest/1/secret/`); default: the admin webhook with every scope */
  hook?: string;
  /** how parameters travel: JSON body (default), form body, or query string */
  as?: 'json' | 'form' | 'query';
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

export interface TestRoster {
  roster: Roster;
  engine: Engine;
  url: string;
  /** the admin (user 1) webhook base URL with every scope */
  admin: string;
  /** a new webhook base URL for the user with the scopes */
  hook(userId: number, scopes?: string[]): Promise<string>;
  /** the user's `im` webhook base URL, created on first use and reused */
  as(userId: number): Promise<string>;
  call(method: string, params?: Record<string, unknown>, options?: CallOptions): Promise<Reply>;
  /** raw request to a path on the server */
  fetch(path: string, init?: RequestInit): Promise<Reply>;
  queryCount(): number;
  /**
   * After a test edited the tables directly (no change record, as no real writer does): the
   * read model reloads them, as it does after a feed reset.
   */
  tablesEdited(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  engine?: Engine;
  /** load the demo company, or this directory */
  seed?: 'demo' | DirectoryFile;
  config?: Partial<Config>;
}

let demo: DirectoryFile | undefined;

/** ROSTER_TEST_READS=sql runs a suite on the SQL read path (the reference) instead of the read model. */
function readsFromEnv(): Partial<Config> {
  const reads = process.env.ROSTER_TEST_READS;
  if (reads === undefined || reads === '') return {};
  if (reads !== 'memory' && reads !== 'sql') throw new Error(`ROSTER_TEST_READS must be memory or sql, got ${reads}`);
  return { reads };
}

export async function startRoster(options: StartOptions = {}): Promise<TestRoster> {
  const engine = options.engine ?? 'sqlite';
  let db: string;
  let cleanup: () => Promise<void>;
  if (engine === 'postgres') {
    const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
    db = `${PG_URL}?schema=${schema}`;
    cleanup = async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    };
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'roster-test-'));
    db = join(dir, 'roster.db');
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  // the request limit is off unless a test asks for one: suites fire far more than 50 calls per webhook
  let started: Roster | undefined;
  let url: string;
  try {
    started = await createRoster(testConfig({ db, host: '127.0.0.1', timezone: 'Europe/Berlin', limits: 'off', ...readsFromEnv(), ...options.config }));
    if (options.seed) {
      const data = options.seed === 'demo' ? (demo ??= await readDirectoryFile(DEMO_SEED)) : options.seed;
      await replaceDirectory(started.store, data);
      // as a write through the server would: the read model holds the seed before the first call
      await started.app.afterWrite?.();
    }
    url = await started.listen();
  } catch (error) {
    // a failed start must not leave a schema or folder behind
    await started?.close().catch(() => undefined);
    await cleanup();
    throw error;
  }
  const roster = started;
  const hook = async (userId: number, scopes: string[] = [...SCOPES]) => {
    const { secret } = await writeTransaction(roster.store, (trx) => createWebhook(trx, { userId, scopes, title: 'test' }));
    return `${url}/rest/${userId}/${secret}/`;
  };
  const admin = await hook(1);
  const imHooks = new Map<number, Promise<string>>();
  const as = (userId: number) => {
    if (!imHooks.has(userId)) imHooks.set(userId, hook(userId, ['im']));
    return imHooks.get(userId)!;
  };
  const request = async (target: string, init?: RequestInit): Promise<Reply> => {
    const res = await fetch(target, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers, text };
  };
  return {
    roster,
    engine,
    url,
    admin,
    hook,
    as,
    call(method, params = {}, o = {}) {
      const base = `${o.hook ?? admin}${method}`;
      const as = o.as ?? 'json';
      if (as === 'query') return request(`${base}?${toQuery(params)}`, { headers: o.headers });
      if (as === 'form') {
        return request(base, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...o.headers },
          body: toQuery(params),
        });
      }
      return request(base, { method: 'POST', headers: { 'content-type': 'application/json', ...o.headers }, body: JSON.stringify(params) });
    },
    fetch: (path, init) => request(`${url}${path}`, init),
    queryCount: () => roster.store.queryCount(),
    tablesEdited: async () => {
      await roster.app.read?.rebuild('a test edited the tables directly');
    },
    async close() {
      await roster.close();
      await cleanup();
    },
  };
}

/** PHP-style bracket query string, as BX24.js and CRest build it. */
export function toQuery(params: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object') parts.push(toQuery(v as Record<string, unknown>, key));
    else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(v === undefined || v === null ? '' : String(v))}`);
  }
  return parts.filter(Boolean).join('&');
}

/**
 * Every directory table as text, to compare before and after a call: a rejected write must
 * change nothing anywhere.
 */
export async function directorySnapshot(db: Db): Promise<string> {
  return JSON.stringify(
    await Promise.all([
      db.selectFrom('users').selectAll().orderBy('id').execute(),
      db.selectFrom('departments').selectAll().orderBy('id').execute(),
      db.selectFrom('user_departments').selectAll().orderBy('user_id').orderBy('department_id').execute(),
      db.selectFrom('absences').selectAll().orderBy('id').execute(),
      db.selectFrom('sonet_groups').selectAll().orderBy('id').execute(),
      db.selectFrom('sonet_group_members').selectAll().orderBy('group_id').orderBy('user_id').execute(),
      db.selectFrom('bots').selectAll().orderBy('user_id').execute(),
    ]),
  );
}
