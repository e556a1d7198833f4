/**
 * HTTP load: a real Roster (bench/http-server.ts, its own process) with a generated company of
 * 10,000 users and 500 departments, driven over loopback by autocannon for a fixed time per
 * scenario, on SQLite and on PostgreSQL (a throwaway schema in the server's database).
 *
 * Every scenario is first called once per request body and its answer checked in full (status,
 * number of users, no error); under load every answer's status is counted and its body tested
 * cheaply (a `result`, and no failed command in a batch). Any failure is printed, marked in the
 * document and makes the run exit non-zero.
 */
import { mkdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { generateCompany, prng } from '../src/state/generate.js';
import type { FullDirectory } from '../src/store/directory-format.js';
import { OUT, forkServer, measuredOn, seconds, table, type BenchContext, type Benchmark } from './lib.js';
import type { ServerMessage, StartMessage } from './http-server.js';

/** ROSTER_BENCH_USERS=100000 for the large company (its own section of the document) */
const USERS = Number(process.env.ROSTER_BENCH_USERS ?? 10_000);
const DEPARTMENTS = Number(process.env.ROSTER_BENCH_DEPARTMENTS ?? Math.max(500, Math.round(USERS / 20)));
/** ROSTER_BENCH_READS=sql measures the SQL read path instead of the read model */
const READS = process.env.ROSTER_BENCH_READS === 'sql' ? 'sql' : 'memory';
const SEED = 42;
/** measured seconds per scenario and engine (ROSTER_BENCH_HTTP_SECONDS for a quick look): 8 keeps `npm run bench` near 5 minutes */
const DURATION = Number(process.env.ROSTER_BENCH_HTTP_SECONDS ?? 8);
/** seconds of the same load before measuring: JIT, pool connections */
const WARMUP = 1;
/**
 * The measured seconds are split into rounds, Roster's and the floor's taking turns: this
 * machine's speed drifts by half within a minute, and two runs a few seconds apart compared
 * that drift as much as the servers.
 */
const ROUNDS = 4;
const CONNECTIONS = 10;
/** request bodies per scenario that each connection cycles through */
const VARIANTS = 16;
const SERVER = fileURLToPath(new URL('./http-server.ts', import.meta.url));

interface Scenario {
  name: string;
  method: string;
  /** the user whose webhook calls */
  caller: number;
  bodies: Record<string, unknown>[];
  /** the full check of one answer (preflight): a problem, or null */
  check(status: number, body: any): string | null;
  /** the cheap check of every answer under load */
  verify(text: string): boolean;
}

const hasResult = (text: string) => text.startsWith('{"result":');
const count = (x: unknown) => (Array.isArray(x) ? x.length : x && typeof x === 'object' ? Object.keys(x).length : -1);

function expect(status: number, body: any, users: number): string | null {
  if (status !== 200) return `HTTP ${status}: ${JSON.stringify(body).slice(0, 100)}`;
  if (body?.error) return `error ${body.error}: ${body.error_description}`;
  const n = count(body?.result);
  if (n !== users) return `${n} users instead of ${users}`;
  const values = Array.isArray(body.result) ? body.result : Object.values(body.result);
  if (values.some((v: unknown) => v === null)) return 'null among the users';
  return null;
}

/** The scenarios, with their request bodies drawn from the company with a fixed seed. */
function scenarios(d: FullDirectory): { list: Scenario[]; head: number; find: string } {
  const rnd = prng(7);
  const ids = d.users.map((u) => u.id);
  const sample = (n: number) => {
    const pool = [...ids];
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rnd() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  };
  const variants = <T>(make: (i: number) => T) => Array.from({ length: VARIANTS }, (_, i) => make(i));
  // the head of the first division: a head's colleagues include every head, so pages are full
  const head = d.departments.find((x) => x.parent === 1 && x.head !== null && x.head !== 1)!.head!;
  const find = 'Mar';
  const people = d.users.filter((u) => !u.bot);
  const step = Math.floor((people.length - 100) / VARIANTS);
  return {
    head,
    find,
    list: [
      {
        name: '`im.user.list.get`, 50 random ids',
        method: 'im.user.list.get',
        caller: 1,
        bodies: variants(() => ({ ID: sample(50) })),
        check: (s, b) => expect(s, b, 50),
        verify: hasResult,
      },
      {
        name: `\`im.department.colleagues.list\` USER_DATA=Y LIMIT=50, as a department head (user ${head})`,
        method: 'im.department.colleagues.list',
        caller: head,
        bodies: [{ USER_DATA: 'Y', LIMIT: 50 }],
        check: (s, b) => expect(s, b, 50),
        verify: hasResult,
      },
      {
        name: '`user.get`, first page (counted)',
        method: 'user.get',
        caller: 1,
        bodies: [{}],
        check: (s, b) => expect(s, b, 50) ?? (b.total === people.length ? null : `total ${b.total} instead of ${people.length}`),
        verify: hasResult,
      },
      {
        name: '`user.get`, `start=-1` fast page, `filter[>ID]`, order by ID',
        method: 'user.get',
        caller: 1,
        bodies: variants((i) => ({ start: -1, order: { ID: 'ASC' }, filter: { '>ID': people[i * step]!.id } })),
        check: (s, b) => expect(s, b, 50) ?? (b.total === undefined ? null : 'a total in fast mode'),
        verify: hasResult,
      },
      {
        name: `\`im.search.user.list\` FIND=${find} LIMIT=50`,
        method: 'im.search.user.list',
        caller: 1,
        bodies: [{ FIND: find, LIMIT: 50 }],
        check: (s, b) => expect(s, b, 50),
        verify: hasResult,
      },
      {
        name: '`batch` of 50 `im.user.get`, random ids',
        method: 'batch',
        caller: 1,
        bodies: variants(() => ({ halt: 0, cmd: Object.fromEntries(sample(50).map((id, i) => [`u${i}`, `im.user.get?ID=${id}`])) })),
        check: (s, b) => {
          if (s !== 200) return `HTTP ${s}: ${JSON.stringify(b).slice(0, 100)}`;
          const errors = count(b?.result?.result_error);
          if (errors !== 0) return `${errors} failed commands: ${JSON.stringify(b?.result?.result_error).slice(0, 100)}`;
          return count(b.result.result) === 50 ? null : `${count(b.result.result)} results instead of 50`;
        },
        verify: (text) => hasResult(text) && text.includes('"result_error":[]'),
      },
    ],
  };
}

interface Server {
  url: string;
  hooks: Record<number, string>;
  loadMs: number;
  startMs: number;
  rss: number;
  heap: number;
  model: string;
  sample(): Promise<{ statements: number; cpuMs: number; rss: number; heap: number; buffers: number }>;
  /** V8's heap in use after a full collection */
  live(): Promise<number>;
  /** ROSTER_BENCH_CPU_PROF=<dir>: a CPU profile of what runs between start and stop, written there */
  profile(action: 'start' | 'stop', name: string): Promise<unknown>;
  /** starts the same-bytes floor in the server's process: its URL */
  bare(answers: [string, string, string][]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Writes the company into `db` from a process of its own (the import's garbage and SQLite's
 * import cache were 40 MiB of the measured server's RSS when it did so itself), then forks
 * bench/http-server.ts on it and waits until it listens with the company loaded.
 */
async function startServer(db: string, webhookUsers: number[]): Promise<Server> {
  const start: StartMessage = { type: 'start', db, users: USERS, departments: DEPARTMENTS, seed: SEED, webhookUsers, reads: READS };
  const loader = await forkServer<ServerMessage>(SERVER, []);
  const { type: _, ...prepared } = await loader.ask({ ...start, type: 'prepare' }, 'prepared').finally(() => loader.stop());
  const server = await forkServer<ServerMessage>(SERVER, ['--expose-gc']);
  start.prepared = prepared;
  try {
    const { url, hooks, loadMs, startMs, rss, heap, model } = await server.ask(start, 'ready');
    return {
      url,
      hooks,
      loadMs,
      startMs,
      rss,
      heap,
      model,
      bare: async (answers) => (await server.ask({ type: 'bare', answers }, 'bare-ready')).url,
      sample: () => server.ask({ type: 'sample' }, 'sample'),
      live: async () => (await server.ask({ type: 'live' }, 'live')).heap,
      profile: (action, name) => server.ask({ type: 'profile', action, name }, 'profiled'),
      stop: () => server.stop(),
    };
  } catch (error) {
    server.child.kill();
    throw error;
  }
}

export type Engine = { name: 'SQLite' | 'PostgreSQL'; fresh(): Promise<{ db: string; drop(): Promise<void> }> };

/** The engines a benchmark measures: a fresh SQLite file, and a fresh schema of the PostgreSQL database when one answers. */
export function engines(ctx: BenchContext): Engine[] {
  const list: Engine[] = [
    {
      name: 'SQLite',
      fresh: async () => {
        const dir = join(OUT, `http-${Math.random().toString(36).slice(2, 8)}`);
        await mkdir(dir, { recursive: true });
        return { db: join(dir, 'roster.db'), drop: () => rm(dir, { recursive: true, force: true }) };
      },
    },
  ];
  if (ctx.pgUrl) {
    const server = ctx.pgUrl;
    list.push({
      name: 'PostgreSQL',
      fresh: async () => {
        const schema = `bench_http_${Math.random().toString(36).slice(2, 8)}`;
        const url = new URL(server);
        url.searchParams.set('schema', schema);
        return {
          db: url.toString(),
          drop: async () => {
            const client = new pg.Client({ connectionString: server });
            await client.connect();
            try {
              await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            } finally {
              await client.end();
            }
          },
        };
      },
    });
  }
  return list;
}

/**
 * Waits until the server has answered what the last load left in flight (no statement for
 * 200 ms; at most 10 s), so that counts taken next are its own.
 */
async function idle(server: Server): Promise<{ statements: number; cpuMs: number }> {
  let last = await server.sample();
  for (let waited = 0; waited < 10_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await server.sample();
    if (now.statements === last.statements) return now;
    last = now;
  }
  return last;
}

/**
 * Calls every request body of the scenario once, one at a time, and checks the whole answer;
 * also counts the statements each call sent to the store (exact here, unlike under load).
 */
async function preflight(server: Server, s: Scenario): Promise<{ problems: string[]; statements: number; total?: number; answers: [string, string, string][] }> {
  const problems: string[] = [];
  const answers: [string, string, string][] = [];
  let total: number | undefined;
  const before = await idle(server);
  for (const body of s.bodies) {
    const res = await fetch(`${server.url}${server.hooks[s.caller]}${s.method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    answers.push([`${server.hooks[s.caller]}${s.method}`, JSON.stringify(body), text]);
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the check says so
    }
    const problem = s.check(res.status, parsed) ?? (s.verify(text) ? null : `the answer fails the check made under load: ${text.slice(0, 100)}`);
    if (problem && !problems.includes(problem)) problems.push(problem);
    if (typeof parsed?.total === 'number') total = parsed.total;
  }
  const after = await server.sample();
  return { problems, statements: (after.statements - before.statements) / s.bodies.length, total, answers };
}

function load(server: Server, s: Scenario, duration: number, url = server.url): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: s.bodies.map((body) => ({
      method: 'POST',
      path: `${server.hooks[s.caller]}${s.method}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })),
    verifyBody: s.verify,
  });
}

/**
 * Rounds of one load as one: counts and bytes added up, the latency percentiles those of the
 * round that had the worst (the rounds' histograms are not at hand to merge).
 */
function merged(rounds: Result[]): Result {
  const sum = (f: (r: Result) => number) => rounds.reduce((n, r) => n + f(r), 0);
  const worst = (f: (r: Result) => number) => Math.max(...rounds.map(f));
  const statusCodeStats: Result['statusCodeStats'] = {};
  for (const r of rounds) for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCodeStats[code] = { count: (statusCodeStats[code]?.count ?? 0) + count };
  const duration = sum((r) => r.duration);
  const total = sum((r) => r.throughput.total);
  return {
    duration,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    mismatches: sum((r) => r.mismatches),
    non2xx: sum((r) => r.non2xx),
    '2xx': sum((r) => r['2xx']),
    statusCodeStats,
    latency: { ...rounds[0]!.latency, p50: worst((r) => r.latency.p50), p99: worst((r) => r.latency.p99), totalCount: sum((r) => r.latency.totalCount) },
    requests: { ...rounds[0]!.requests, total: sum((r) => r.requests.total), sent: sum((r) => r.requests.sent) },
    throughput: { ...rounds[0]!.throughput, total, average: total / duration },
  };
}

/** What went wrong under load, or an empty list. */
function failures(r: Result): string[] {
  const out: string[] = [];
  if (r.non2xx) {
    const codes = Object.entries(r.statusCodeStats).filter(([code]) => !code.startsWith('2')).map(([code, { count: n }]) => `${n}× ${code}`);
    out.push(`${r.non2xx} non-2xx (${codes.join(', ')})`);
  }
  if (r.errors) out.push(`${r.errors} connection errors${r.timeouts ? ` (${r.timeouts} timeouts)` : ''}`);
  if (r.mismatches) out.push(`${r.mismatches} answers failing the body check`);
  if (r.requests.total === 0) out.push('no request completed');
  return out;
}

/** Text for a table cell: no pipe or line break from an answer may break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB/s`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

export const httpBenchmark: Benchmark = {
  name: 'http',
  section: USERS === 10_000 ? 'http' : `http-${USERS}`,
  title: `HTTP load: ${USERS.toLocaleString('en')} users, ${DEPARTMENTS.toLocaleString('en')} departments`,
  async run(ctx) {
    const intro = await measuredOn(ctx);
    await mkdir(OUT, { recursive: true });
    const company = generateCompany({ users: USERS, departments: DEPARTMENTS, seed: SEED });
    const { list: all, head, find } = scenarios(company);
    // ROSTER_BENCH_ONLY=im.user.list.get,batch: only those methods (a profile of one scenario)
    const only = process.env.ROSTER_BENCH_ONLY?.split(',');
    const list = only ? all.filter((s) => only.includes(s.method)) : all;
    const rows: (string | number)[][] = [];
    const alarms: string[] = [];
    const loads: string[] = [];
    const used = engines(ctx);
    let searchTotal: number | undefined;
    const memory: (string | number)[][] = [];
    for (const engine of used) {
      const target = await engine.fresh();
      try {
        ctx.log(`${engine.name}: starting a server with ${USERS} users, ${DEPARTMENTS} departments`);
        const server = await startServer(target.db, [1, head]);
        loads.push(`${engine.name} ${seconds(server.loadMs)}`);
        let peakRss = server.rss;
        ctx.log(`${engine.name}: started in ${Math.round(server.startMs)} ms, RSS ${mib(server.rss)} (V8 heap in use ${mib(server.heap)}); ${server.model}`);
        try {
          for (const s of list) {
            const checked = await preflight(server, s);
            if (s.method === 'im.search.user.list') searchTotal = checked.total;
            ctx.log(`${engine.name}: ${s.method} (${WARMUP} s warm-up, ${DURATION} s measured in ${ROUNDS} rounds, the floor's in between)`);
            // the floor: a bare node:http server in the same process answering the very same bytes
            const bareUrl = await server.bare(checked.answers);
            await load(server, s, WARMUP);
            await load(server, s, WARMUP, bareUrl);
            const rounds: Result[] = [];
            const floors: Result[] = [];
            let cpuMs = 0;
            let clientMs = 0;
            let after = await server.sample();
            for (let round = 0; round < ROUNDS; round++) {
              const before = after;
              const clientBefore = process.cpuUsage();
              const profileName = `${engine.name}-${s.method}-${list.indexOf(s)}-${round}`;
              await server.profile('start', profileName);
              rounds.push(await load(server, s, DURATION / ROUNDS));
              await server.profile('stop', profileName);
              const client = process.cpuUsage(clientBefore);
              clientMs += (client.user + client.system) / 1000;
              after = await server.sample();
              cpuMs += after.cpuMs - before.cpuMs;
              peakRss = Math.max(peakRss, after.rss);
              floors.push(await load(server, s, DURATION / ROUNDS, bareUrl));
              after = await server.sample();
            }
            const r = merged(rounds);
            const floor = merged(floors);
            const share = (ms: number) => `${Math.round((ms / (r.duration * 1000)) * 100)} %`;
            const problems = [
              ...checked.problems.slice(0, 3).map((p) => `before the load: ${p}`),
              ...(checked.problems.length > 3 ? [`before the load: ${checked.problems.length - 3} more problems`] : []),
              ...failures(r),
            ];
            const completed = r.requests.total;
            const perSecond = completed / r.duration;
            ctx.log(`      RSS ${mib(after.rss)} after it, V8 heap ${mib(after.heap)}, buffers ${mib(after.buffers)}`);
            const floorPerSecond = floor.requests.total / floor.duration;
            if (failures(floor).length) problems.push(`the floor: ${failures(floor).join('; ')}`);
            ctx.log(
              `   ${Math.round(perSecond)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms; same bytes from bare node:http ${Math.round(floorPerSecond)} req/s: ratio ${(perSecond / floorPerSecond).toFixed(3)}` +
                (problems.length ? `\n   !!! ${problems.join('; ')}` : ''),
            );
            if (problems.length) alarms.push(`${engine.name}, ${s.name}: ${problems.join('; ')}`);
            rows.push([
              s.name,
              engine.name,
              problems.length ? `**${Math.round(perSecond)}**` : Math.round(perSecond),
              `${r.latency.p50} ms`,
              `${r.latency.p99} ms`,
              Math.round(floorPerSecond),
              (perSecond / floorPerSecond).toFixed(3),
              mb(r.throughput.average),
              completed ? kib(r.throughput.total / completed) : '–',
              Number(checked.statements.toFixed(1)),
              `${share(cpuMs)} / ${share(clientMs)}`,
              problems.length ? `**${cell(problems.join('; '))}**` : `none of ${completed}`,
            ]);
          }
          memory.push([engine.name, `${Math.round(server.startMs)} ms`, mib(server.rss), mib(server.heap), mib(peakRss), mib(await server.live()), server.model]);
        } finally {
          await server.stop();
        }
      } finally {
        await target.drop();
      }
    }
    if (alarms.length) {
      for (const a of alarms) console.error(`!!! HTTP load: ${a}`);
      process.exitCode = 1;
    }
    return [
      intro,
      '',
      `The company: \`roster generate --users ${USERS} --departments ${DEPARTMENTS} --seed ${SEED}\`, loaded into a fresh SQLite file` +
        `${used.length > 1 ? ' and a fresh schema of the PostgreSQL database (then vacuumed and analyzed, as autovacuum would soon after), dropped afterwards' : ' (PostgreSQL did not answer: not measured)'} (${loads.join(', ')}). The company is written by one process, and the server, a real Roster (\`limits: off\`, log level silent), then starts in a process of its own that never held it; ` +
        `autocannon runs in the benchmark's process and sends JSON POSTs over loopback (127.0.0.1) with ${CONNECTIONS} connections, ` +
        `${WARMUP} s of warm-up and then ${DURATION} s measured per scenario and engine, in ${ROUNDS} rounds taking turns with the floor's (latency: the worst round's). **Server and load generator share the machine's ` +
        `${cpus().length} cores** (and PostgreSQL runs on them too), so these are figures for one small box, not the server's ceiling.`,
      '',
      table(['scenario', 'engine', 'requests/s', 'latency p50', 'latency p99', 'same bytes, bare node:http (req/s)', 'ratio', 'throughput', 'answer size', 'statements/request', 'CPU: server / autocannon', 'errors'], rows),
      '',
      `Reads: \`--reads ${READS}\`. "same bytes" is a bare \`node:http\` server, in the server's process, measured in turns with Roster, answering each request with the very bytes Roster gave ` +
        'for it (the floor for that answer on this machine), loaded the same way; "ratio" is Roster\'s requests/s over it.',
      '',
      table(['engine', 'start-up (database loaded, until it listens)', 'RSS at rest', 'V8 heap in use at rest', 'RSS peak under load', 'V8 heap in use after the load (collected)', 'read model'], memory),
      '',
      'RSS is sampled after each round of Roster\'s load; the heap in use after the load is what the server still holds once the scenarios are over ' +
        '(a full collection after the last one: the read model, the search index, the serialized users, the request journal). What RSS holds beyond ' +
        'that and the process itself is garbage V8 lets build up under load before it collects.',
      '',
      `Each connection cycles through ${VARIANTS} request bodies where the scenario has variants (ids drawn with a fixed seed; fast pages from ` +
        `${VARIANTS} points of the id range). FIND=${find} matches ${searchTotal ?? '?'} users. "statements/request" counts the statements the server ` +
        'sent to its store for one call (counted on the calls before the load); "CPU" is the CPU time of the server process and of the benchmark process (autocannon) over the measured time, 100 % being one core ' +
        '(PostgreSQL\'s own processes come on top). ' +
        'Before the load every request body is called once and its whole answer checked (50 users, no null, no failed batch command); under load every ' +
        'answer must be a 2xx with a `result` (and, for `batch`, an empty `result_error`). "errors" says how many did not.',
      ...(alarms.length ? ['', `**⚠ THIS RUN HAD ERRORS — the figures of the rows in bold are not to be trusted:** ${cell(alarms.join(' · '))}`] : []),
    ].join('\n');
  },
};
