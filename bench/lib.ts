/**
 * What every benchmark shares: the machine description, timing helpers, the PostgreSQL it may
 * use, and the sections of docs/PERFORMANCE.md. A benchmark is a `Benchmark` (bench/run.ts
 * lists them); it returns the Markdown of its own section, which replaces the section of the same
 * name in the document and leaves the others alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';
import { buildOptions } from '../scripts/build-options.js';
import { fileURLToPath } from 'node:url';
import { throwawayDatabase } from '../test/helpers/postgres.js';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Generated files and databases (ignored by git). */
export const OUT = join(ROOT, 'bench', 'out');
export const DOC = join(ROOT, 'docs', 'PERFORMANCE.md');
export const BIN = join(ROOT, 'bin', 'roster.js');

export interface BenchContext {
  /** a PostgreSQL server URL whose user may create databases, or null when none answers */
  pgUrl: string | null;
  /** progress for the person watching */
  log(message: string): void;
}

export interface Benchmark {
  /** the document section it writes (default: name) */
  section?: string;
  /** the section's id in docs/PERFORMANCE.md, and the name `npm run bench -- <name>` selects */
  name: string;
  /** the section's heading */
  title: string;
  run(ctx: BenchContext): Promise<string>;
}

export function machine(): string {
  const cpu = cpus();
  const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${gib(totalmem())} RAM (${gib(freemem())} free), ` +
    `Node ${process.version}, ${platform()} ${release()}`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Wall time of `work` in milliseconds, with its result. */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const millis = (ms: number) => `${Math.round(ms)} ms`;

export function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The system load while measuring: figures taken on a busy machine say so. */
export async function loadAverage(): Promise<string> {
  try {
    return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** A fresh PostgreSQL database for one benchmark, dropped by `drop`. */
export const pgDatabase = (serverUrl: string, prefix: string) => throwawayDatabase(serverUrl, `bench_${prefix}`);

/** The first line of a section: the day, the machine, the PostgreSQL beside it and the load. */
export async function measuredOn(ctx: BenchContext): Promise<string> {
  const pgLine = ctx.pgUrl ? `${await postgresVersion(ctx.pgUrl)} on the same machine` : 'PostgreSQL: not reachable, not measured';
  return `Measured on ${today()}: ${machine()}; ${pgLine}; load average at the start ${await loadAverage()}.`;
}

export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0]!.server_version}`;
  } finally {
    await client.end();
  }
}

const begin = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;

const PREAMBLE = `# Performance

Figures measured by \`npm run bench\` (bench/run.ts, about 5½ minutes), which rewrites the
sections of the benchmarks it runs and leaves the others as they are. Name benchmarks to run
only those: \`npm run bench -- http\` (HTTP load), \`npm run bench -- import\` (import and
export), \`npm run bench -- reset\`, \`npm run bench -- console-search\` (the web console's
directory at 100,000 users), or several at once; \`--no-doc\` prints the sections
instead of writing them. Each section names the machine and the day it was measured on, and the
system load at the time: the development machines are shared, so figures are upper bounds
rather than best cases.
`;

/** Replaces (or appends) the named sections of docs/PERFORMANCE.md. */
export async function updateDocument(sections: { name: string; title: string; body: string }[]): Promise<void> {
  let text: string;
  try {
    text = await readFile(DOC, 'utf8');
  } catch {
    text = PREAMBLE;
  }
  for (const s of sections) {
    const block = `${begin(s.name)}\n## ${s.title}\n\n${s.body.trim()}\n${end(s.name)}`;
    const from = text.indexOf(begin(s.name));
    const to = text.indexOf(end(s.name));
    text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end(s.name).length) : `${text.trimEnd()}\n\n${block}\n`;
  }
  await mkdir(dirname(DOC), { recursive: true });
  await writeFile(DOC, text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * A benchmark's server in a child process of its own (its RSS, CPU and event loop are then its
 * own), spoken to over IPC: each message sent gets one answer, in order; an `error` message is
 * what the child reports before it gives up.
 */
export interface ForkedServer<M extends { type: string }> {
  child: ChildProcess;
  /** sends `message` and resolves with the answer, which must be of `type` */
  ask<T extends M['type']>(message: object, type: T): Promise<Extract<M, { type: T }>>;
  /** asks the child to stop and waits until it exited */
  stop(): Promise<void>;
}

/** The Node flags `roster` runs with (bin/roster.js's first line, package.json's start script). */
export const SERVE_FLAGS = ['--max-semi-space-size=4'];

/**
 * Forks a benchmark's server process (a TypeScript file of bench/), compiled first the way
 * scripts/build.js compiles dist/ and run with SERVE_FLAGS: the figures are those of the code
 * `npm start` runs, without tsx's compiler and its caches in the process (about 50 MiB of RSS).
 */
export async function forkServer<M extends { type: string }>(script: string, execArgv: string[]): Promise<ForkedServer<M>> {
  const compiled = join(ROOT, 'dist', `bench-${basename(script, '.ts')}.js`);
  await build({ ...buildOptions, absWorkingDir: ROOT, entryPoints: [script], outfile: compiled });
  // ROSTER_BENCH_SERVER_FLAGS: more Node flags for the server while looking into it (--trace-gc)
  const extra = process.env.ROSTER_BENCH_SERVER_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = fork(compiled, [], { execArgv: [...SERVE_FLAGS, ...execArgv, ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: ((m: M) => void)[] = [];
  let failure: Error | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (m: M) => {
    if (m.type === 'error') failure = new Error(`the server failed: ${(m as { message?: string }).message}`);
    waiting.shift()?.(m);
  });
  return {
    child,
    ask<T extends M['type']>(message: object, type: T) {
      const answer = new Promise<Extract<M, { type: T }>>((resolve, reject) => {
        const onExit = () => reject(failure ?? new Error(`the server exited before answering ${type}`));
        child.once('exit', onExit);
        waiting.push((m) => {
          child.off('exit', onExit);
          if (m.type === type) resolve(m as Extract<M, { type: T }>);
          else reject(failure ?? new Error(`the server answered ${m.type} instead of ${type}`));
        });
      });
      child.send(message);
      return answer;
    },
    async stop() {
      if (child.exitCode === null) child.send({ type: 'stop' });
      await exited;
    },
  };
}
