/**
 * `npm run bench [-- name ...]`: runs the benchmarks (all, or those named) and writes their
 * sections of docs/PERFORMANCE.md. `--no-doc` prints the sections instead.
 *
 * To add one: write a `Benchmark` (bench/lib.ts) in its own file and list it below. It gets a
 * PostgreSQL server URL when one answers (ROSTER_BENCH_PG, else ROSTER_TEST_PG, else
 * postgres://postgres@127.0.0.1:5432/test) and returns the Markdown of its section.
 */
import { cliStartBenchmark } from './cli-start.js';
import { consoleSearchBenchmark } from './console-search.js';
import { hardeningBenchmark } from './hardening.js';
import { httpBenchmark } from './http-load.js';
import { importBenchmark, resetBenchmark } from './import.js';
import { postgresReachable } from '../test/helpers/postgres.js';
import { updateDocument, type Benchmark } from './lib.js';

const BENCHMARKS: Benchmark[] = [importBenchmark, resetBenchmark, httpBenchmark, hardeningBenchmark, cliStartBenchmark, consoleSearchBenchmark];

const args = process.argv.slice(2);
const writeDoc = !args.includes('--no-doc');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; there are: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const chosen = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
const pgCandidate = process.env.ROSTER_BENCH_PG ?? process.env.ROSTER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgUrl = (await postgresReachable(pgCandidate)) ? pgCandidate : null;
if (!pgUrl) console.warn(`# PostgreSQL at ${pgCandidate} does not answer: its figures are skipped`);

const sections: { name: string; title: string; body: string }[] = [];
for (const b of chosen) {
  const started = performance.now();
  console.log(`== ${b.name}: ${b.title}`);
  const body = await b.run({ pgUrl, log: (m) => console.log(`   ${m}`) });
  console.log(`   done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  sections.push({ name: b.section ?? b.name, title: b.title, body });
}
if (writeDoc) {
  await updateDocument(sections);
  console.log('Wrote docs/PERFORMANCE.md');
} else {
  for (const s of sections) console.log(`\n## ${s.title}\n\n${s.body}`);
}
