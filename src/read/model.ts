/**
 * The read model (issue #11): the directory's read side held in memory by every server, loaded
 * from the store at start and kept current by the change feed, so that lookups are answered
 * without a statement, and messenger user objects from bytes serialized once.
 *
 * How it stays current: each change record marks what it touched (users, departments, groups,
 * or everything); a flush reloads exactly those rows from the store and then swaps them in, all
 * in one synchronous step. Reloading the rows rather than interpreting the record's fields makes
 * applying idempotent (a record that is already reflected, as after a rebuild, changes nothing)
 * and keeps one definition of what a change does: the store's.
 *
 * Why a request sees one version: entries are immutable (a change replaces the entry, never
 * edits it), a flush swaps all its reloaded rows in within one synchronous step, and the memory
 * path reads the model synchronously from the first lookup to the last, so no flush can run in
 * between. `version` counts the swaps; derived indexes (the department tree, members by
 * department) are rebuilt lazily for the version they serve.
 *
 * Read-your-writes: the write path awaits `app.afterWrite`, which catches the feed up and then
 * awaits `settle()`, so the answer to a write leaves after the model holds it. Other processes'
 * changes arrive through the feed's NOTIFY/polling and are flushed at once.
 */
import type { ChangeFeed, ChangeRecord, FeedReset } from '../directory/feed.js';
import { colleaguesFrom } from '../directory/colleagues.js';
import { DepartmentTree } from '../directory/tree.js';
import { presentImUser, type PresentOptions } from '../directory/user-object.js';
import type { Store } from '../store/index.js';
import { UserSearchIndex } from './search.js';
import {
  allDepartments,
  groupIdsOfUsers,
  loadStoredGroups,
  loadStoredUsers,
  type DepartmentRow,
  type GroupRow,
  type MemberRow,
  type StoredUser,
} from '../store/read-model.js';
import type { UserRecord } from '../store/users.js';
import type { Viewer } from '../store/visibility.js';

/** One user as the model holds it: never mutated, replaced on change (`json` is a memo of its serializations). */
export interface UserEntry extends StoredUser {
  /** serialized im user objects by variant; dropped by the LRU of --cache-users */
  json?: Map<string, string>;
}

/** The server's logger (pino's shape). */
export interface ReadModelLog {
  warn(obj: object, message: string): void;
}

export interface ReadModelOptions {
  /** most users whose serialized objects are kept (LRU); 0 keeps none */
  cacheUsers: number;
  log: () => ReadModelLog;
  /** how long to wait before retrying a flush the store failed */
  retryMs?: number;
}

/** What a change record touched. */
interface Dirty {
  full: boolean;
  users: Set<number>;
  departments: boolean;
  groups: Set<number>;
  /** users whose group memberships went away with them: their groups are reloaded */
  usersLeavingGroups: Set<number>;
  /** departments deleted: their members' links are reloaded */
  departmentsDeleted: Set<number>;
  /** the newest change this covers */
  seq: number;
}

const emptyDirty = (): Dirty => ({
  full: false,
  users: new Set(),
  departments: false,
  groups: new Set(),
  usersLeavingGroups: new Set(),
  departmentsDeleted: new Set(),
  seq: 0,
});

export interface ReadModelStats {
  users: number;
  departments: number;
  groups: number;
  /** a rough size of what the model holds: rows and serialized objects */
  bytes: number;
  loadMs: number;
}

export class ReadModel {
  private users = new Map<number, UserEntry>();
  private departmentRows: DepartmentRow[] = [];
  private groups = new Map<number, GroupRow>();
  private members = new Map<number, MemberRow[]>();
  private groupsOfUser = new Map<number, number[]>();
  private derived: {
    version: number;
    tree?: DepartmentTree;
    activeByDepartment?: Map<number, number[]>;
    search?: UserSearchIndex;
    /** search answers (ascending ids, never handed out to be changed) by viewer and words */
    searches?: Map<string, readonly number[]>;
    /** what the list evaluators of src/read/ derive from this version (`memo`) */
    memos?: Map<string, unknown>;
  } = { version: -1 };
  private readonly lru = new Map<number, UserEntry>();
  private pending = emptyDirty();
  private hasPending = false;
  private flushing: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failing = false;
  private closed = false;
  private unsubscribe: (() => void) | null = null;
  /** bumped by every swap */
  version = 0;
  /** the newest change the model has applied */
  appliedSeq = 0;
  loaded = false;
  rebuilds = 0;
  lastLoad: ReadModelStats | null = null;

