/**
 * How long the command line takes to answer (issue 11): `roster --help` and `roster webhook create`
 * run from dist/ (what `npm install` builds; built afresh first) against the same commands run
 * from the TypeScript sources through tsx, and a bare `node -e 0` as the floor. Each is started
 * RUNS times in turn.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, OUT, ROOT, loadAverage, machine, median, millis, table, today, type Benchmark } from './lib.js';

const RUNS = 15;

function timeCommand(args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    times.push(performance.now() - start);
    if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  }
  return times;
}

export const cliStartBenchmark: Benchmark = {
  name: 'cli-start',
  title: 'Command-line start-up',
  async run({ log }) {
    // built now: dist/ older than any source file would not run, and the sources would be measured twice
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0 || !existsSync(join(ROOT, 'dist', '.built'))) throw new Error(`building dist/ failed: ${build.stderr}`);
    await mkdir(OUT, { recursive: true });
    const db = join(OUT, 'cli-start.db');
    await rm(db, { force: true });
    const load = await loadAverage();
    const source = join(ROOT, 'src', 'cli', 'main.ts');
    const cases: [string, string[]][] = [
      ['`node -e 0` (the floor)', ['-e', '0']],
      ['`roster --help`, dist/', [BIN, '--help']],
      ['`roster --help`, sources through tsx', ['--import', 'tsx', source, '--help']],
      ['`roster webhook create`, dist/', [BIN, 'webhook', 'create', '--db', db, '--user', '1', '--scope', 'im']],
      ['`roster webhook create`, sources through tsx', ['--import', 'tsx', source, 'webhook', 'create', '--db', db, '--user', '1', '--scope', 'im']],
      // other everyday commands, on the same database (with the webhooks just created)
      ['`roster webhook list`, dist/', [BIN, 'webhook', 'list', '--db', db]],
      ['`roster changes`, dist/', [BIN, 'changes', '--db', db]],
    ];
    const rows = cases.map(([name, args]) => {
      log(name);
      const times = timeCommand(args);
      return [name, millis(median(times)), millis(Math.min(...times))];
    });
    await rm(db, { force: true });
    return [
      `Measured on ${today()}: ${machine()}; load average at the start ${load}. Each command started ${RUNS} times; wall time from spawn to exit.`,
      '',
      table(['command', 'median', 'fastest'], rows),
      '',
      'Target: under 0.3 s for `roster --help` and `roster webhook create`. `bin/roster.js` runs dist/ when `npm install` (or `npm run build`) built it after the last change to src/, else the sources through tsx.',
    ].join('\n');
  },
};
