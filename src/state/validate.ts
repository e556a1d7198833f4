/**
 * Validation of a directory document before anything is written: every problem is collected
 * (not only the first), each with the path of the offending value (`users[12].email`), so that
 * an import either lands whole or reports all that is wrong with it.
 *
 * In `merge` mode the document is laid over the stored directory (`base`): an entry whose id is
 * stored changes only the fields it gives, a new id gets the defaults, and every cross-reference
 * (parents, heads, departments of users, group members, unique e-mails...) is checked on the
 * result. The result is the whole directory in full form, ready for the writer.
 */
import { PALETTE } from '../directory/colors.js';
import { ruleMessage, type RuleName } from '../directory/rules.js';
import { emailKey, isCalendarDate, isEmail, isInstant, isOutsider } from '../facts.js';
import {
  ABSENCE_FIELDS, BOT_FIELDS, DEPARTMENT_FIELDS, FORMAT, GENDERS, GROUP_FIELDS, MAX_ID, PHONE_FIELDS, STATUSES,
  TOP_FIELDS, USER_FIELDS, USER_KINDS, VERSION,
  type FullDepartment, type FullDirectory, type FullGroup, type FullUser,
} from '../store/directory-format.js';
import { clock } from '../clock.js';

export type ProblemCode =
  | RuleName
  | 'syntax' // the file is not JSON / not CSV as expected
  | 'format' // not a directory document (format, version, top-level shape)
  | 'unknown_field'
  | 'required'
  | 'type' // a value of the wrong JSON type
  | 'invalid' // a value of the right type that is not allowed (id range, enum, empty name, e-mail shape)
  | 'duplicate_id'
  | 'duplicate_entry'; // the same id twice in one list (a user's departments)

export type PathSegment = string | number;

export interface Problem {
  code: ProblemCode;
  /** where in the document: `['users', 12, 'email']`; empty for problems of stored rows */
  at: PathSegment[];
  /** `at` as text (`users[12].email`), or `stored user 7` for a row of the database */
  path: string;
  message: string;
  /** the position in the source file (`company.json:120`, `users.csv:14 column EMAIL`), when known */
  where?: string;
}

export interface ValidateOptions {
  mode: 'replace' | 'merge';
  /** the stored directory, for `merge` */
  base?: FullDirectory;
  /** the instant defaults of `date_register`/`updated_at` take (ISO), default now */
  now?: string;
}

export interface ValidationResult {
  /** the resulting directory, in full form; only meaningful when `problems` is empty */
  directory: FullDirectory;
  problems: Problem[];
  /** entries the document gave (merge: new or changed) */
  given: { departments: number; users: number; groups: number };
}

