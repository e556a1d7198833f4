/**
 * The CSV forms of the directory, one file per kind, as spreadsheets export them: a header row
 * with Bitrix24-like column names (ID, EMAIL, NAME, LAST_NAME, UF_DEPARTMENT as `1;5`, ...),
 * then one row per user, department or group. docs/IMPORT.md lists every column.
 *
 * Reading turns cells into a directory document (validation then checks it like JSON, and the
 * row and column of each problem are kept); writing turns the canonical document into CSV.
 */
import type { FullDirectory } from '../store/directory-format.js';
import type { PathSegment, Problem } from './validate.js';
import { formatPath } from './validate.js';

export type CsvKind = 'users' | 'departments' | 'groups';

// ---------------------------------------------------------------------------------------------
// RFC 4180 text

export interface CsvTable {
  header: string[];
  /** the cells of each record, with the line the record starts on */
  rows: { line: number; cells: string[] }[];
  delimiter: string;
}

/** Parses CSV: quoted cells with doubled quotes and line breaks, CRLF or LF, a UTF-8 BOM, `,` `;` or tab. */
export function parseCsv(text: string): { table: CsvTable; problems: { line: number; message: string }[] } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  const delimiter = counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
  const records: { line: number; cells: string[] }[] = [];
  const problems: { line: number; message: string }[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (;;) {
      if (i >= text.length) {
        if (quoted) problems.push({ line: start, message: 'a quoted cell is not closed before the end of the file' });
        cells.push(cell);
        break;
      }
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === '\n') line++;
          cell += c;
          i++;
        }
      } else if (c === '"' && cell === '') {
        quoted = true;
        i++;
      } else if (c === delimiter) {
        cells.push(cell);
        cell = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        cells.push(cell);
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      } else {
        cell += c;
        i++;
      }
    }
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells: cells.map(readCell) }); // blank lines
  }
  const [head, ...rows] = records;
  return { table: { header: (head?.cells ?? []).map((h) => h.trim()), rows, delimiter }, problems };
}

/**
 * Spreadsheet formulas (OWASP, CSV injection): a cell starting with `=`, `+`, `-`, `@`, tab or CR
 * is written with a leading apostrophe, which spreadsheets take as "this is text". So is a value
 * that starts with an apostrophe followed by one of those or by another apostrophe, so that
 * reading can always take exactly one apostrophe off such a cell: every value reads back as it was.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED = /^'[=+\-@\t\r']/;

export function neutralizeCell(v: string): string {
  return FORMULA_START.test(v) || ESCAPED.test(v) ? `'${v}` : v;
}

/** The value of a cell `neutralizeCell` wrote (or a spreadsheet user prefixed by hand). */
export function readCell(v: string): string {
  return ESCAPED.test(v) ? v.slice(1) : v;
}

