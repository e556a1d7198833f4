/**
 * Writing a directory to disk: a JSON document, or a folder of CSV files (users.csv,
 * departments.csv, groups.csv). Files are written whole to a temporary name and renamed, so a
 * reader never sees half a directory. Secrets (password hashes) are left out unless asked for,
 * and every file is readable by its owner only (0600), the temporary one included.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { directoryToCsv } from './csv.js';
import type { DirectoryFile, FullDirectory } from '../store/directory-format.js';
import { directoryToJson } from './serialize.js';

export type OutputFormat = 'json' | 'csv';

/** Whether an export carries secrets: password hashes only with `--with-secrets` (or the admin endpoint's `with_secrets`). */
export interface SecretsOption {
  secrets?: boolean;
}

/** The document without password hashes: the key is left out (not null), so an import does not read it as "no password". */
export function withoutSecrets(dir: FullDirectory): DirectoryFile {
  return { ...dir, users: dir.users.map(({ password_hash: _secret, ...user }) => user) };
}

/** The JSON text of an export. */
export function directoryJson(dir: FullDirectory, o: SecretsOption = {}): string {
  return directoryToJson(o.secrets ? dir : withoutSecrets(dir));
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  // a fresh file (never one left over, whose mode would stay), created owner-only
  await rm(temporary, { force: true });
  await writeFile(temporary, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
  await rename(temporary, path);
}

/** Writes the directory; returns the files written. */
export async function writeDirectoryOutput(dir: FullDirectory, format: OutputFormat, out: string, o: SecretsOption = {}): Promise<string[]> {
  if (format === 'json') {
    await writeFileAtomic(out, directoryJson(dir, o));
    return [out];
  }
  const files = directoryToCsv(dir, o);
  const written: string[] = [];
  for (const kind of ['departments', 'users', 'groups'] as const) {
    const path = join(out, `${kind}.csv`);
    await writeFileAtomic(path, files[kind]);
    written.push(path);
  }
  return written;
}

export function summary(dir: FullDirectory): string {
  const bots = dir.users.filter((u) => u.bot).length;
  const extranet = dir.users.filter((u) => u.type !== 'employee').length;
  return `${dir.departments.length} departments, ${dir.users.length} users (${bots} bots, ${extranet} extranet), ${dir.groups.length} groups`;
}