export function formatPath(at: readonly PathSegment[]): string {
  let out = '';
  for (const seg of at) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || '(document)';
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const describe = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/** Where an entity came from: the document (its path) or the database. */
interface Origin<T> {
  value: T;
  /** path of the entry in the document; null for stored rows the document did not touch */
  at: PathSegment[] | null;
  /** fields that failed their own check: cross-checks on them would only repeat the problem */
  bad: Set<string>;
  /** id lists as the document wrote them (group members), so that problems point at the right index */
  lists?: Record<string, number[]>;
}

class Problems {
  readonly list: Problem[] = [];
  add(code: ProblemCode, at: PathSegment[], message: string): void {
    this.list.push({ code, at, path: formatPath(at), message });
  }
  /** a problem about an entity that may be stored rather than in the document */
  about(code: ProblemCode, origin: Origin<unknown>, kind: string, id: number, field: PathSegment[], message: string): void {
    if (origin.at) this.add(code, [...origin.at, ...field], message);
    else this.list.push({ code, at: [], path: `stored ${kind} ${id}`, message });
  }
}

/**
 * Reads the fields of one entry: each checker returns the value when present and valid,
 * `undefined` when absent (or invalid, after recording the problem).
 */
class Entry {
  readonly bad = new Set<string>();
  constructor(
    readonly o: Record<string, unknown>,
    readonly at: PathSegment[],
    readonly p: Problems,
    known: ReadonlySet<string>,
  ) {
    for (const key in o) {
      if (!known.has(key)) p.add('unknown_field', [...at, key], `unknown field "${key}" (known: ${[...known].join(', ')})`);
    }
  }

  has(key: string): boolean {
    return this.o[key] !== undefined;
  }

  fail(code: ProblemCode, key: string, message: string): undefined {
    this.bad.add(key);
    this.p.add(code, [...this.at, key], message);
    return undefined;
  }

  required(key: string): void {
    if (!this.has(key)) this.fail('required', key, `${key} is required`);
  }

  id(key: string, nullable = false): number | null | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (v === null && nullable) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      return this.fail('type', key, `${key} must be an integer id${nullable ? ' or null' : ''}, got ${describe(v)}`);
    }
    if (v < 1 || v > MAX_ID) return this.fail('invalid', key, `${key} must be between 1 and ${MAX_ID}, got ${v}`);
    return v;
  }

  int(key: string): number | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > MAX_ID) {
      return this.fail('type', key, `${key} must be an integer, got ${describe(v)}`);
    }
    return v;
  }

  str(key: string, { nonEmpty = false, nullable = false } = {}): string | null | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (v === null && nullable) return null;
    if (typeof v !== 'string') return this.fail('type', key, `${key} must be a string${nullable ? ' or null' : ''}, got ${kindOf(v)}`);
    if (nonEmpty && v.trim() === '') return this.fail('invalid', key, `${key} must not be empty`);
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') return this.fail('type', key, `${key} must be true or false, got ${describe(v)}`);
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return this.fail('type', key, `${key} must be a string, got ${kindOf(v)}`);
    if (!allowed.includes(v as T)) return this.fail('invalid', key, `${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}`);
    return v as T;
  }

  day(key: string, nullable = false): string | null | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (v === null && nullable) return null;
    if (typeof v !== 'string') return this.fail('type', key, `${key} must be a date YYYY-MM-DD${nullable ? ' or null' : ''}, got ${kindOf(v)}`);
    if (!isCalendarDate(v)) return this.fail('bad_date', key, ruleMessage.badDay(key, v));
    return v;
  }

  instant(key: string): string | null | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (typeof v !== 'string') return this.fail('type', key, `${key} must be an ISO 8601 date-time or null, got ${kindOf(v)}`);
    if (!isInstant(v)) {
      return this.fail('bad_date', key, `${key} must be an ISO 8601 date-time such as 2026-11-12T10:14:00Z, got ${describe(v)}`);
    }
    return v;
  }

  ids(key: string): number[] | undefined {
    const v = this.o[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.fail('type', key, `${key} must be an array of ids, got ${kindOf(v)}`);
    const out: number[] = [];
    let ok = true;
    v.forEach((item, i) => {
      if (typeof item !== 'number' || !Number.isInteger(item) || item < 1 || item > MAX_ID) {
        this.p.add('type', [...this.at, key, i], `${key}[${i}] must be a positive integer id, got ${describe(item)}`);
        ok = false;
      } else out.push(item);
    });
    if (!ok) this.bad.add(key);
    return ok ? out : undefined;
  }

  /** Checks that the field, when given, is an object (or null when allowed); true when it is an object. */
  object(key: string, nullable = false): boolean {
    const v = this.o[key];
    if (v === undefined || (v === null && nullable)) return false;
    if (!isObject(v)) {
      this.fail('type', key, `${key} must be an object${nullable ? ' or null' : ''}, got ${kindOf(v)}`);
      return false;
    }
    return true;
  }
}

/** Assigns the fields that are defined: what a document entry changes. */
function assignDefined<T extends object>(target: T, changes: Partial<T>): T {
  for (const k in changes) if (changes[k] !== undefined) target[k] = changes[k] as T[typeof k];
  return target;
}

const KNOWN = {
  department: new Set<string>(DEPARTMENT_FIELDS),
  user: new Set<string>(USER_FIELDS),
  phones: new Set<string>(PHONE_FIELDS),
  absence: new Set<string>(ABSENCE_FIELDS),
  bot: new Set<string>(BOT_FIELDS),
  group: new Set<string>(GROUP_FIELDS),
};

