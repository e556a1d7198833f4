/** The `roster` command as a newcomer runs it: a child process of bin/roster.js. */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROSTER_BIN = join(import.meta.dirname, '../../bin/roster.js');

/** Runs `roster <args>` to its end: exit code and both streams, never a throw. */
export async function runRoster(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [ROSTER_BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// A child still running when a file's tests end would keep that file's process alive, and the
// whole run waiting on it: whatever a failed test or hook left behind is killed here.
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** `node <args>` with piped output, killed when the test file ends if nothing stopped it before. */
export function spawnTracked(args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Stops a child with `signal` and resolves once it exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export interface ServedRoster {
  child: ChildProcess;
  /** what it printed so far, both streams */
  output(): string;
  /** the first `http://` address it said it listens on, if it printed one */
  url?: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `roster serve <args>`, resolved once its output matches `ready`. A server that exits first or
 * is not ready within `timeoutMs` is killed and the promise rejects with what it printed.
 */
export function serveRoster(args: string[], ready: RegExp, timeoutMs = 90_000): Promise<ServedRoster> {
  const child = spawnTracked([ROSTER_BIN, 'serve', ...args]);
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`roster serve ${why}:\n${output}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!ready.test(output)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      resolve({ child, output: () => output, ...(url ? { url } : {}), stop: (signal) => stopChild(child, signal) });
    };
    const onExit = (code: number | null) => fail(`exited with ${code}`);
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
}
