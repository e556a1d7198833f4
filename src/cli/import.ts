/** `roster import`: validate a directory file completely, then load it in one transaction. */
import cliProgress from 'cli-progress';
import { describeProblem, importDirectory, sortByLocation, type ImportMode } from '../state/directory.js';
import { isPristine } from '../store/directory-io.js';
import { readSource, type DirectorySource } from '../state/source.js';
import { readDirectory, type Phase, type Progress } from '../store/directory-io.js';
import { validateDirectory, type Problem } from '../state/validate.js';
import { openStore } from '../store/index.js';
import { CliError, dbLocation } from './common.js';
import { CLI_ACTOR } from '../directory/commands/run.js';

export interface ImportOptions {
  db?: string;
  departments?: string;
  groups?: string;
  replace?: boolean;
  merge?: boolean;
  dryRun?: boolean;
}

const LABELS: Record<Phase, string> = {
  clear: 'clearing',
  departments: 'departments',
  users: 'users',
  user_departments: 'memberships',
  absences: 'absences',
  bots: 'bots',
  sonet_groups: 'groups',
  sonet_group_members: 'group members',
};

/** A progress bar per table on a terminal; a line per table otherwise (logs, CI). */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { progress: Progress; stop(): void } {
  if (!stream.isTTY) {
    return {
      progress: (phase, done, total) => {
        if (done === total && phase !== 'clear' && total > 0) stream.write(`  ${LABELS[phase]}: ${total}\n`);
      },
      stop: () => {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  let current: Phase | undefined;
  return {
    progress: (phase, done, total) => {
      if (phase === 'clear' || total === 0) return;
      if (phase !== current) {
        bar?.stop();
        current = phase;
        bar = new cliProgress.SingleBar(
          { format: `  ${LABELS[phase].padEnd(13)} [{bar}] {value}/{total} {duration_formatted}`, stream, hideCursor: true, fps: 10 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      } else bar?.update(done);
    },
    stop: () => bar?.stop(),
  };
}

export function printProblems(problems: Problem[], source: DirectorySource, stream: NodeJS.WritableStream = process.stderr): void {
  source.locate(problems);
  for (const p of sortByLocation(problems)) stream.write(`${describeProblem(p)}\n`);
}

export async function importCommand(file: string, o: ImportOptions): Promise<void> {
  if (o.replace && o.merge) throw new CliError('--replace and --merge exclude each other');
  let source: DirectorySource;
  try {
    source = await readSource({ main: file, departments: o.departments, groups: o.groups });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  for (const note of source.notes) console.error(`note: ${note}`);
  if (source.problems.length) return fail(source.problems, source);

  const store = await openStore(dbLocation(o.db));
  try {
    let mode: ImportMode;
    if (o.replace) mode = 'replace';
    else if (o.merge) mode = 'merge';
    else if (await isPristine(store.db)) mode = 'replace';
    else throw new CliError(`${store.location} already holds a directory: pass --replace to replace it, or --merge to add and update entries by id`);

    const started = performance.now();
    if (o.dryRun) {
      const base = mode === 'merge' ? await readDirectory(store.db, store.dialect) : undefined;
      const result = validateDirectory(source.document, { mode, base });
      if (result.problems.length) return fail(result.problems, source);
      console.log(`${source.files.join(', ')} is valid (${mode}): ${counts(result.given)}; nothing was written (--dry-run).`);
      return;
    }
    console.error(`Importing ${source.files.join(', ')} into ${store.location} (${mode})`);
    const reporter = progressReporter();
    let validatedAt = 0;
    const outcome = await importDirectory(store, source.document, {
      mode,
      actor: CLI_ACTOR,
      progress: reporter.progress,
      onValidated: () => {
        validatedAt = performance.now();
      },
    }).finally(() => reporter.stop());
    if (!outcome.ok) return fail(outcome.problems, source);
    const c = outcome.counts;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `Imported ${c.departments} departments, ${c.users} users (${c.bots} bots, ${c.memberships} department memberships, ${c.absences} absences), ` +
        `${c.groups} groups (${c.group_members} members) in ${seconds(performance.now() - started)} ` +
        `(validation ${seconds(validatedAt - started)}); ${mode === 'merge' ? `${counts(outcome.given)} given in the file, ` : ''}mode ${mode}.`,
    );
    const r = outcome.revoked;
    if (r.users.length) {
      console.log(
        `Revoked ${r.webhooks.length} webhook${r.webhooks.length === 1 ? '' : 's'}${r.webhooks.length ? ` (${r.webhooks.join(', ')})` : ''} and ${r.tokens} OAuth token${r.tokens === 1 ? '' : 's'} ` +
          `of ${r.users.length} user${r.users.length === 1 ? '' : 's'} who are gone or whose e-mail changed: ${r.users.slice(0, 20).join(', ')}${r.users.length > 20 ? ', ...' : ''}.`,
      );
    }
  } finally {
    await store.close();
  }
}

function counts(given: { departments: number; users: number; groups: number }): string {
  return `${given.departments} departments, ${given.users} users, ${given.groups} groups`;
}

function fail(problems: Problem[], source: DirectorySource): void {
  printProblems(problems, source);
  console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${source.files.join(', ')}; nothing was imported.`);
  process.exitCode = 1;
}

