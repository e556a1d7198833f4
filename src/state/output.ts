/**
 * Writing a directory to disk: a JSON document, or a folder of CSV files (users.csv,
 * departments.csv, groups.csv). Files are written whole to a temporary name and renamed, so a
 * reader never sees half a directory.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { directoryToCsv } from './csv.js';
import type { FullDirectory } from '../store/directory-format.js';
import { directoryToJson } from './serialize.js';

export type OutputFormat = 'json' | 'csv';

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}

/** Writes the directory; returns the files written. */
export async function writeDirectoryOutput(dir: FullDirectory, format: OutputFormat, out: string): Promise<string[]> {
  if (format === 'json') {
    await writeFileAtomic(out, directoryToJson(dir));
    return [out];
  }
  const files = directoryToCsv(dir);
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
