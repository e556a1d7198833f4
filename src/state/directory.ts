/**
 * Directory state as a whole: import (replace or merge), export, reset to a seed. The CLI
 * commands, `roster serve --seed` and the /_roster admin endpoints all go through here.
 */
import { stat } from 'node:fs/promises';
import {
  importDirectory as runImport, replaceTables, resetDirectory as runReset, type ImportOptions as CommandImportOptions, type ImportOutcome,
} from '../directory/commands/directory.js';
import { runCommand, SYSTEM_ACTOR, type Actor } from '../directory/commands/run.js';
import type { Store } from '../store/index.js';
import { projectPath } from '../paths.js';
import type { FullDirectory } from '../store/directory-format.js';
import { readSource } from './source.js';
import { readDirectory, sqliteBulkSettings, type Progress, type WriteCounts } from '../store/directory-io.js';
import { validateDirectory, type Problem } from './validate.js';

/** The demo company `npm start` loads: a seed file like any other. */
export const DEMO_SEED = projectPath('seeds', 'demo-company.json');

/** A document that does not validate: every problem, located where possible. */
export class DirectoryError extends Error {
  constructor(
    readonly problems: Problem[],
    what = 'the directory',
  ) {
    const shown = sortByLocation(problems).slice(0, 50).map((p) => `  ${describeProblem(p)}`);
    if (problems.length > 50) shown.push(`  ... and ${problems.length - 50} more`);
    super(`${what} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${shown.join('\n')}`);
  }
}

/** Problems in file order (file, then line), those without a line last, otherwise as found. */
export function sortByLocation(problems: Problem[]): Problem[] {
  const key = (p: Problem) => {
    const m = /^(.*):(\d+)(?: |$)/.exec(p.where ?? '');
    return m ? { file: m[1]!, line: Number(m[2]) } : { file: '\uffff', line: 0 };
  };
  const keyed = problems.map((p, i) => ({ p, i, k: key(p) }));
  keyed.sort((a, b) => (a.k.file < b.k.file ? -1 : a.k.file > b.k.file ? 1 : a.k.line - b.k.line || a.i - b.i));
  return keyed.map((x) => x.p);
}

/** `company.json:120: users[12].email: e-mail x@y is already used by user 3 (users[2])` */
export function describeProblem(p: Problem): string {
  const where = p.where && p.where !== p.path ? `${p.where}: ` : '';
  const path = p.at.length || !p.where ? `${p.path}: ` : '';
  return `${where}${path}${p.message} [${p.code}]`;
}

export type { ImportMode, ImportOutcome } from '../directory/commands/directory.js';

export interface ImportOptions extends CommandImportOptions {
  /** who imports: the CLI, the admin endpoint, the server loading its seed (default) */
  actor?: Actor;
  onCommitted?: () => Promise<void> | void;
}

/** `importDirectory` of the command layer, for a store: see src/directory/commands/directory.ts. */
export function importDirectory(store: Store, document: unknown, options: ImportOptions): Promise<ImportOutcome> {
  return runImport({ store, actor: options.actor ?? SYSTEM_ACTOR, onCommitted: options.onCommitted }, document, options);
}

/** Writes an already validated directory over the stored one (seeds, benchmarks). */
export async function writeDirectory(store: Store, dir: FullDirectory, progress?: Progress): Promise<WriteCounts> {
  const env = { store, actor: SYSTEM_ACTOR };
  return sqliteBulkSettings(store, () => runCommand(env, async (tx) => (await replaceTables(tx, dir, 'directory.replaced', progress)).counts));
}

/** The whole directory in canonical form, read in one transaction (a consistent snapshot while others write). */
export function exportDirectory(store: Store): Promise<FullDirectory> {
  const transaction = store.db.transaction();
  return (store.dialect === 'postgres' ? transaction.setIsolationLevel('repeatable read') : transaction).execute((trx) => readDirectory(trx, store.dialect));
}

/** Back to `seed` or to a fresh database's content: see resetDirectory in src/directory/commands/directory.ts. */
export function resetDirectory(
  store: Store,
  seed: FullDirectory | null,
  options: { dropWebhooks?: boolean; actor?: Actor; onCommitted?: () => Promise<void> | void } = {},
): Promise<WriteCounts> {
  return runReset({ store, actor: options.actor ?? SYSTEM_ACTOR, onCommitted: options.onCommitted }, seed, options);
}

const seeds = new Map<string, { mtimeMs: number; size: number; directory: FullDirectory }>();

/**
 * Reads and validates a seed file (JSON, or CSV files as `roster import` takes them), throwing
 * a DirectoryError with every problem. Cached until the file changes.
 */
export async function loadSeed(path: string): Promise<FullDirectory> {
  const info = await stat(path);
  const cached = seeds.get(path);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.directory;
  const source = await readSource({ main: path });
  const result = source.problems.length ? undefined : validateDirectory(source.document, { mode: 'replace' });
  const problems = result ? result.problems : source.problems;
  if (!result || problems.length) {
    source.locate(problems);
    throw new DirectoryError(problems, `seed ${path}`);
  }
  const { directory } = result;
  seeds.set(path, { mtimeMs: info.mtimeMs, size: info.size, directory });
  return directory;
}
