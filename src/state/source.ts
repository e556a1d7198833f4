/**
 * Reading directory files: a JSON document, or CSV files (users, departments, groups; a folder
 * holding users.csv / departments.csv / groups.csv works too). The result is one document for
 * validation plus a way to name the file and line of each problem.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { csvEntries, csvKind, csvWhere, type CsvKind, type CsvSource } from './csv.js';
import { FORMAT, VERSION } from '../store/directory-format.js';
import { lineNumbers } from './json-lines.js';
import type { Problem } from './validate.js';

export interface DirectorySource {
  /** the document to validate */
  document: unknown;
  /** problems found while reading (syntax): when there are any, do not validate */
  problems: Problem[];
  /** informational notes (CSV columns that are ignored) */
  notes: string[];
  /** fills in `where` (file and line) on problems */
  locate(problems: Problem[]): void;
  /** the files read, for messages */
  files: string[];
}

/** A JSON text as a source; `name` is how messages call it. */
export function jsonSource(text: string, name: string): DirectorySource {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    return {
      document: undefined,
      problems: [{ code: 'syntax', at: [], path: name, message: `not valid JSON: ${message}`, where: line ? `${name}:${line}` : name }],
      notes: [],
      locate: () => {},
      files: [name],
    };
  }
  return {
    document,
    problems: [],
    notes: [],
    files: [name],
    locate(problems) {
      const located = problems.filter((p) => p.at.length && !p.where);
      if (located.length === 0) return;
      const lines = lineNumbers(text, located.map((p) => p.at));
      for (const p of located) {
        const line = lines.get(p.path);
        p.where = line ? `${name}:${line}` : name;
      }
    },
  };
}

/** CSV texts (at most one per kind) as a source. A file's kind comes from `kind` or its header. */
export function csvSource(files: { text: string; name: string; kind?: CsvKind }[]): DirectorySource {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const document: Record<string, unknown> = { format: FORMAT, version: VERSION };
  const sources: { source: CsvSource; name: string }[] = [];
  for (const f of files) {
    const firstLine = f.text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    const kind = f.kind ?? csvKind(firstLine.split(/[,;\t]/).map((h) => h.trim().replace(/^"|"$/g, '')));
    if (!kind) {
      problems.push({ code: 'syntax', at: [], path: f.name, message: 'cannot tell from the header whether this is a users, departments or groups file (no EMAIL, PARENT/UF_HEAD or OWNER_ID column)', where: `${f.name}:1` });
      continue;
    }
    if (document[kind]) {
      problems.push({ code: 'syntax', at: [], path: f.name, message: `a second ${kind} file`, where: f.name });
      continue;
    }
    const source = csvEntries(kind, f.text, f.name);
    problems.push(...source.problems);
    if (source.ignored.length) notes.push(`${f.name}: columns not read: ${source.ignored.join(', ')}`);
    document[kind] = source.entries;
    sources.push({ source, name: f.name });
  }
  return {
    document,
    problems,
    notes,
    files: files.map((f) => f.name),
    locate(list) {
      for (const p of list) {
        if (p.where) continue;
        for (const { source, name } of sources) {
          const where = csvWhere(source, name, p.at);
          if (where) {
            p.where = where;
            break;
          }
        }
      }
    },
  };
}

export interface SourceFiles {
  /** a JSON document, a CSV file, or a folder with users.csv / departments.csv / groups.csv */
  main: string;
  departments?: string;
  groups?: string;
}

/** Reads the files of an import: JSON by content, CSV by extension (or a folder of CSV files). */
export async function readSource(files: SourceFiles): Promise<DirectorySource> {
  const info = await stat(files.main);
  if (info.isDirectory()) {
    const found: { text: string; name: string; kind: CsvKind }[] = [];
    for (const kind of ['departments', 'users', 'groups'] as const) {
      const path = join(files.main, `${kind}.csv`);
      try {
        found.push({ text: await readFile(path, 'utf8'), name: path, kind });
      } catch {
        // a folder may hold only some of the files
      }
    }
    if (found.length === 0) throw new Error(`${files.main} holds none of users.csv, departments.csv, groups.csv`);
    return csvSource(found);
  }
  const text = await readFile(files.main, 'utf8');
  if (!/\.(csv|tsv)$/i.test(files.main)) {
    if (files.departments || files.groups) throw new Error('--departments and --groups go with a CSV file, not a JSON document');
    return jsonSource(text, files.main);
  }
  const list: { text: string; name: string; kind?: CsvKind }[] = [{ text, name: files.main }];
  if (files.departments) list.push({ text: await readFile(files.departments, 'utf8'), name: files.departments, kind: 'departments' });
  if (files.groups) list.push({ text: await readFile(files.groups, 'utf8'), name: files.groups, kind: 'groups' });
  return csvSource(list);
}
