/**
 * Directory state as a whole: import (replace or merge), export, reset to a seed. The CLI
 * commands, `roster serve --seed` and the /_roster admin endpoints all go through here.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Store } from '../store/index.js';
import { emptyDirectory, type FullDirectory } from './format.js';
import { readSource } from './source.js';
import {
  DIRECTORY_TABLES, clearDirectory, insertFullDirectory, restartSqliteSequences, readDirectory, sqliteBulkSettings, writeDirectory,
  type Progress, type WriteCounts,
} from './store-io.js';
import { validateDirectory, type Problem, type ValidationResult } from './validate.js';
import { clock } from '../clock.js';

export type ImportMode = 'replace' | 'merge';

/** The demo company `npm start` loads: a seed file like any other. */
export const DEMO_SEED = fileURLToPath(new URL('../../seeds/demo-company.json', import.meta.url));

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

export interface ImportOptions {
  mode: ImportMode;
  progress?: Progress;
  /** the instant defaults take (ISO); default now */
  now?: string;
  /** called once the document validated, before anything is written */
  onValidated?: (result: ValidationResult) => void;
}

export type ImportOutcome =
  | { ok: true; mode: ImportMode; counts: WriteCounts; given: ValidationResult['given'] }
  | { ok: false; problems: Problem[] };

/**
 * Validates `document` and, only when it has no problem at all, writes it in one transaction.
 *
 * - `replace`: the directory becomes exactly the document.
 * - `merge`: the document is laid over the stored directory, by id: a department, user or group
 *   whose id is stored changes only the fields the entry gives (lists such as `departments`,
 *   `absences`, `members` and the `bot` object are replaced whole when given; `phones` key by
 *   key); a new id is added with defaults for what it omits; nothing is deleted. Validation
 *   sees the merged result, so references may point at stored rows.
 */
export async function importDirectory(store: Store, document: unknown, options: ImportOptions): Promise<ImportOutcome> {
  const { mode, progress, now } = options;
  if (mode === 'replace') {
    const result = validateDirectory(document, { mode, now });
    if (result.problems.length) return { ok: false, problems: result.problems };
    options.onValidated?.(result);
    const counts = await writeDirectory(store, result.directory, progress);
    return { ok: true, mode, counts, given: result.given };
  }
  const outcome = await sqliteBulkSettings(store, () =>
    store.db.transaction().execute(async (trx): Promise<ImportOutcome> => {
      if (store.dialect === 'postgres') {
        // writers wait until the merge is done, so that none of their changes is lost in between; readers do not
        await sql.raw(`LOCK TABLE ${DIRECTORY_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`).execute(trx);
      }
      const base = await readDirectory(trx, store.dialect);
      const result = validateDirectory(document, { mode, base, now });
      if (result.problems.length) return { ok: false, problems: result.problems };
      options.onValidated?.(result);
      progress?.('clear', 0, 1);
      await clearDirectory(trx);
      progress?.('clear', 1, 1);
      const counts = await insertFullDirectory(trx, store.dialect, result.directory, progress);
      await restartSqliteSequences(trx, store.dialect);
      return { ok: true, mode, counts, given: result.given };
    }),
  );
  if (outcome.ok) await store.syncIds();
  return outcome;
}

/** The whole directory in canonical form, read in one transaction (a consistent snapshot while others write). */
export function exportDirectory(store: Store): Promise<FullDirectory> {
  const transaction = store.db.transaction();
  return (store.dialect === 'postgres' ? transaction.setIsolationLevel('repeatable read') : transaction).execute((trx) => readDirectory(trx, store.dialect));
}

/**
 * Back to `seed` (a validated directory) or, without one, to what a fresh database holds.
 * Webhooks stay unless `dropWebhooks`.
 */
export async function resetDirectory(store: Store, seed: FullDirectory | null, options: { dropWebhooks?: boolean } = {}): Promise<WriteCounts> {
  const dir = seed ?? emptyDirectory(new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  return writeDirectory(store, dir, undefined, options.dropWebhooks ? (trx) => trx.deleteFrom('webhooks').execute().then(() => {}) : undefined);
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
