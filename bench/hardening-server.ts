/**
 * The server side of the hardening benchmark (bench/hardening.ts): a real Roster on a SQLite file
 * the benchmark filled beforehand, in a process of its own, so that what is measured (event loop,
 * CPU time, RSS) is the server's alone and not the generator's, the client's or the prober's.
 * Forked with `--expose-gc`; it talks over the IPC channel:
 *
 *   parent → { type: 'start', db }   child → { type: 'ready', url, pid }
 *   parent → { type: 'before' }      child collects garbage, resets its counters, → { type: 'before', rss }
 *   parent → { type: 'after' }       child → { type: 'after', loopMaxMs, cpuHeldMs, cpuMs, rss }
 *   parent → { type: 'stop' }        the child closes the server and the store and exits
 *
 * It exits by itself when the parent goes away.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRoster, type Roster } from '../src/app.js';
import { boundHeapGrowth } from '../src/cli/heap.js';
import { testConfig } from '../src/config.js';

export type HardeningServerMessage =
  | { type: 'ready'; url: string; pid: number }
  | { type: 'before'; rss: number }
  /** the longest event-loop stall and the CPU time (user + system) since `before`, and the RSS now */
  | { type: 'after'; loopMaxMs: number; cpuHeldMs: number; cpuMs: number; rss: number }
  | { type: 'error'; message: string };

const send = (message: HardeningServerMessage) => process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;
const loop = monitorEventLoopDelay({ resolution: 2 });
let roster: Roster | undefined;
let cpu = process.cpuUsage();

/**
 * The event loop's longest stall in CPU time: the process's CPU time between two turns of a 1 ms
 * timer, at most. On a machine loaded above its cores the wall-clock stall also counts the time
 * the process waited for a core; this counts only what the server itself spent.
 */
let lastTurn = process.cpuUsage();
let cpuHeldMs = 0;
const turns = setInterval(() => {
  const used = process.cpuUsage(lastTurn);
  cpuHeldMs = Math.max(cpuHeldMs, (used.user + used.system) / 1000);
  lastTurn = process.cpuUsage();
}, 1);

async function start(db: string): Promise<void> {
  boundHeapGrowth(); // as `roster serve` does
  roster = await createRoster(testConfig({ db, host: '127.0.0.1', port: 0, limits: 'off', logLevel: 'silent', timezone: 'UTC' }));
  const url = await roster.listen();
  loop.enable();
  send({ type: 'ready', url, pid: process.pid });
}

async function stop(code: number): Promise<never> {
  loop.disable();
  clearInterval(turns);
  await roster?.close().catch(() => undefined);
  process.exit(code);
}

process.on('message', (m: { type: 'start'; db: string } | { type: 'before' | 'after' | 'stop' }) => {
  if (m.type === 'start') {
    start(m.db).catch((error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      void stop(1);
    });
  } else if (m.type === 'before') {
    // what the previous request left behind is not this one's cost
    gc?.();
    gc?.();
    // the collector's helper threads go on sweeping for a while: not the next request's CPU time
    setTimeout(() => {
      loop.reset();
      cpu = process.cpuUsage();
      lastTurn = cpu;
      cpuHeldMs = 0;
      send({ type: 'before', rss: process.memoryUsage.rss() });
    }, 200);
  } else if (m.type === 'after') {
    const used = process.cpuUsage(cpu);
    send({ type: 'after', loopMaxMs: loop.max / 1e6, cpuHeldMs, cpuMs: (used.user + used.system) / 1000, rss: process.memoryUsage.rss() });
  } else if (m.type === 'stop') {
    void stop(0);
  }
});
process.on('disconnect', () => void stop(0));
