/**
 * The directory as one JSON document (`seeds/*.json`): departments, users with presence,
 * absences and bot data, and groups with members. `npm start`'s demo company is one of these.
 * The format is in src/store/directory-format.ts, its validation in ./validate.ts, the bulk writer in src/store/directory-io.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Store } from '../store/index.js';
import { DirectoryError, importDirectory } from './directory.js';
import type { DirectoryFile } from '../store/directory-format.js';

export type { DirectoryFile, DepartmentEntry, UserEntry, GroupEntry } from '../store/directory-format.js';
export { clearDirectory } from '../store/directory-io.js';

export async function readDirectoryFile(path: string): Promise<DirectoryFile> {
  return JSON.parse(await readFile(path, 'utf8')) as DirectoryFile;
}

/**
 * Replaces the whole directory with the document in one transaction; webhooks stay. Throws a
 * DirectoryError listing every problem when the document does not validate (nothing written).
 */
export async function replaceDirectory(store: Store, data: DirectoryFile | unknown): Promise<void> {
  const outcome = await importDirectory(store, data, { mode: 'replace' });
  if (!outcome.ok) throw new DirectoryError(outcome.problems);
}
