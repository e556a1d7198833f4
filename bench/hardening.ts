/**
 * The worst requests the default limits let through (issue 9): the heaviest bodies, sent before
 * authentication, and the heaviest batches, as an administrator, against a company of 20,000
 * users on SQLite (whose driver is synchronous, so every statement runs on the event loop).
 *
 * The company is generated here, into a SQLite file, before the measured server starts: the
 * server (bench/hardening-server.ts) is a process of its own that only opens that file, so its
 * RSS, CPU time and event loop are its own. Before each request it collects its garbage. A worker
 * thread here calls `server.time` every 5 ms meanwhile, as any other client would, and samples
 * the server's RSS from /proc every 5 ms.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRoster } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { SCOPES } from '../src/rest/scopes.js';
import { replaceDirectory } from '../src/state/directory-file.js';
import { generateCompany } from '../src/state/generate.js';
import { createWebhook } from '../src/store/webhooks.js';
import type { HardeningServerMessage } from './hardening-server.js';
import { OUT, forkServer, measuredOn, millis, percentile, table, type BenchContext, type Benchmark } from './lib.js';

const USERS = 20_000;
const DEPARTMENTS = 500;
const mib = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;
const SERVER = fileURLToPath(new URL('./hardening-server.ts', import.meta.url));

/**
 * The prober: server.time every 5 ms, and the server's RSS (VmRSS of /proc/<pid>/status, where
 * there is one) every 5 ms, both stamped with wall-clock time.
 */
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
let probes = [], rss = [], running = true;
parentPort.on('message', (m) => {
  if (m === 'flush') { parentPort.postMessage({ probes, rss }); probes = []; rss = []; }
  if (m === 'stop') running = false;
});
const status = '/proc/' + workerData.pid + '/status';
const sampler = setInterval(() => {
  try {
    const kb = /VmRSS:\\s+(\\d+) kB/.exec(readFileSync(status, 'latin1'));
    if (kb) rss.push([Date.now(), Number(kb[1]) * 1024]);
  } catch { clearInterval(sampler); }
}, 5);
(async () => {
  while (running) {
    const at = Date.now(), t = performance.now();
    try { await fetch(workerData.url, { headers: { connection: 'keep-alive' } }).then((r) => r.arrayBuffer()); } catch {}
    probes.push([at, performance.now() - t]);
    await new Promise((r) => setTimeout(r, 5));
  }
  process.exit(0);
})();
`;

interface Flush {
  probes: [number, number][];
  rss: [number, number][];
}

interface Case {
  name: string;
  path: string;
  contentType: string;
  body: string;
}

const form = (pairs: string[]) => pairs.join('&');
const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
const fill = (pair: (i: number) => string, bytes: number) => {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size + pair(i).length + 1 <= bytes; i++) {
    out.push(pair(i));
    size += pair(i).length + 1;
  }
  return out;
};

function bodies(limit: number): Case[] {
  const dead = '/rest/1/nosuchsecret/server.time';
  const deepKey = `a${'[x]'.repeat(30)}`;
  const boundary = 'bench-boundary';
  const fields = fill((i) => `--${boundary}\r\nContent-Disposition: form-data; name="a[]"\r\n\r\n${i % 10}\r\n`, limit - 100);
  const urlencoded = 'application/x-www-form-urlencoded';
  return [
    { name: '20,000 `a[]=1` pairs (the parameter limit), form', path: dead, contentType: urlencoded, body: form(times(20000, () => 'a[]=1')) },
    { name: '20,000 `a[i]=1` pairs, form', path: dead, contentType: urlencoded, body: form(times(20000, (i) => `a[${i}]=1`)) },
    { name: `1 MiB of 31-level keys \`a[x]...[x]=1\` (${fill(() => `${deepKey}=1`, limit).length} pairs), form`, path: dead, contentType: urlencoded, body: form(fill(() => `${deepKey}=1`, limit)) },
    { name: `1 MiB of \`a=1\` (${fill(() => 'a=1', limit).length} pairs: refused at 20,001), form`, path: dead, contentType: urlencoded, body: form(fill(() => 'a=1', limit)) },
    { name: '20,000 repeated `a=1` to /oauth/token/', path: '/oauth/token/', contentType: urlencoded, body: `grant_type=refresh_token&${form(times(20000, () => 'a=1'))}` },
    { name: `1 MiB multipart, ${fields.length} fields`, path: dead, contentType: `multipart/form-data; boundary=${boundary}`, body: `${fields.join('')}--${boundary}--\r\n` },
    { name: 'JSON, 1 MiB of one list of numbers (refused at 20,001)', path: dead, contentType: 'application/json', body: `{"ID":[${fill(() => '1', limit - 10).join(',')}]}` },
    { name: 'JSON, 1 MiB nested 500,000 levels (refused at 33)', path: dead, contentType: 'application/json', body: `{"a":${'['.repeat(Math.floor((limit - 10) / 2))}${']'.repeat(Math.floor((limit - 10) / 2))}}` },
  ];
}

