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
import type { Config } from '../config.js';
import type { ChangeFeed, ChangeRecord, FeedReset } from '../directory/feed.js';
import { colleaguesFrom } from '../directory/colleagues.js';
import { DepartmentTree } from '../directory/tree.js';
import { presentImUser, type PresentOptions } from '../directory/user-object.js';
import type { Db, Store } from '../store/index.js';
import { PeopleOrder, peopleFilter, sameSortKeys } from './people.js';
import { sameIds, UserSearchIndex } from './search.js';
import type { PeopleQuery } from '../store/people.js';
import {
  allDepartments,
  groupIdsOfUsers,
  loadStoredGroups,
  loadLiveWebhooks,
  loadStoredUsers,
  type DepartmentRow,
  type GroupRow,
  type MemberRow,
  type StoredUser,
} from '../store/read-model.js';
import type { UserRecord } from '../store/users.js';
import { scopesOf, type WebhookRow } from '../store/webhooks.js';
import type { Viewer } from '../store/visibility.js';

/** One user as the model holds it: never mutated, replaced on change (`json` is a memo of its serializations). */
export interface UserEntry extends StoredUser {
  /**
   * The serialized im user object (UTF-8) of the variant asked for first, and of others (AVATAR_HR,
   * another base URL, the day a leave ends) in `memoMore`; dropped by the LRU of --cache-users.
   * Two fields rather than a map: a map per user cost 20 MB at 100,000 users.
   */
  memoKey?: string;
  memo?: Buffer;
  memoMore?: Map<string, Buffer>;
  /** served from `json` since the LRU last looked (its second chance) */
  recent?: boolean;
}

/** A webhook nobody revoked, as authentication needs it (the hash, never the secret). */
export interface WebhookEntry {
  id: number;
  userId: number;
  secretHash: string;
  scopes: ReadonlySet<string>;
  expiresAt: number | null;
}

/** What shapes a serialized user object besides the user: worked out once per request (`userForm`). */
export interface UserForm {
  today: string;
  opts: PresentOptions;
  avatarHr: boolean;
  /** the memo key of a user on no leave */
  key: string;
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
  webhooks: Set<number>;
  /** users whose group memberships went away with them: their groups are reloaded */
  usersLeavingGroups: Set<number>;
  /** departments deleted: their members' links are reloaded */
  departmentsDeleted: Set<number>;
  /** the newest change this covers */
  seq: number;
}

/** Colleague ids kept per version, all lists together: a head's list at 5,000 departments is 5,000 ids. */
const COLLEAGUE_IDS = 256 * 1024;

const emptyDirty = (): Dirty => ({
  full: false,
  users: new Set(),
  departments: false,
  groups: new Set(),
  webhooks: new Set(),
  usersLeavingGroups: new Set(),
  departmentsDeleted: new Set(),
  seq: 0,
});

export interface ReadModelStats {
  users: number;
  departments: number;
  groups: number;
  webhooks: number;
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
  private webhooks = new Map<string, WebhookEntry>();
  private webhookHashes = new Map<number, string>();
  private derived: {
    version: number;
    tree?: DepartmentTree;
    activeByDepartment?: Map<number, number[]>;
    search?: UserSearchIndex;
    /** search answers (ascending ids, never handed out to be changed) by viewer and words */
    searches?: Map<string, readonly number[]>;
    /** the console directory's orders (kept across changes, moving just the users they move) */
    people?: PeopleOrder;
    /** what the list evaluators of src/read/ derive from this version (`memo`) */
    memos?: Map<string, unknown>;
    /** colleague lists by user: a head's is every head of the company, thousands in a large one */
    colleagues?: Map<number, readonly number[]>;
    colleagueIds?: number;
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
    await this.store.background(({ db }) => this.loadAll(db));
    this.loaded = true;
  }

  // ---- reading (synchronous: a request's lookups all see one version) ----

  user(id: number): UserEntry | undefined {
    return this.users.get(id);
  }

  /** The live webhook whose secret hashes to this (hex SHA-256), if the model knows it. */
  webhook(secretHash: string): WebhookEntry | undefined {
    return this.webhooks.get(secretHash);
  }