export function validateDirectory(input: unknown, options: ValidateOptions): ValidationResult {
  const p = new Problems();
  const now = options.now ?? new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const base = options.mode === 'merge' ? options.base : undefined;
  const given = { departments: 0, users: 0, groups: 0 };
  const empty: FullDirectory = { format: FORMAT, version: VERSION, departments: [], users: [], groups: [] };

  if (!isObject(input)) {
    p.add('format', [], `a directory document is a JSON object with "departments", "users" and "groups", got ${kindOf(input)}`);
    return { directory: empty, problems: p.list, given };
  }
  for (const key of Object.keys(input)) {
    if (!(TOP_FIELDS as readonly string[]).includes(key)) p.add('unknown_field', [key], `unknown top-level field "${key}" (known: ${TOP_FIELDS.join(', ')})`);
  }
  if (input.format !== undefined && input.format !== FORMAT) p.add('format', ['format'], `format must be "${FORMAT}", got ${describe(input.format)}`);
  if (input.version !== undefined && input.version !== VERSION) p.add('format', ['version'], `version must be ${VERSION}, got ${describe(input.version)}`);
  const list = (key: string): unknown[] => {
    const v = input[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      p.add('type', [key], `${key} must be an array, got ${kindOf(v)}`);
      return [];
    }
    return v;
  };

  const departments = new Map<number, Origin<FullDepartment>>();
  const users = new Map<number, Origin<FullUser>>();
  const groups = new Map<number, Origin<FullGroup>>();
  for (const d of base?.departments ?? []) departments.set(d.id, { value: d, at: null, bad: new Set() });
  for (const u of base?.users ?? []) users.set(u.id, { value: u, at: null, bad: new Set() });
  for (const g of base?.groups ?? []) groups.set(g.id, { value: g, at: null, bad: new Set() });
  const seen = { departments: new Map<number, PathSegment[]>(), users: new Map<number, PathSegment[]>(), groups: new Map<number, PathSegment[]>() };

  /** The entry's id, unless missing, invalid or a repeat (all reported). */
  const entryId = (section: 'departments' | 'users' | 'groups', e: Entry): number | undefined => {
    e.required('id');
    const id = e.id('id') ?? undefined;
    if (id === undefined) return undefined;
    const first = seen[section].get(id);
    if (first) {
      p.add('duplicate_id', [...e.at, 'id'], `id ${id} is already used by ${formatPath(first)}`);
      return undefined;
    }
    seen[section].set(id, e.at);
    return id;
  };

  list('departments').forEach((raw, i) => {
    const at: PathSegment[] = ['departments', i];
    if (!isObject(raw)) return p.add('type', at, `a department must be an object, got ${kindOf(raw)}`);
    const e = new Entry(raw, at, p, KNOWN.department);
    const id = entryId('departments', e);
    const stored = id !== undefined ? departments.get(id)?.value : undefined;
    if (!stored) e.required('name');
    const changes: Partial<FullDepartment> = {
      name: e.str('name', { nonEmpty: true }) ?? undefined,
      parent: e.id('parent', true),
      sort: e.int('sort'),
      head: e.id('head', true),
    };
    if (id === undefined) return;
    given.departments++;
    const value = assignDefined<FullDepartment>(stored ? { ...stored } : { id, name: '', parent: null, sort: 500, head: null }, changes);
    departments.set(id, { value, at, bad: e.bad });
  });

  list('users').forEach((raw, i) => {
    const at: PathSegment[] = ['users', i];
    if (!isObject(raw)) return p.add('type', at, `a user must be an object, got ${kindOf(raw)}`);
    const e = new Entry(raw, at, p, KNOWN.user);
    const id = entryId('users', e);
    const stored = id !== undefined ? users.get(id)?.value : undefined;
    if (!stored) e.required('email');
    // a bot may have no address
    const email = e.str('email', { nonEmpty: !isObject(raw.bot) && !stored?.bot }) ?? undefined;
    if (email !== undefined && email !== '' && !isEmail(email)) e.fail('invalid', 'email', `email must be an e-mail address, got ${describe(email)}`);
    const changes: Partial<FullUser> = {
      login: e.str('login', { nonEmpty: true }) ?? undefined,
      email: e.bad.has('email') ? undefined : email,
      active: e.bool('active'),
      admin: e.bool('admin'),
      type: e.oneOf('type', USER_KINDS),
      external_auth_id: e.str('external_auth_id', { nullable: true }),
      name: e.str('name') ?? undefined,
      last_name: e.str('last_name') ?? undefined,
      second_name: e.str('second_name') ?? undefined,
      work_position: e.str('work_position') ?? undefined,
      gender: e.oneOf('gender', GENDERS),
      birthday: e.day('birthday', true),
      photo: e.str('photo') ?? undefined,
      website: e.str('website') ?? undefined,
      departments: e.ids('departments'),
      status: e.oneOf('status', STATUSES),
      idle_at: e.instant('idle_at'),
      last_activity_at: e.instant('last_activity_at'),
      mobile_last_at: e.instant('mobile_last_at'),
      desktop_last_at: e.instant('desktop_last_at'),
      date_register: e.instant('date_register'),
      updated_at: e.instant('updated_at'),
      password_hash: e.str('password_hash', { nullable: true }),
    };
    if (changes.external_auth_id === '') changes.external_auth_id = null;
    const color = e.str('color', { nullable: true });
    if (typeof color === 'string' && color !== '' && !(color in PALETTE)) {
      e.fail('invalid', 'color', `color must be a palette code (${Object.keys(PALETTE).join(', ')}) or null, got ${describe(color)}`);
    } else if (color !== undefined) changes.color = color === '' ? null : color;

    let phones: Partial<FullUser['phones']> | undefined;
    if (e.object('phones') && isObject(raw.phones)) {
      const pe = new Entry(raw.phones, [...at, 'phones'], p, KNOWN.phones);
      phones = { work: pe.str('work') ?? undefined, mobile: pe.str('mobile') ?? undefined, personal: pe.str('personal') ?? undefined };
    }

    let absences: FullUser['absences'] | undefined;
    if (raw.absences !== undefined) {
      if (!Array.isArray(raw.absences)) e.fail('type', 'absences', `absences must be an array, got ${kindOf(raw.absences)}`);
      else {
        absences = [];
        raw.absences.forEach((a, j) => {
          const aat = [...at, 'absences', j];
          if (!isObject(a)) return p.add('type', aat, `an absence must be an object {from, to, reason}, got ${kindOf(a)}`);
          const ae = new Entry(a, aat, p, KNOWN.absence);
          ae.required('from');
          ae.required('to');
          const from = ae.day('from');
          const to = ae.day('to');
          const reason = ae.str('reason') ?? '';
          if (from && to && from > to) ae.fail('bad_date', 'to', `the absence ends (${to}) before it starts (${from})`);
          if (from && to) absences!.push({ from, to, reason });
        });
      }
    }

    let bot: FullUser['bot'] | undefined;
    if (raw.bot === null) bot = null;
    else if (e.object('bot', true) && isObject(raw.bot)) {
      const be = new Entry(raw.bot, [...at, 'bot'], p, KNOWN.bot);
      be.required('code');
      const code = be.str('code', { nonEmpty: true });
      const b = { type: be.str('type', { nonEmpty: true }), app_id: be.str('app_id'), openline: be.bool('openline'), hidden: be.bool('hidden') };
      if (typeof code === 'string') bot = { code, type: b.type ?? 'bot', app_id: b.app_id ?? '', openline: b.openline ?? false, hidden: b.hidden ?? false };
      if (be.bad.size) e.bad.add('bot');
    }

    if (id === undefined) return;
    given.users++;
    let value: FullUser;
    if (stored) {
      value = assignDefined<FullUser>({ ...stored, phones: { ...stored.phones, ...defined(phones) } }, changes);
      if (changes.updated_at === undefined) value.updated_at = now;
    } else {
      value = assignDefined<FullUser>(
        {
          id, login: changes.email ?? '', email: '', active: true, admin: false, type: 'employee', external_auth_id: null,
          name: '', last_name: '', second_name: '', work_position: '', gender: '', birthday: null, photo: '',
          phones: { work: '', mobile: '', personal: '', ...defined(phones) }, website: '', departments: [], status: 'online',
          color: null, idle_at: null, last_activity_at: null, mobile_last_at: null, desktop_last_at: null, date_register: now,
          updated_at: now, absences: [], bot: null, password_hash: null,
        },
        changes,
      );
    }
    if (absences !== undefined) value.absences = absences;
    if (bot !== undefined) {
      value.bot = bot;
      // bot data makes a bot; taking it away makes an ordinary user, unless the entry says otherwise
      if (changes.external_auth_id === undefined) {
        if (bot) value.external_auth_id = 'bot';
        else if (value.external_auth_id === 'bot') value.external_auth_id = null;
      }
    }
    if (value.date_register === null) value.date_register = now;
    if (value.updated_at === null) value.updated_at = now;
    users.set(id, { value, at, bad: e.bad });
  });

  list('groups').forEach((raw, i) => {
    const at: PathSegment[] = ['groups', i];
    if (!isObject(raw)) return p.add('type', at, `a group must be an object, got ${kindOf(raw)}`);
    const e = new Entry(raw, at, p, KNOWN.group);
    const id = entryId('groups', e);
    const stored = id !== undefined ? groups.get(id)?.value : undefined;
    if (!stored) {
      e.required('name');
      e.required('owner');
    }
    const changes: Partial<FullGroup> = {
      name: e.str('name', { nonEmpty: true }) ?? undefined,
      description: e.str('description') ?? undefined,
      owner: e.id('owner') ?? undefined,
      active: e.bool('active'),
      date_create: e.instant('date_create'),
      members: e.ids('members'),
      moderators: e.ids('moderators'),
    };
    if (id === undefined) return;
    given.groups++;
    const value = assignDefined<FullGroup>(
      stored ? { ...stored } : { id, name: '', description: '', owner: 0, active: true, date_create: now, members: [], moderators: [] },
      changes,
    );
    if (value.date_create === null) value.date_create = now;
    value.moderators = [...new Set(value.moderators)].sort((a, b) => a - b);
    value.members = [...new Set([...value.members, value.owner, ...value.moderators])].filter((m) => m > 0).sort((a, b) => a - b);
    groups.set(id, { value, at, bad: e.bad, lists: { members: changes.members ?? [], moderators: changes.moderators ?? [] } });
  });

  crossCheck(p, departments, users, groups);

  const byId = <T extends { id: number }>(m: Map<number, Origin<T>>) => [...m.values()].map((o) => o.value).sort((a, b) => a.id - b.id);
  return {
    directory: { format: FORMAT, version: VERSION, departments: byId(departments), users: byId(users), groups: byId(groups) },
    problems: p.list,
    given,
  };
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Stored rows first, so that a clash between a stored row and a document entry is reported at the entry. */
function storedFirst<T>(m: Map<number, Origin<T>>): [number, Origin<T>][] {
  const all = [...m.entries()];
  return [...all.filter(([, o]) => o.at === null), ...all.filter(([, o]) => o.at !== null)];
}

function crossCheck(
  p: Problems,
  departments: Map<number, Origin<FullDepartment>>,
  users: Map<number, Origin<FullUser>>,
  groups: Map<number, Origin<FullGroup>>,
): void {
  // the tree: one root, known parents, no cycles
  const roots: [number, Origin<FullDepartment>][] = [];
  for (const [id, o] of storedFirst(departments)) {
    const d = o.value;
    if (o.bad.has('parent')) continue;
    if (d.parent === null) roots.push([id, o]);
    else if (!departments.has(d.parent)) p.about('unknown_parent', o, 'department', id, ['parent'], ruleMessage.unknownParent(d.parent));
  }
  if (departments.size > 0 && roots.length === 0) {
    p.add('root', ['departments'], 'there is no top-level department (one department must have "parent": null)');
  }
  for (const [id, o] of roots.slice(1)) {
    p.about('root', o, 'department', id, ['parent'], ruleMessage.secondRoot(id, roots[0]![0]));
  }
  const state = new Map<number, 1 | 2>(); // 1: on the current walk, 2: done
  for (const start of departments.keys()) {
    const walk: number[] = [];
    let id: number | null = start;
    while (id !== null && !state.has(id) && departments.has(id)) {
      state.set(id, 1);
      walk.push(id);
      const o: Origin<FullDepartment> = departments.get(id)!;
      id = o.bad.has('parent') ? null : o.value.parent;
    }
    if (id !== null && state.get(id) === 1) {
      const cycle = walk.slice(walk.indexOf(id));
      const reportAt = cycle.find((c) => departments.get(c)!.at) ?? cycle[0]!;
      p.about('cycle', departments.get(reportAt)!, 'department', reportAt, ['parent'], ruleMessage.cycle([...cycle, id]));
    }
    for (const w of walk) state.set(w, 2);
  }

  // users: unique e-mails, logins and bot codes; known departments
  const emails = new Map<string, number>();
  const logins = new Map<string, number>();
  const botCodes = new Map<string, number>();
  for (const [id, o] of storedFirst(users)) {
    const u = o.value;
    const key = emailKey(u.email, u.bot?.code);
    let sameEmail = false;
    if (!o.bad.has('email')) {
      const other = emails.get(key);
      sameEmail = other !== undefined;
      if (other !== undefined) p.about('duplicate_email', o, 'user', id, ['email'], ruleMessage.duplicateEmail(u.email, other));
      else emails.set(key, id);
    }
    // a login that is the e-mail repeats the e-mail's problem
    if (!o.bad.has('login') && u.login !== '' && !(sameEmail && u.login.toLowerCase() === key)) {
      const other = logins.get(u.login);
      if (other !== undefined) p.about('duplicate_login', o, 'user', id, ['login'], ruleMessage.duplicateLogin(u.login, other));
      else logins.set(u.login, id);
    }
    if (u.bot && !o.bad.has('bot')) {
      const other = botCodes.get(u.bot.code);
      if (other !== undefined) p.about('duplicate_bot_code', o, 'user', id, ['bot', 'code'], ruleMessage.duplicateBotCode(u.bot.code, other));
      else botCodes.set(u.bot.code, id);
    }
    if (o.bad.has('departments')) continue;
    const listed = new Set<number>();
    u.departments.forEach((d, j) => {
      if (listed.has(d)) p.about('duplicate_entry', o, 'user', id, ['departments', j], `department ${d} is listed twice`);
      listed.add(d);
      if (!departments.has(d)) p.about('unknown_department', o, 'user', id, ['departments', j], ruleMessage.unknownDepartment(d));
    });
    if (isOutsider(u.type) && u.departments.length && !o.bad.has('type')) {
      p.about('extranet_department', o, 'user', id, ['departments'], ruleMessage.outsiderDepartment(u.type));
    }
  }

  // heads: known, active intranet users, members of the department they head
  for (const [id, o] of departments) {
    const head = o.value.head;
    if (head === null || o.bad.has('head')) continue;
    const user = users.get(head);
    if (!user) {
      p.about('unknown_head', o, 'department', id, ['head'], ruleMessage.unknownHead(head));
      continue;
    }
    /** at the department when the document gave it (or the user is stored), else at the user's entry */
    const report = (code: ProblemCode, userField: string, message: string) => {
      if (o.at || !user.at) p.about(code, o, 'department', id, ['head'], message);
      else p.about(code, user, 'user', head, [userField], message);
    };
    if (isOutsider(user.value.type) && !user.bad.has('type')) {
      report('extranet_head', 'type', ruleMessage.outsiderHead(head, user.value.type, id));
      continue;
    }
    if (!user.value.active && !user.bad.has('active')) report('head_inactive', 'active', ruleMessage.headInactive(head, id));
    if (user.bad.has('departments') || user.value.departments.includes(id)) continue;
    report('head_not_member', 'departments', ruleMessage.headNotMember(head, id));
  }

  // groups: known owner and members
  for (const [id, o] of groups) {
    const g = o.value;
    if (!o.bad.has('owner') && !users.has(g.owner)) p.about('unknown_owner', o, 'group', id, ['owner'], ruleMessage.unknownOwner(g.owner));
    // stored members are stored users (a merge never removes users): only the document's lists can be wrong
    for (const key of ['members', 'moderators'] as const) {
      (o.lists?.[key] ?? []).forEach((m, j) => {
        if (!users.has(m)) p.about('unknown_member', o, 'group', id, [key, j], ruleMessage.unknownMember(m, key === 'members' ? 'member' : 'moderator'));
      });
    }
  }
}