function batches(hookPath: string): Case[] {
  const ids = (n: number) => times(n, (i) => `ID[]=${i + 1}`).join('&');
  const batch = (cmd: string[]) => JSON.stringify({ cmd });
  return [
    {
      name: '50 × `im.department.employees.get` ids 1–500 `USER_DATA=Y` (the audit\'s batch)',
      path: `${hookPath}batch`,
      contentType: 'application/json',
      body: batch(times(50, () => `im.department.employees.get?${ids(500)}&USER_DATA=Y`)),
    },
    {
      name: '50 × `im.user.list.get` with 1,000 ids (5,000 user objects pass, then the budget)',
      path: `${hookPath}batch`,
      contentType: 'application/json',
      body: batch(times(50, () => `im.user.list.get?${ids(1000)}`)),
    },
    {
      name: '50 × `im.department.employees.get` ids 1–500, ids only',
      path: `${hookPath}batch`,
      contentType: 'application/json',
      body: batch(times(50, () => `im.department.employees.get?${ids(500)}`)),
    },
    {
      name: '50 × `user.get` pages (`start=-1`, 50 users each)',
      path: `${hookPath}batch`,
      contentType: 'application/json',
      body: batch(times(50, (i) => `user.get?start=-1&filter[>ID]=${i * 50}&order[ID]=ASC`)),
    },
  ];
}

interface Server {
  url: string;
  pid: number;
  ask<T extends HardeningServerMessage['type']>(type: T): Promise<Extract<HardeningServerMessage, { type: T }>>;
  stop(): Promise<void>;
}

/**
 * Forks bench/hardening-server.ts on the filled database and waits until it listens.
 * ROSTER_BENCH_PROF=<dir> runs it under `--cpu-prof` and leaves the profile there.
 */
async function startServer(db: string): Promise<Server> {
  const prof = process.env.ROSTER_BENCH_PROF;
  const execArgv = ['--expose-gc', ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])];
  const server = await forkServer<HardeningServerMessage>(SERVER, execArgv);
  try {
    const { url, pid } = await server.ask({ type: 'start', db }, 'ready');
    return { url, pid, ask: (type) => server.ask({ type }, type), stop: () => server.stop() };
  } catch (error) {
    server.child.kill();
    throw error;
  }
}

/** The company and two webhooks of the administrator's, written to `db` by a Roster that is then closed. */
async function fillDatabase(db: string): Promise<{ secret: string; probeSecret: string; bodyLimit: number }> {
  const config = testConfig({ db, host: '127.0.0.1', limits: 'off' });
  const roster = await createRoster(config);
  try {
    await replaceDirectory(roster.store, generateCompany({ users: USERS, departments: DEPARTMENTS, seed: 42 }));
    const { secret } = await createWebhook(roster.store.db, { userId: 1, scopes: [...SCOPES], title: 'bench' });
    const probe = await createWebhook(roster.store.db, { userId: 1, scopes: [...SCOPES], title: 'probe' });
    return { secret, probeSecret: probe.secret, bodyLimit: config.bodyLimit };
  } finally {
    await roster.close();
  }
}