  /**
   * A live webhook the store answered with that the model did not hold (one written without a
   * change record, or not yet applied), kept for the next request. Only if no change was applied
   * since `seenSeq`, when the lookup began: one of them could be its revocation.
   */
  learnWebhook(row: WebhookRow, seenSeq: number): void {
    if (this.appliedSeq !== seenSeq || !this.loaded || row.revoked_at !== null || this.webhookHashes.has(row.id)) return;
    this.addWebhooks([row]);
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
   * the list evaluators of src/read/ keep theirs here (the people by id, department names). They
   * use a few fixed keys; more than 64 would start the memo afresh.
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

  /** Active members of the department (not of sub-departments), ascending: a list shared by every caller, never to be changed. */
  activeMemberIds(departmentId: number): readonly number[] {
    return this.activeIndex().get(departmentId) ?? [];
  }

  /** Active members of the departments (not of sub-departments), by ascending user id, as `activeMembers` answers. */
  activeMembers(departmentIds: readonly number[]): { department_id: number; user_id: number }[] {
    const index = this.activeIndex();
    const out: { department_id: number; user_id: number }[] = [];
    for (const dep of new Set(departmentIds)) for (const user_id of index.get(dep) ?? []) out.push({ department_id: dep, user_id });
    return out.sort((a, b) => a.user_id - b.user_id);
  }

  private activeIndex(): ReadonlyMap<number, readonly number[]> {
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
    return d.activeByDepartment;
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
  /**
   * The console's directory: one page of the users matching the words (everyone without words)
   * and the filters, in the query's order, and how many match (src/store/people.ts has the rules).
   */
  people(q: PeopleQuery, viewer: Viewer): { total: number; ids: number[] } {
    const d = this.fresh();
    const visible = this.visibility(viewer);
    let matched: readonly number[] | null = null;
    if (q.words.length) {
      d.search ??= new UserSearchIndex(this.users, this.departmentRows);
      // paging and the filters ask for the same words again: kept until the next change
      const keyOf = (words: readonly string[]) => `people\n${viewer.extranet ? viewer.id : '*'}\n${words.join('\n')}`;
      d.searches ??= new Map();
      matched = d.searches.get(keyOf(q.words)) ?? null;
      if (!matched) {
        matched = d.search.match(q.words, (entry) => visible(entry.row.id), narrowed(d.searches, q.words, keyOf));
        if (d.searches.size >= 256) d.searches.clear();
        d.searches.set(keyOf(q.words), matched);
      }
    }
    d.people ??= new PeopleOrder(this.users);
    return d.people.page(q, peopleFilter(q, visible), matched);
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

  /**
   * im.department.colleagues.list's ids for the user: the rule of src/directory/colleagues.ts over
   * the model, kept until the next change (a list shared by every caller, never to be changed).
   */
  colleagues(userId: number): readonly number[] {
    const d = this.fresh();
    d.colleagues ??= new Map();
    let ids = d.colleagues.get(userId);
    if (!ids) {
      const tree = this.tree();
      const links = this.users.get(userId)?.departments ?? [];
      ids = colleaguesFrom(tree, userId, links, this.activeMembers(tree.sortIds(links)));
      d.colleagueIds = (d.colleagueIds ?? 0) + ids.length + 1;
      if (d.colleagueIds > COLLEAGUE_IDS) {
        d.colleagues.clear();
        d.colleagueIds = ids.length + 1;
      }
      d.colleagues.set(userId, ids);
    }
    return ids;
  }

  /**
   * Who the viewer may see, as a test on user ids: the rule of src/store/visibility.ts
   * (`visibleTo`) over the model. An intranet user sees everyone; an extranet user themself and
   * the members of the active groups they belong to.
   */
  visibility(viewer: Viewer): (id: number) => boolean {
    if (!viewer.extranet) return everyone;
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

  /** The messenger user object as UTF-8 JSON, serialized once per variant while the user is in the LRU. */
  imUserJson(entry: UserEntry, form: UserForm): Buffer {
    // most users are on no leave: their key is the request's own string, hashed once for all of them
    const absent = entry.absences.length === 0 ? null : absentUntil(entry, form.today);
    const key = absent === null ? form.key : `${absent}|${form.key}`;
    const hit = this.serialized(entry, key);
    if (hit !== undefined) return hit;
    const bytes = Buffer.from(JSON.stringify(presentImUser({ ...entry.row, departments: entry.departments, absent_until: absent, bot: entry.bot }, form.opts, { avatarHr: form.avatarHr })));
    this.keepSerialized(entry, key, bytes);
    return bytes;
  }

  /**
   * A serialized form of this user version (an im user object, a user.get row: the key says
   * which and its variant), if kept. Kept forms live on the entry, so a change, which replaces
   * the entry, drops them; --cache-users bounds how many users have any.
   */
  serialized(entry: UserEntry, key: string): Buffer | undefined {
    const hit = entry.memoKey === key ? entry.memo : entry.memoMore?.get(key);
    if (hit !== undefined) entry.recent = true;
    return hit;
  }

  keepSerialized(entry: UserEntry, key: string, bytes: Buffer): void {
    const cap = this.options.cacheUsers;
    if (cap <= 0) return;
    if (entry.memo === undefined) {
      entry.memoKey = key;
      entry.memo = bytes;
      this.lru.set(entry.row.id, entry);
      if (this.lru.size > cap) this.evict(cap);
      return;
    }
    const more = (entry.memoMore ??= new Map());
    // a few variants per user at most
    if (more.size >= 7) more.clear();
    more.set(key, bytes);
  }

  /**
   * Down to `cap` serialized users, oldest first, except that one served since the last pass gets
   * a second chance at the back: LRU's choice without reordering a map on every hit.
   */
  private evict(cap: number): void {
    for (const [id, entry] of this.lru) {
      if (this.lru.size <= cap) return;
      this.lru.delete(id);
      if (entry.recent) {
        entry.recent = false;
        this.lru.set(id, entry);
      } else {
        entry.memoKey = entry.memo = entry.memoMore = undefined;
      }
    }
  }

  /** How many users' serialized objects are kept now (at most --cache-users). */
  serializedUsers(): number {
    return this.lru.size;
  }

  /** The startup line: how much the model holds. */
  describe(): string {
    const s = this.stats();
    return `Read model: ${count(s.users, 'user')}, ${count(s.departments, 'department')}, ${count(s.groups, 'group')}, ${count(s.webhooks, 'webhook')} in memory, about ${formatBytes(s.bytes)} (loaded in ${s.loadMs} ms)`;
  }

  stats(): ReadModelStats {
    let bytes = 0;
    for (const e of this.users.values()) {
      bytes += 160 + e.departments.length * 8 + e.absences.length * 64 + (e.bot ? 120 : 0);
      for (const v of Object.values(e.row)) bytes += typeof v === 'string' ? 16 + v.length : 8;
      if (e.memo) bytes += 100 + e.memo.length;
      if (e.memoMore) for (const t of e.memoMore.values()) bytes += 100 + t.length;
    }
    bytes += this.departmentRows.length * 120;
    for (const list of this.members.values()) bytes += list.length * 64;
    bytes += this.groups.size * 200;
    bytes += this.webhooks.size * 200;
    return { users: this.users.size, departments: this.departmentRows.length, groups: this.groups.size, webhooks: this.webhooks.size, bytes, loadMs: this.lastLoad?.loadMs ?? 0 };
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
      case 'webhook.created':
      case 'webhook.revoked':
        if (id !== null) d.webhooks.add(id);
        break;
      default:
        // applications: OAuth tokens are looked up in the store
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
        await this.store.background(({ db }) => this.apply(work, db));
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
    for (const id of work.webhooks) d.webhooks.add(id);
    d.seq = Math.max(d.seq, work.seq);
    this.hasPending = true;
  }

  private async apply(work: Dirty, db: Db): Promise<void> {
    if (work.full) {
      await this.loadAll(db);
      this.appliedSeq = Math.max(this.appliedSeq, work.seq);
      return;
    }
    const userIds = new Set(work.users);
    // the members of a deleted department lost that link
    for (const dep of work.departmentsDeleted) for (const e of this.users.values()) if (e.departments.includes(dep)) userIds.add(e.row.id);
    const groupIds = new Set(work.groups);
    for (const u of work.usersLeavingGroups) for (const g of this.groupsOfUser.get(u) ?? []) groupIds.add(g);
    if (work.usersLeavingGroups.size) for (const g of await groupIdsOfUsers(db, [...work.usersLeavingGroups])) groupIds.add(g);
    const [users, departments, groups, webhooks] = await Promise.all([
      userIds.size ? loadStoredUsers(db, [...userIds]) : null,
      work.departments ? allDepartments(db) : null,
      groupIds.size ? loadStoredGroups(db, [...groupIds]) : null,
      work.webhooks.size ? loadLiveWebhooks(db, [...work.webhooks]) : null,
    ]);
    // from here on synchronous: the whole change appears at once
    const carried = this.derived.version === this.version ? this.derived : undefined;
    const moved: number[] = [];
    // the entries replaced, for the search index to take out what it had of them
    const before = new Map<number, UserEntry | undefined>();
    // who is an active member of which department changed (a presence change leaves it)
    let membership = departments !== null;
    if (users) {
      for (const id of userIds) {
        const next = users.get(id);
        const old = this.users.get(id);
        before.set(id, old);
        if (!sameSortKeys(old, next)) moved.push(id);
        membership ||= !sameMembership(old, next);
        if (next) this.users.set(id, next);
        else this.users.delete(id);
        this.lru.delete(id);
      }
    }
    if (departments) this.departmentRows = departments;
    if (webhooks) {
      // a webhook missing from the answer was revoked (or dropped)
      for (const id of work.webhooks) {
        const hash = this.webhookHashes.get(id);
        if (hash !== undefined) this.webhooks.delete(hash);
        this.webhookHashes.delete(id);
      }
      this.addWebhooks(webhooks);
    }
    if (groups) {
      for (const id of groupIds) this.dropGroup(id);
      for (const g of groups.groups) this.groups.set(g.id, g);
      this.addMembers(groups.members);
    }
    this.appliedSeq = Math.max(this.appliedSeq, work.seq);
    // the search index and the console's orders follow the change in place, and what the change
    // leaves as it was is kept: building them anew costs far more on a large directory, and
    // presence changes all day long
    this.version++;
    if (!carried) return;
    const { search, people } = carried;
    search?.update(before);
    if (departments) search?.setDepartments(departments);
    people?.update(moved);
    this.derived = { version: this.version, search, people };
    if (!departments) this.derived.tree = carried.tree;
    if (!membership) {
      this.derived.activeByDepartment = carried.activeByDepartment;
      this.derived.colleagues = carried.colleagues;
      this.derived.colleagueIds = carried.colleagueIds;
    }
  }

  private async loadAll(db: Db): Promise<void> {
    const started = performance.now();
    const [users, departments, groups, webhooks] = await Promise.all([loadStoredUsers(db), allDepartments(db), loadStoredGroups(db), loadLiveWebhooks(db)]);
    this.users = users;
    this.webhooks = new Map();
    this.webhookHashes = new Map();
    this.addWebhooks(webhooks);
    this.departmentRows = departments;
    this.groups = new Map(groups.groups.map((g) => [g.id, g]));
    this.members = new Map();
    this.groupsOfUser = new Map();
    this.addMembers(groups.members);
    this.lru.clear();
    this.version++;
    this.lastLoad = { users: users.size, departments: departments.length, groups: groups.groups.length, webhooks: webhooks.length, bytes: 0, loadMs: Math.round(performance.now() - started) };
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

  private addWebhooks(rows: readonly WebhookRow[]): void {
    for (const w of rows) {
      this.webhooks.set(w.secret_hash, { id: w.id, userId: w.user_id, secretHash: w.secret_hash, scopes: new Set(scopesOf(w)), expiresAt: w.expires_at });
      this.webhookHashes.set(w.id, w.secret_hash);
    }
  }

  private fresh() {
    if (this.derived.version !== this.version) this.derived = { version: this.version };
    return this.derived;
  }
}

/**
 * As someone types, each search repeats the last with its last word a character longer: whoever
 * matches it matched the shorter one, so the kept answer of the longest such search is all there
 * is to test. Not for a last word of digits: `123` also finds user 123, whom `12` may not.
 */
function narrowed(kept: ReadonlyMap<string, readonly number[]>, words: readonly string[], keyOf: (words: readonly string[]) => string): readonly number[] | undefined {
  const last = [...words.at(-1)!];
  if (/^\d+$/.test(words.at(-1)!)) return undefined;
  for (let n = last.length - 1; n >= 2; n--) {
    const found = kept.get(keyOf([...words.slice(0, -1), last.slice(0, n).join('')]));
    if (found) return found;
  }
  return undefined;
}

/** The last form made, with and without AVATAR_HR: the same key string again lets a memo hit compare by identity. */
const lastForms: [UserForm | undefined, UserForm | undefined] = [undefined, undefined];

/**
 * What, besides the user and the day, shapes a serialized user object: the last one again while
 * nothing differs (made of the parts, so that a hit makes no options object either).
 */
export function userForm(config: Pick<Config, 'timezone' | 'nameTemplate'>, baseUrl: string, avatarHr: boolean, today: string): UserForm {
  const last = lastForms[avatarHr ? 1 : 0];
  if (last && last.today === today && last.opts.baseUrl === baseUrl && last.opts.timeZone === config.timezone && last.opts.nameTemplate === config.nameTemplate) return last;
  const opts: PresentOptions = { timeZone: config.timezone, nameTemplate: config.nameTemplate, baseUrl };
  const form = { today, opts, avatarHr, key: `${avatarHr ? 1 : 0}|${opts.baseUrl}|${opts.timeZone}|${opts.nameTemplate}` };
  lastForms[avatarHr ? 1 : 0] = form;
  return form;
}

/** The last day of the leave the user is on `today` (overlapping leaves: the latest end), as `loadUsers` computes it. */
function absentUntil(entry: StoredUser, today: string): string | null {
  let until: string | null = null;
  for (const a of entry.absences) if (a.date_from <= today && a.date_to >= today && (until === null || a.date_to > until)) until = a.date_to;
  return until;
}

const everyone = () => true;

/** Whether the user, if any, is as active as before and in the same departments. */
function sameMembership(before: UserEntry | undefined, after: UserEntry | undefined): boolean {
  if (!before || !after) return before === after;
  return before.row.active === after.row.active && sameIds(before.departments, after.departments);
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}