  constructor(
    private readonly store: Store,
    private readonly options: ReadModelOptions,
  ) {}

  /** Subscribes to the feed first (a change committed during the load is then applied again, harmlessly), then loads everything. */
  async start(feed: ChangeFeed): Promise<void> {
    this.unsubscribe = feed.subscribe(
      (record) => this.note(record),
      (reset) => this.onReset(reset),
    );
    this.appliedSeq = feed.last;
    await this.store.background(() => this.loadAll());
    this.loaded = true;
  }

  // ---- reading (synchronous: a request's lookups all see one version) ----

  user(id: number): UserEntry | undefined {
    return this.users.get(id);
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Every user, in no promised order. */
  allUsers(): IterableIterator<UserEntry> {
    return this.users.values();
  }

  /** Every group, in no promised order. */
  allGroups(): IterableIterator<GroupRow> {
    return this.groups.values();
  }

  /** The membership rows of a group (every member, active or not), by user id. */
  groupMemberRows(id: number): readonly MemberRow[] {
    return this.members.get(id) ?? [];
  }

  /**
   * A value derived from this version of the model, built once and kept until the next change:
   * the list evaluators of src/read/ keep their sorted lists here. Callers use a few fixed keys
   * (and one per sort order asked for); more than 64 start the memo afresh.
   */
  memo<T>(key: string, build: () => T): T {
    const d = this.fresh();
    d.memos ??= new Map();
    if (d.memos.has(key)) return d.memos.get(key) as T;
    const value = build();
    if (d.memos.size >= 64) d.memos.clear();
    d.memos.set(key, value);
    return value;
  }

  /** user.get's NAME_SEARCH / FIND: every user (whatever their state) matching each word by name, position or department (src/read/search.ts). */
  usersMatching(words: readonly string[]): ReadonlySet<number> {
    const d = this.fresh();
    d.search ??= new UserSearchIndex(this.users, this.departmentRows);
    return d.search.matchAll(words);
  }

  /** Departments in `allDepartments` order (SORT, then id). */
  departments(): readonly DepartmentRow[] {
    return this.departmentRows;
  }

  tree(): DepartmentTree {
    const d = this.fresh();
    return (d.tree ??= new DepartmentTree(this.departmentRows));
  }

  /** Active members of the departments (not of sub-departments), by ascending user id, as `activeMembers` answers. */
  activeMembers(departmentIds: readonly number[]): { department_id: number; user_id: number }[] {
    const d = this.fresh();
    if (!d.activeByDepartment) {
      const index = new Map<number, number[]>();
      for (const entry of this.users.values()) {
        if (entry.row.active !== 1) continue;
        for (const dep of entry.departments) {
          let list = index.get(dep);
          if (!list) index.set(dep, (list = []));
          list.push(entry.row.id);
        }
      }
      for (const list of index.values()) list.sort((a, b) => a - b);
      d.activeByDepartment = index;
    }
    const index = d.activeByDepartment;
    const out: { department_id: number; user_id: number }[] = [];
    for (const dep of new Set(departmentIds)) for (const user_id of index.get(dep) ?? []) out.push({ department_id: dep, user_id });
    return out.sort((a, b) => a.user_id - b.user_id);
  }

  /** im.search.user.list's matches, ascending ids (src/read/search.ts has the rules). */
  searchUsers(words: readonly string[], viewer: Viewer): readonly number[] {
    const d = this.fresh();
    d.search ??= new UserSearchIndex(this.users, this.departmentRows);
    // the same search again (paging, a popular prefix) until the next change: the answer is kept
    const key = `${viewer.extranet ? viewer.id : '*'}\n${words.join('\n')}`;
    const found = d.searches?.get(key);
    if (found) return found;
    const ids = d.search.search(words, viewer, this.visibility(viewer));
    d.searches ??= new Map();
    if (d.searches.size >= 256) d.searches.clear();
    d.searches.set(key, ids);
    return ids;
  }

  /** The group if the viewer may know of it: `groupVisibleTo` of src/store/visibility.ts over the model. */
  visibleGroup(id: number, viewer: Viewer): GroupRow | undefined {
    const group = this.groups.get(id);
    if (!group || !viewer.extranet) return group;
    return group.active === 1 && (this.groupsOfUser.get(viewer.id) ?? []).includes(id) ? group : undefined;
  }

  /** sonet_group.user.get: active members the viewer may see, by role (A, E, K) then user id, as `groupMembers` answers. */
  groupMembers(id: number, viewer: Viewer): { user_id: number; role: string }[] {
    const visible = this.visibility(viewer);
    return (this.members.get(id) ?? [])
      .filter((m) => this.users.get(m.user_id)?.row.active === 1 && visible(m.user_id))
      .map((m) => ({ user_id: m.user_id, role: m.role }))
      .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : a.user_id - b.user_id));
  }

  /** im.department.colleagues.list's ids for the user: the rule of src/directory/colleagues.ts over the model. */
  colleagues(userId: number): number[] {
    const tree = this.tree();
    const links = this.users.get(userId)?.departments ?? [];
    return colleaguesFrom(tree, userId, links, this.activeMembers(tree.sortIds(links)));
  }

  /**
   * Who the viewer may see, as a test on user ids: the rule of src/store/visibility.ts
   * (`visibleTo`) over the model. An intranet user sees everyone; an extranet user themself and
   * the members of the active groups they belong to.
   */
  visibility(viewer: Viewer): (id: number) => boolean {
    if (!viewer.extranet) return () => true;
    const seen = new Set<number>([viewer.id]);
    for (const g of this.groupsOfUser.get(viewer.id) ?? []) {
      if (this.groups.get(g)?.active !== 1) continue;
      for (const m of this.members.get(g) ?? []) seen.add(m.user_id);
    }
    return (id) => seen.has(id);
  }

  /** The user as `loadUsers` returns them for `today`. */
  record(entry: UserEntry, today: string): UserRecord {
    return { ...entry.row, departments: entry.departments, absent_until: absentUntil(entry, today), bot: entry.bot };
  }

  /** The messenger user object as JSON text, serialized once per variant while the user is in the LRU. */
  imUserJson(entry: UserEntry, today: string, opts: PresentOptions, avatarHr: boolean, variant = variantOf(opts)): string {
    const absent = absentUntil(entry, today);
    const present = () => JSON.stringify(presentImUser({ ...entry.row, departments: entry.departments, absent_until: absent, bot: entry.bot }, opts, { avatarHr }));
    const cap = this.options.cacheUsers;
    if (cap <= 0) return present();
    // everything that varies between callers of one user version: the photo's base URL, AVATAR_HR, and the leave (from the day)
    const key = `${avatarHr ? 1 : 0}${absent ?? ''}|${variant}`;
    const id = entry.row.id;
    const cached = this.lru.get(id) === entry;
    if (cached) {
      // most recently used goes to the end
      this.lru.delete(id);
      this.lru.set(id, entry);
      const hit = entry.json?.get(key);
      if (hit !== undefined) return hit;
    }
    const text = present();
    if (!cached) {
      this.lru.delete(id);
      this.lru.set(id, entry);
      while (this.lru.size > cap) {
        const [oldId, old] = this.lru.entries().next().value as [number, UserEntry];
        this.lru.delete(oldId);
        old.json = undefined;
      }
    }
    const memo = (entry.json ??= new Map());
    // a few variants per user at most (AVATAR_HR, a base URL or two, the day a leave ends)
    if (memo.size >= 8) memo.clear();
    memo.set(key, text);
    return text;
  }

  /** How many users' serialized objects are kept now (at most --cache-users). */
  serializedUsers(): number {
    return this.lru.size;
  }

  /** The startup line: how much the model holds. */
  describe(): string {
    const s = this.stats();
    return `Read model: ${s.users} users, ${s.departments} departments, ${s.groups} groups in memory, about ${formatBytes(s.bytes)} (loaded in ${s.loadMs} ms)`;
  }

  stats(): ReadModelStats {
    let bytes = 0;
    for (const e of this.users.values()) {
      bytes += 160 + e.departments.length * 8 + e.absences.length * 64 + (e.bot ? 120 : 0);
      for (const v of Object.values(e.row)) bytes += typeof v === 'string' ? 16 + v.length : 8;
      if (e.json) for (const t of e.json.values()) bytes += 16 + t.length;
    }
    bytes += this.departmentRows.length * 120;
    for (const list of this.members.values()) bytes += list.length * 64;
    bytes += this.groups.size * 200;
    return { users: this.users.size, departments: this.departmentRows.length, groups: this.groups.size, bytes, loadMs: this.lastLoad?.loadMs ?? 0 };
  }

  // ---- keeping current ----

  /** Resolves once every change noted so far is applied (or the store failed: then the model serves what it has and retries). */
  async settle(): Promise<void> {
    while ((this.flushing || this.hasPending) && !this.closed) {
      if (!this.flushing) {
        if (this.failing) return;
        this.schedule();
      }
      await this.flushing;
      if (this.failing) return;
    }
  }

  /** Throws the model away and loads it again (a feed reset does this). */
  rebuild(reason: string): Promise<void> {
    this.options.log().warn({}, `read model: ${reason}: rebuilding from the store`);
    this.pending.full = true;
    this.hasPending = true;
    this.schedule();
    return this.settle();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.flushing;
  }

  private note(record: ChangeRecord): void {
    const d = this.pending;
    d.seq = Math.max(d.seq, record.seq);
    const id = record.entity;
    switch (record.kind) {
      case 'user.added':
      case 'user.updated':
      case 'user.departments':
      case 'user.presence':
      case 'user.dismissed':
      case 'bot.registered':
        if (id !== null) d.users.add(id);
        break;
      case 'bot.unregistered':
        // the bot's user goes with its memberships and headships
        if (id !== null) {
          d.users.add(id);
          d.usersLeavingGroups.add(id);
        }
        d.departments = true;
        break;
      case 'department.added':
      case 'department.updated':
        d.departments = true;
        break;
      case 'department.deleted':
        d.departments = true;
        if (id !== null) d.departmentsDeleted.add(id);
        break;
      case 'group.added':
      case 'group.updated':
      case 'group.deleted':
      case 'group.members':
        if (id !== null) d.groups.add(id);
        break;
      case 'directory.replaced':
      case 'directory.merged':
        d.full = true;
        break;
      default:
        // webhooks and applications: not part of the read side
        return;
    }
    this.hasPending = true;
    this.schedule();
  }

  private onReset(reset: FeedReset): void {
    this.rebuilds++;
    void this.rebuild(`the change feed skipped changes ${reset.from + 1}..${reset.to} (pruned through ${reset.prunedThrough} before this server read them)`);
  }

  private schedule(): void {
    if (this.flushing || this.closed) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (!this.hasPending || this.closed) return;
      // a change noted while the last pass finished: another pass; after a failure, a retry shortly
      if (!this.failing) this.schedule();
      else if (!this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.schedule();
        }, this.options.retryMs ?? 500);
        this.retryTimer.unref();
      }
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.hasPending && !this.closed) {
      const work = this.pending;
      this.pending = emptyDirty();
      this.hasPending = false;
      try {
        await this.store.background(() => this.apply(work));
        if (this.failing) this.options.log().warn({}, 'read model: the store answers again; caught up');
        this.failing = false;
      } catch (error) {
        this.merge(work);
        if (!this.failing) this.options.log().warn({}, `read model: could not read changes from the store (${(error as Error).message}); serving what it holds and retrying`);
        this.failing = true;
        return;
      }
    }
  }

  /** Puts work that failed back in front of whatever arrived since. */
  private merge(work: Dirty): void {
    const d = this.pending;
    d.full ||= work.full;
    d.departments ||= work.departments;
    for (const id of work.users) d.users.add(id);
    for (const id of work.groups) d.groups.add(id);
    for (const id of work.usersLeavingGroups) d.usersLeavingGroups.add(id);
    for (const id of work.departmentsDeleted) d.departmentsDeleted.add(id);
    d.seq = Math.max(d.seq, work.seq);
    this.hasPending = true;
  }

  private async apply(work: Dirty): Promise<void> {
    if (work.full) {
      await this.loadAll();
      this.appliedSeq = Math.max(this.appliedSeq, work.seq);
      return;
    }
    const db = this.store.db;
    const userIds = new Set(work.users);
    // the members of a deleted department lost that link
    for (const dep of work.departmentsDeleted) for (const e of this.users.values()) if (e.departments.includes(dep)) userIds.add(e.row.id);
    const groupIds = new Set(work.groups);
    for (const u of work.usersLeavingGroups) for (const g of this.groupsOfUser.get(u) ?? []) groupIds.add(g);
    if (work.usersLeavingGroups.size) for (const g of await groupIdsOfUsers(db, [...work.usersLeavingGroups])) groupIds.add(g);
    const [users, departments, groups] = await Promise.all([
      userIds.size ? loadStoredUsers(db, [...userIds]) : null,
      work.departments ? allDepartments(db) : null,
      groupIds.size ? loadStoredGroups(db, [...groupIds]) : null,
    ]);
    // from here on synchronous: the whole change appears at once
    if (users) {
      for (const id of userIds) {
        const next = users.get(id);
        if (next) this.users.set(id, next);
        else this.users.delete(id);
        this.lru.delete(id);
      }
    }
    if (departments) this.departmentRows = departments;
    if (groups) {
      for (const id of groupIds) this.dropGroup(id);
      for (const g of groups.groups) this.groups.set(g.id, g);
      this.addMembers(groups.members);
    }
    this.appliedSeq = Math.max(this.appliedSeq, work.seq);
    // the search index follows changed users in place (building it anew costs far more on a large
    // directory); a department change, which renames what words match, builds it anew
    const search = !departments && this.derived.version === this.version ? this.derived.search : undefined;
    this.version++;
    if (search) {
      search.update(userIds);
      this.derived = { version: this.version, search };
    }
  }

  private async loadAll(): Promise<void> {
    const started = performance.now();
    const db = this.store.db;
    const [users, departments, groups] = await Promise.all([loadStoredUsers(db), allDepartments(db), loadStoredGroups(db)]);
    this.users = users;
    this.departmentRows = departments;
    this.groups = new Map(groups.groups.map((g) => [g.id, g]));
    this.members = new Map();
    this.groupsOfUser = new Map();
    this.addMembers(groups.members);
    this.lru.clear();
    this.version++;
    this.lastLoad = { users: users.size, departments: departments.length, groups: groups.groups.length, bytes: 0, loadMs: Math.round(performance.now() - started) };
  }

  private dropGroup(id: number): void {
    for (const m of this.members.get(id) ?? []) {
      const list = this.groupsOfUser.get(m.user_id);
      if (!list) continue;
      const rest = list.filter((g) => g !== id);
      if (rest.length) this.groupsOfUser.set(m.user_id, rest);
      else this.groupsOfUser.delete(m.user_id);
    }
    this.members.delete(id);
    this.groups.delete(id);
  }

  private addMembers(rows: readonly MemberRow[]): void {
    for (const m of rows) {
      let list = this.members.get(m.group_id);
      if (!list) this.members.set(m.group_id, (list = []));
      list.push(m);
      // replaced, not pushed to: a visibility test already handed out keeps its list
      this.groupsOfUser.set(m.user_id, [...(this.groupsOfUser.get(m.user_id) ?? []), m.group_id]);
    }
  }

  private fresh() {
    if (this.derived.version !== this.version) this.derived = { version: this.version };
    return this.derived;
  }
}

/** What, besides the user and the day, shapes a serialized user object: computed once per request. */
export function variantOf(opts: PresentOptions): string {
  return `${opts.baseUrl}|${opts.timeZone}|${opts.nameTemplate}`;
}

/** The last day of the leave the user is on `today` (overlapping leaves: the latest end), as `loadUsers` computes it. */
function absentUntil(entry: StoredUser, today: string): string | null {
  let until: string | null = null;
  for (const a of entry.absences) if (a.date_from <= today && a.date_to >= today && (until === null || a.date_to > until)) until = a.date_to;
  return until;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}