export const hardeningBenchmark: Benchmark = {
  name: 'hardening',
  title: 'The worst request under the default limits',
  async run(ctx: BenchContext): Promise<string> {
    const header = await measuredOn(ctx);
    const dir = join(OUT, 'hardening');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const db = join(dir, 'roster.db');
    ctx.log(`generating ${USERS} users, ${DEPARTMENTS} departments`);
    const { secret, probeSecret, bodyLimit } = await fillDatabase(db);
    const server = await startServer(db);
    const { url } = server;
    const worker = new Worker(PROBER, { eval: true, workerData: { url: `${url}/rest/1/${probeSecret}/server.time`, pid: server.pid } });
    const flush = () =>
      new Promise<Flush>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('flush');
      });

    const rows: (string | number)[][] = [];
    let startRss = 0;
    let worstRss = 0;
    const measure = async (c: Case) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { rss: rssBefore } = await server.ask('before');
      startRss ||= rssBefore;
      await flush();
      const from = Date.now();
      const t = performance.now();
      const res = await fetch(`${url}${c.path}`, { method: 'POST', headers: { 'content-type': c.contentType }, body: c.body });
      const text = await res.text();
      const ms = performance.now() - t;
      const to = Date.now();
      const after = await server.ask('after');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const seen = await flush();
      const during = seen.probes.filter(([at, lat]) => at + lat >= from && at <= to).map(([, lat]) => lat);
      const peak = Math.max(rssBefore, after.rss, ...seen.rss.filter(([at]) => at >= from && at <= to + 50).map(([, v]) => v));
      worstRss = Math.max(worstRss, peak);
      const error = text.startsWith('{"error"') ? ` ${JSON.parse(text).error}` : '';
      rows.push([
        c.name,
        `${(c.body.length / 1024).toFixed(0)} KiB`,
        `${res.status}${error}`,
        `${(text.length / 1024).toFixed(0)} KiB`,
        millis(ms),
        millis(after.cpuMs),
        `${millis(after.loopMaxMs)} / ${millis(after.cpuHeldMs)}`,
        `${mib(rssBefore)} → ${mib(peak)}`,
        during.length ? `${during.length}: ${millis(percentile(during, 50))} / ${millis(Math.max(...during))}` : 'none',
      ]);
      ctx.log(rows.at(-1)!.join(' | '));
    };
    try {
      // each body once beforehand, unmeasured: a running server has compiled its decoders long ago
      for (const c of bodies(bodyLimit)) {
        await fetch(`${url}${c.path}`, { method: 'POST', headers: { 'content-type': c.contentType }, body: c.body }).then((r) => r.arrayBuffer());
      }
      // ROSTER_BENCH_ONLY=<text>: only the rows whose name holds it (with --no-doc, while working on one)
      const only = process.env.ROSTER_BENCH_ONLY;
      for (const c of [...bodies(bodyLimit), ...batches(`/rest/1/${secret}/`)]) if (!only || c.name.includes(only)) await measure(c);
    } finally {
      worker.postMessage('stop');
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
    ctx.log(`server RSS: ${mib(startRss)} after start, ${mib(worstRss)} at the worst`);
    return [
      header,
      '',
      `The company: \`roster generate --users ${USERS} --departments ${DEPARTMENTS} --seed 42\` on SQLite (its driver is synchronous: every statement runs on the event loop, the worst case for stalls). Default limits: body 1 MiB, 20,000 parameter values, 32 levels of nesting, 1,000 ids and user objects per call, 5,000 user objects per request, 16 MiB of answer. The bodies go to a webhook that does not exist (\`/rest/1/nosuchsecret/server.time\`) or to \`/oauth/token/\`: they are decoded before anything is authenticated. The batches run as the administrator.`,
      '',
      'The company is generated into the SQLite file first; the measured server is then a process of its own that only opens the file (started with `--expose-gc`, it collects its garbage before each request, so that each row starts from what the server really holds). Each body is sent once before the table, unmeasured, as a server that has been running has its decoders compiled. While each request runs, a worker thread of the benchmark\'s process (an event loop of its own, as any other client) calls `server.time` every 5 ms and samples the server\'s RSS every 5 ms; "event loop held" is the longest stall of the server\'s event loop during the request, in wall-clock time (monitorEventLoopDelay) and in the CPU time the server spent in it (its CPU time between two turns of a 1 ms timer: what the stall would be on an idle machine), and "CPU" the server process\'s CPU time for the whole request (on a shared machine the one figure that does not grow with the load). With the load average above the 2 cores, wall-clock figures (time, stalls, latencies) are inflated against what the CPU time says.',
      '',
      `The server's RSS: ${mib(startRss)} after it started, ${mib(worstRss)} at the worst moment of the table.`,
      '',
      table(['request', 'body', 'answer', 'answer size', 'time', 'CPU', 'event loop held: wall / CPU', 'RSS before → peak', 'concurrent `server.time`: calls, p50 / max'], rows),
      '',
      'Targets: `server.time` under 50 ms meanwhile, RSS under 300 MB. Before issue 9 the first body held the event loop 4.8 s and 0.9 MB of them 196 s; the audit\'s batch ran 67 s, grew RSS to 3.6 GB and ended in a 500.',
    ].join('\n');
  },
};
