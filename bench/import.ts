/**
 * Directory state benchmarks: `roster generate`, `roster import` and `roster export` of a
 * 100,000-user / 5,000-department company, and `POST /_roster/reset` to a 1,000-user seed, on
 * SQLite and PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRoster } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { SCOPES } from '../src/rest/scopes.js';
import { exportDirectory, importDirectory, writeDirectory } from '../src/state/directory.js';
import { generateCompany } from '../src/state/generate.js';
import { directoryToJson } from '../src/state/serialize.js';
import { validateDirectory } from '../src/state/validate.js';
import { openStore } from '../src/store/index.js';
import { createWebhook } from '../src/store/webhooks.js';
import {
  BIN, OUT, measuredOn, median, millis, percentile, pgDatabase, seconds, table, timed, type BenchContext, type Benchmark,
} from './lib.js';

const run = promisify(execFile);
const USERS = 100_000;
const DEPARTMENTS = 5_000;
const SEED_USERS = 1_000;
const IMPORT_RUNS = 3;
const RESET_RUNS = 20;

async function roster(args: string[]): Promise<{ ms: number; stdout: string }> {
  const { ms, value } = await timed(() => run(process.execPath, [BIN, ...args], { maxBuffer: 512 * 1024 * 1024 }));
  return { ms, stdout: value.stdout };
}

type Engine = { name: 'SQLite' | 'PostgreSQL'; fresh(prefix: string): Promise<{ location: string; drop(): Promise<void> }> };

function engines(ctx: BenchContext): Engine[] {
  const list: Engine[] = [
    {
      name: 'SQLite',
      fresh: async (prefix) => {
        const dir = join(OUT, `${prefix}-${Math.random().toString(36).slice(2, 8)}`);
        await mkdir(dir, { recursive: true });
        return { location: join(dir, 'roster.db'), drop: () => rm(dir, { recursive: true, force: true }) };
      },
    },
  ];
  if (ctx.pgUrl) {
    const url = ctx.pgUrl;
    list.push({ name: 'PostgreSQL', fresh: async (prefix) => {
      const db = await pgDatabase(url, prefix);
      return { location: db.url, drop: db.drop };
    } });
  }
  return list;
}

export const importBenchmark: Benchmark = {
  name: 'import',
  title: `Import and export: ${USERS.toLocaleString('en')} users, ${DEPARTMENTS.toLocaleString('en')} departments`,
  async run(ctx) {
    const intro = await measuredOn(ctx);
    await mkdir(OUT, { recursive: true });
    const file = join(OUT, 'company-100k.json');

    ctx.log(`generate ${USERS} users, ${DEPARTMENTS} departments`);
    const generated = await timed(() => generateCompany({ users: USERS, departments: DEPARTMENTS, seed: 42 }));
    const serialised = await timed(() => directoryToJson(generated.value));
    const cli = await roster(['generate', '--users', String(USERS), '--departments', String(DEPARTMENTS), '--seed', '42', '--out', file]);
    const text = await readFile(file, 'utf8');
    if (text !== serialised.value) throw new Error('roster generate wrote something else than generateCompany: not deterministic');
    const parsed = await timed(() => JSON.parse(text) as unknown);
    const validated = await timed(() => validateDirectory(parsed.value, { mode: 'replace' }));
    if (validated.value.problems.length) throw new Error(`the generated company has ${validated.value.problems.length} problems`);
    const d = generated.value;
    const rows = {
      memberships: d.users.reduce((n, u) => n + u.departments.length, 0),
      absences: d.users.reduce((n, u) => n + u.absences.length, 0),
      members: d.groups.reduce((n, g) => n + g.members.length, 0),
    };

    const results: (string | number)[][] = [];
    const notes: string[] = [];
    for (const engine of engines(ctx)) {
      const target = await engine.fresh('import');
      try {
        const cliRuns: number[] = [];
        for (let i = 0; i < IMPORT_RUNS; i++) {
          ctx.log(`${engine.name}: roster import (${i + 1}/${IMPORT_RUNS})`);
          cliRuns.push((await roster(['import', file, ...(i ? ['--replace'] : []), '--db', target.location])).ms);
        }
        const store = await openStore(target.location);
        try {
          ctx.log(`${engine.name}: write phase in-process`);
          const writes: number[] = [];
          for (let i = 0; i < IMPORT_RUNS; i++) writes.push((await timed(() => writeDirectory(store, validated.value.directory))).ms);
          ctx.log(`${engine.name}: export`);
          const read = await timed(() => exportDirectory(store));
          const exportCli = await roster(['export', '--db', target.location]);
          const identical = exportCli.stdout === text;
          if (!identical) notes.push(`${engine.name}: the export differs from the imported file!`);
          ctx.log(`${engine.name}: merge of 1,000 changed users`);
          const changes = { users: d.users.filter((u) => u.id % 100 === 0).map((u) => ({ id: u.id, work_position: `${u.work_position} (merged)` })) };
          const merged = await timed(() => importDirectory(store, changes, { mode: 'merge' }));
          results.push([
            engine.name,
            `${seconds(median(cliRuns))} (${cliRuns.map(seconds).join(', ')})`,
            seconds(median(writes)),
            seconds(read.ms),
            seconds(exportCli.ms),
            identical ? 'identical' : '**differs**',
            seconds(merged.ms),
          ]);
        } finally {
          await store.close();
        }
      } finally {
        await target.drop();
      }
    }

    return [
      intro,
      '',
      `The company: \`roster generate --users ${USERS} --departments ${DEPARTMENTS} --seed 42\`: ${d.departments.length} departments, ` +
        `${d.users.length} users (${d.users.filter((u) => u.bot).length} bots, ${d.users.filter((u) => u.type !== 'employee').length} extranet), ` +
        `${rows.memberships} department memberships, ${rows.absences} absences, ${d.groups.length} groups with ${rows.members} members; ` +
        `${(text.length / 1024 ** 2).toFixed(1)} MiB of JSON.`,
      '',
      table(['step', 'time'], [
        ['`roster generate` (whole command, file written)', seconds(cli.ms)],
        ['generating in-process', seconds(generated.ms)],
        ['JSON text of it', seconds(serialised.ms)],
        ['`JSON.parse` of the file', seconds(parsed.ms)],
        ['validation (every rule, 100k users)', seconds(validated.ms)],
      ]),
      '',
      table(
        ['engine', '`roster import` (whole command: start, read, validate, write; median of runs)', 'write phase alone (one transaction)', 'read for export', '`roster export` (whole command)', 'round trip', 'merge of 1,000 changed users'],
        results,
      ),
      '',
      `Targets: import under 30 s on SQLite. The first \`roster import\` goes into a fresh database, the others replace the directory (\`--replace\`), so they also delete the previous ${USERS.toLocaleString('en')} users. ` +
        'Merge reads the stored directory, lays the changes over it, validates the result and rewrites the directory tables in one transaction, so it costs about a full import whatever the number of changes.',
      '',
      'How the write goes: one transaction; precompiled multi-row INSERTs, 500 rows per statement on SQLite (with a 128 MiB page cache while it runs) and 1,000 on PostgreSQL ' +
        '(28,000 parameters for users, under the protocol\'s 65,535); then the id sequences are moved past the imported ids. Other statement sizes (SQLite 100 to 1,000 rows, PostgreSQL 250 to 2,300) made no measurable difference. ' +
        'Export reads each user as one JSON array built by the engine, three times faster than letting the driver build a 28-property object per row.',
      ...notes.map((n) => `\n${n}`),
    ].join('\n');
  },
};

export const resetBenchmark: Benchmark = {
  name: 'reset',
  title: `Reset to a ${SEED_USERS.toLocaleString('en')}-user seed (\`POST /_roster/reset\`)`,
  async run(ctx) {
    const intro = await measuredOn(ctx);
    await mkdir(OUT, { recursive: true });
    const seedFile = join(OUT, 'seed-1k.json');
    await writeFile(seedFile, directoryToJson(generateCompany({ users: SEED_USERS, departments: 60, seed: 7 })));
    const big = directoryToJson(generateCompany({ users: USERS, departments: DEPARTMENTS, seed: 42 }));
    const token = 'bench-admin-token-0123456789';
    const rows: (string | number)[][] = [];
    for (const engine of engines(ctx)) {
      const target = await engine.fresh('reset');
      const r = await createRoster(testConfig({ db: target.location, adminToken: token, seed: seedFile, limits: 'off' }));
      try {
        const url = await r.listen();
        const admin = (path: string, body?: string) =>
          fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ?? '{}' });
        if ((await admin('/_roster/reset')).status !== 200) throw new Error('reset failed');
        const { secret } = await createWebhook(r.store.db, { userId: 1, scopes: [...SCOPES] });
        const rest = (method: string, params: Record<string, unknown>) =>
          fetch(`${url}/rest/1/${secret}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
        ctx.log(`${engine.name}: ${RESET_RUNS} resets after changes`);
        const times: number[] = [];
        for (let i = 0; i < RESET_RUNS; i++) {
          await rest('department.add', { NAME: `Test ${i}`, PARENT: 1 });
          await rest('user.update', { ID: 5, WORK_POSITION: `Changed ${i}` });
          const reset = await timed(() => admin('/_roster/reset'));
          if (reset.value.status !== 200) throw new Error(`reset answered ${reset.value.status}`);
          times.push(reset.ms);
        }
        ctx.log(`${engine.name}: import of ${USERS} users over HTTP, then reset`);
        const imported = await timed(() => admin('/_roster/import', big));
        if (imported.value.status !== 200) throw new Error(`import answered ${imported.value.status}: ${(await imported.value.text()).slice(0, 200)}`);
        const fromBig = await timed(() => admin('/_roster/reset'));
        rows.push([engine.name, millis(median(times)), millis(percentile(times, 90)), millis(Math.max(...times)), seconds(imported.ms), millis(fromBig.ms)]);
      } finally {
        await r.close();
        await target.drop();
      }
    }
    return [
      intro,
      '',
      `The seed: \`roster generate --users ${SEED_USERS} --departments 60 --seed 7\`. Each reset follows a \`department.add\` and a \`user.update\` ` +
        `over REST and is timed from the client (HTTP round trip included), ${RESET_RUNS} times per engine. Target: under 1 s.`,
      '',
      table(['engine', 'reset, median', 'p90', 'max', `\`POST /_roster/import\` of the ${USERS.toLocaleString('en')}-user company`, 'reset from that state'], rows),
    ].join('\n');
  },
};