export function writeCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const quote = (v: string) => (/[",;\t\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const cell = (v: string) => quote(neutralizeCell(v));
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Columns

type Cell = 'text' | 'nonEmpty' | 'nullable' | 'id' | 'nullableId' | 'int' | 'flag' | 'ids' | 'day' | 'absences';

interface Column {
  name: string;
  /** where the value goes in the entry */
  field: readonly string[];
  cell: Cell;
}

const col = (name: string, field: string | readonly string[], cell: Cell): Column => ({ name, field: typeof field === 'string' ? [field] : field, cell });

export const USER_COLUMNS: readonly Column[] = [
  col('ID', 'id', 'id'),
  col('LOGIN', 'login', 'nonEmpty'),
  col('EMAIL', 'email', 'nonEmpty'),
  col('ACTIVE', 'active', 'flag'),
  col('ADMIN', 'admin', 'flag'),
  col('USER_TYPE', 'type', 'nonEmpty'),
  col('EXTERNAL_AUTH_ID', 'external_auth_id', 'nullable'),
  col('NAME', 'name', 'text'),
  col('LAST_NAME', 'last_name', 'text'),
  col('SECOND_NAME', 'second_name', 'text'),
  col('WORK_POSITION', 'work_position', 'text'),
  col('PERSONAL_GENDER', 'gender', 'text'),
  col('PERSONAL_BIRTHDAY', 'birthday', 'day'),
  col('PERSONAL_PHOTO', 'photo', 'text'),
  col('WORK_PHONE', ['phones', 'work'], 'text'),
  col('PERSONAL_MOBILE', ['phones', 'mobile'], 'text'),
  col('PERSONAL_PHONE', ['phones', 'personal'], 'text'),
  col('PERSONAL_WWW', 'website', 'text'),
  col('UF_DEPARTMENT', 'departments', 'ids'),
  col('STATUS', 'status', 'nonEmpty'),
  col('COLOR', 'color', 'nullable'),
  col('IDLE', 'idle_at', 'nullable'),
  col('LAST_ACTIVITY_DATE', 'last_activity_at', 'nullable'),
  col('MOBILE_LAST_DATE', 'mobile_last_at', 'nullable'),
  col('DESKTOP_LAST_DATE', 'desktop_last_at', 'nullable'),
  col('DATE_REGISTER', 'date_register', 'nullable'),
  col('TIMESTAMP_X', 'updated_at', 'nullable'),
  col('ABSENCES', 'absences', 'absences'),
  col('BOT_CODE', ['bot', 'code'], 'nonEmpty'),
  col('BOT_TYPE', ['bot', 'type'], 'nonEmpty'),
  col('BOT_APP_ID', ['bot', 'app_id'], 'text'),
  col('BOT_OPENLINE', ['bot', 'openline'], 'flag'),
  col('BOT_HIDDEN', ['bot', 'hidden'], 'flag'),
  col('PASSWORD_HASH', 'password_hash', 'nullable'),
];

export const DEPARTMENT_COLUMNS: readonly Column[] = [
  col('ID', 'id', 'id'),
  col('NAME', 'name', 'nonEmpty'),
  col('PARENT', 'parent', 'nullableId'),
  col('SORT', 'sort', 'int'),
  col('UF_HEAD', 'head', 'nullableId'),
];

export const GROUP_COLUMNS: readonly Column[] = [
  col('ID', 'id', 'id'),
  col('NAME', 'name', 'nonEmpty'),
  col('DESCRIPTION', 'description', 'text'),
  col('OWNER_ID', 'owner', 'id'),
  col('ACTIVE', 'active', 'flag'),
  col('DATE_CREATE', 'date_create', 'nullable'),
  col('MEMBERS', 'members', 'ids'),
  col('MODERATORS', 'moderators', 'ids'),
];

export const COLUMNS: Record<CsvKind, readonly Column[]> = { users: USER_COLUMNS, departments: DEPARTMENT_COLUMNS, groups: GROUP_COLUMNS };

/** Which file this is, from its header: departments have PARENT or UF_HEAD, groups OWNER_ID, users EMAIL. */
export function csvKind(header: readonly string[]): CsvKind | undefined {
  const h = new Set(header.map((c) => c.toUpperCase()));
  if (h.has('OWNER_ID') || h.has('MEMBERS')) return 'groups';
  if (h.has('EMAIL') || h.has('UF_DEPARTMENT') || h.has('LAST_NAME')) return 'users';
  if (h.has('PARENT') || h.has('UF_HEAD')) return 'departments';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading

const FLAGS: Record<string, boolean> = { y: true, yes: true, true: true, 1: true, n: false, no: false, false: false, 0: false };

/** `1990-05-11` as is; `11.05.1990` (how spreadsheets in many locales write dates) turned around. */
function day(v: string): string {
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v.trim());
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : v.trim();
}

const intOrRaw = (v: string): number | string => (/^\s*-?\d+\s*$/.test(v) ? Number(v) : v);

/** `2027-03-01..2027-03-31 Vacation; 2027-06-01..2027-06-02` (`\;` and `\\` escape in reasons). */
export function parseAbsences(v: string): { items: { from: string; to: string; reason: string }[]; bad: string[] } {
  const items: { from: string; to: string; reason: string }[] = [];
  const bad: string[] = [];
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) current += v[++i];
    else if (c === ';') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  for (const part of parts) {
    const s = part.replace(/^\s+/, '');
    if (s.trim() === '') continue;
    const m = /^(\S+)\.\.(\S+)(?: (.*))?$/.exec(s);
    if (!m) bad.push(part.trim());
    else items.push({ from: day(m[1]!), to: day(m[2]!), reason: m[3] ?? '' });
  }
  return { items, bad };
}

export function formatAbsences(list: readonly { from: string; to: string; reason: string }[]): string {
  return list.map((a) => `${a.from}..${a.to}${a.reason ? ` ${a.reason.replace(/[\\;]/g, (c) => `\\${c}`)}` : ''}`).join('; ');
}

export interface CsvSource {
  kind: CsvKind;
  /** the entries, as a directory document section */
  entries: Record<string, unknown>[];
  /** the line of each entry's record */
  lines: number[];
  columns: Map<string, string>;
  /** problems of the text itself (columns, quoting) */
  problems: Problem[];
  /** columns the file has that Roster does not read */
  ignored: string[];
}

/** Turns a CSV table into entries of the given kind; cells that do not convert stay strings for validation to name. */
export function csvEntries(kind: CsvKind, text: string, file: string): CsvSource {
  const { table, problems: textProblems } = parseCsv(text);
  const problems: Problem[] = textProblems.map((p) => ({ code: 'syntax', at: [], path: file, message: p.message, where: `${file}:${p.line}` }));
  const columns = COLUMNS[kind];
  const index = new Map<number, Column>();
  const ignored: string[] = [];
  const seen = new Set<string>();
  table.header.forEach((name, i) => {
    const column = columns.find((c) => c.name === name.toUpperCase());
    if (!column) return void (name !== '' && ignored.push(name));
    if (seen.has(column.name)) {
      problems.push({ code: 'syntax', at: [], path: file, message: `column ${column.name} appears twice in the header`, where: `${file}:1` });
      return;
    }
    seen.add(column.name);
    index.set(i, column);
  });
  if (!seen.has('ID')) problems.push({ code: 'syntax', at: [], path: file, message: 'the header has no ID column', where: `${file}:1` });
  const entries: Record<string, unknown>[] = [];
  const lines: number[] = [];
  for (const row of table.rows) {
    const n = entries.length;
    if (row.cells.length !== table.header.length) {
      problems.push({
        code: 'syntax',
        at: [kind, n],
        path: formatPath([kind, n]),
        message: `the record has ${row.cells.length} cells, the header ${table.header.length}`,
        where: `${file}:${row.line}`,
      });
    }
    const entry: Record<string, unknown> = {};
    const set = (field: readonly string[], value: unknown) => {
      let target = entry;
      for (const key of field.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
      target[field.at(-1)!] = value;
    };
    for (const [i, column] of index) {
      const v = row.cells[i] ?? '';
      switch (column.cell) {
        case 'text':
          set(column.field, v);
          break;
        case 'nonEmpty':
          if (v !== '') set(column.field, v);
          break;
        case 'nullable':
          set(column.field, v === '' ? null : v);
          break;
        case 'id':
          if (v.trim() !== '') set(column.field, intOrRaw(v));
          break;
        case 'int':
          if (v.trim() !== '') set(column.field, intOrRaw(v));
          break;
        case 'nullableId':
          set(column.field, v.trim() === '' || v.trim() === '0' ? null : intOrRaw(v));
          break;
        case 'flag':
          if (v.trim() !== '') set(column.field, FLAGS[v.trim().toLowerCase()] ?? v);
          break;
        case 'day':
          set(column.field, v.trim() === '' ? null : day(v));
          break;
        case 'ids':
          set(column.field, v.trim() === '' ? [] : v.split(/[;,]/).map((s) => intOrRaw(s.trim())));
          break;
        case 'absences': {
          const { items, bad } = parseAbsences(v);
          set(column.field, items);
          for (const b of bad) {
            problems.push({
              code: 'bad_date',
              at: [kind, n, 'absences'],
              path: formatPath([kind, n, 'absences']),
              message: `absence "${b}" must be written FROM..TO[ reason], such as 2027-03-01..2027-03-31 Vacation`,
              where: `${file}:${row.line} column ABSENCES`,
            });
          }
          break;
        }
      }
    }
    // the bot columns describe one object: no BOT_CODE, no bot
    if (kind === 'users' && seen.has('BOT_CODE')) {
      const bot = entry.bot as Record<string, unknown> | undefined;
      if (!bot || bot.code === undefined) entry.bot = null;
    }
    entries.push(entry);
    lines.push(row.line);
  }
  return { kind, entries, lines, columns: new Map(columns.map((c) => [c.field.join('.'), c.name])), problems, ignored };
}

/** `users.csv:14 column EMAIL` for a path inside the CSV's entries. */
export function csvWhere(source: CsvSource, file: string, at: readonly PathSegment[]): string | undefined {
  if (at[0] !== source.kind || typeof at[1] !== 'number') return undefined;
  const line = source.lines[at[1]];
  if (line === undefined) return undefined;
  const rest = at.slice(2).filter((s): s is string => typeof s === 'string');
  for (let n = rest.length; n > 0; n--) {
    const column = source.columns.get(rest.slice(0, n).join('.'));
    if (column) return `${file}:${line} column ${column}`;
  }
  return `${file}:${line}`;
}

// ---------------------------------------------------------------------------------------------
// Writing

const yn = (v: boolean) => (v ? 'Y' : 'N');
const str = (v: string | null) => v ?? '';

/** The three CSV files; PASSWORD_HASH only with `secrets` (without it the column is left out, not empty). */
export function directoryToCsv(dir: FullDirectory, o: { secrets?: boolean } = {}): Record<CsvKind, string> {
  const keep = USER_COLUMNS.map((c) => o.secrets || c.name !== 'PASSWORD_HASH');
  const userColumns = <T>(row: T[]) => row.filter((_, i) => keep[i]);
  return {
    users: writeCsv(
      userColumns(USER_COLUMNS.map((c) => c.name)),
      dir.users.map((u) => userColumns([
        String(u.id), u.login, u.email, yn(u.active), yn(u.admin), u.type, str(u.external_auth_id), u.name, u.last_name, u.second_name,
        u.work_position, u.gender, str(u.birthday), u.photo, u.phones.work, u.phones.mobile, u.phones.personal, u.website,
        u.departments.join(';'), u.status, str(u.color), str(u.idle_at), str(u.last_activity_at), str(u.mobile_last_at),
        str(u.desktop_last_at), str(u.date_register), str(u.updated_at), formatAbsences(u.absences), u.bot?.code ?? '',
        u.bot?.type ?? '', u.bot?.app_id ?? '', u.bot ? yn(u.bot.openline) : '', u.bot ? yn(u.bot.hidden) : '', str(u.password_hash),
      ])),
    ),
    departments: writeCsv(
      DEPARTMENT_COLUMNS.map((c) => c.name),
      dir.departments.map((d) => [String(d.id), d.name, d.parent === null ? '' : String(d.parent), String(d.sort), d.head === null ? '' : String(d.head)]),
    ),
    groups: writeCsv(
      GROUP_COLUMNS.map((c) => c.name),
      dir.groups.map((g) => [String(g.id), g.name, g.description, String(g.owner), yn(g.active), str(g.date_create), g.members.join(';'), g.moderators.join(';')]),
    ),
  };
}
