/**
 * The web console's directory over the read model: src/store/people.ts's rules (who is in it,
 * the filters, the order), answered from memory. Word matching is the search index's
 * (src/read/search.ts); what is left is filtering and ordering the matches.
 *
 * Sorting 100,000 users by name costs a good part of a second on a busy machine, so each order
 * is made once and then kept: a change that moves nobody in it (presence, departments, anything
 * but names, positions and users coming or going: `sameSortKeys`) leaves it alone, and one that
 * does moves just those users. A page then tests each candidate (every user, or the search's
 * matches) against the filters, and picks the first places of those taken, as numbers.
 */
import { OUTSIDE_KINDS } from '../facts.js';
import { SORT_COLUMNS, type PeopleQuery, type PeopleSort } from '../store/people.js';
import { UNSEARCHABLE_AUTH_IDS } from '../store/search.js';
import type { UserEntry } from './model.js';

const UNSEARCHABLE = new Set<string>(UNSEARCHABLE_AUTH_IDS);

/**
 * Code point order, as SQLite's BINARY and PostgreSQL's COLLATE "C" compare UTF-8 text: UTF-16
 * code unit order except that surrogates (astral characters) come after U+E000..U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  let x = a.charCodeAt(i);
  let y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) {
    x += x >= 0xe000 ? -0x800 : 0x2000;
    y += y >= 0xe000 ? -0x800 : 0x2000;
  }
  return x - y;
}

/** Whether a change from `before` to `after` leaves every kept order as it is. */
export function sameSortKeys(before: UserEntry | undefined, after: UserEntry | undefined): boolean {
  if (!before || !after) return before === after;
  return before.row.last_name === after.row.last_name && before.row.work_position === after.row.work_position;
}

/** The query's filters as a test on one user (visibility comes on top, from the caller). */
export function peopleFilter(q: PeopleQuery, visible: (id: number) => boolean): (entry: UserEntry) => boolean {
  const wantActive = q.active === 'all' ? null : q.active === 'active' ? 1 : 0;
  return (entry) => {
    const r = entry.row;
    if (r.external_auth_id !== null && UNSEARCHABLE.has(r.external_auth_id)) return false;
    if (wantActive !== null && r.active !== wantActive) return false;
    if (q.kind !== 'all') {
      const bot = r.external_auth_id === 'bot';
      const outside = OUTSIDE_KINDS.includes(r.user_type);
      if (q.kind === 'bots' ? !bot : q.kind === 'extranet' ? !outside : bot || outside) return false;
    }
    if (q.department !== null && !entry.departments.includes(q.department)) return false;
    return visible(r.id);
  };
}

/** Whether a string holds a surrogate (an astral character): where UTF-16 order and code point order part. */
const ASTRAL = /[\ud800-\udfff]/;

/** The order of two users for a sort: the key in the direction asked, then the id ascending. */
function comparator(users: ReadonlyMap<number, UserEntry>, sort: PeopleSort, desc: boolean): (a: number, b: number) => number {
  if (sort === 'ID') return desc ? (a, b) => b - a : (a, b) => a - b;
  const column = SORT_COLUMNS[sort];
  const sign = desc ? -1 : 1;
  return (a, b) => sign * compareText(users.get(a)!.row[column], users.get(b)!.row[column]) || a - b;
}

/** Every id in the ascending order of a sort: `comparator`'s order, with each key read once rather than per comparison. */
function sortIds(users: ReadonlyMap<number, UserEntry>, sort: PeopleSort): number[] {
  const ids = [...users.keys()];
  if (sort === 'ID') return ids.sort((a, b) => a - b);
  const column = SORT_COLUMNS[sort];
  const keys = ids.map((id) => users.get(id)!.row[column]);
  // native comparison where it equals code point order: neither key holds an astral character
  const astral = keys.map((k) => ASTRAL.test(k));
  const positions = ids.map((_, i) => i);
  positions.sort((i, j) => {
    const a = keys[i]!;
    const b = keys[j]!;
    return (a === b ? 0 : astral[i] || astral[j] ? compareText(a, b) : a < b ? -1 : 1) || ids[i]! - ids[j]!;
  });
  return positions.map((i) => ids[i]!);
}

/** The descending order of a sort from its ascending one: runs of equal keys in reverse order, ids ascending within each. */
function descending(ascending: readonly number[], users: ReadonlyMap<number, UserEntry>, sort: PeopleSort): number[] {
  if (sort === 'ID') return [...ascending].reverse();
  const column = SORT_COLUMNS[sort];
  const key = (i: number) => users.get(ascending[i]!)!.row[column];
  const out: number[] = [];
  for (let end = ascending.length; end > 0; ) {
    let start = end - 1;
    const k = key(start);
    while (start > 0 && key(start - 1) === k) start--;
    for (let i = start; i < end; i++) out.push(ascending[i]!);
    end = start;
  }
  return out;
}

/** One order of every user: the ids in order, and where each id stands in it. */
class Order {
  /** id → position, in an array when the ids are dense enough (as a directory's are), else a map */
  private dense: Int32Array | null = null;
  private sparse: Map<number, number> | null = null;

  constructor(private ids: number[]) {
    this.index();
  }

  private index(): void {
    const ids = this.ids;
    const max = ids.reduce((a, b) => Math.max(a, b), 0);
    if (max <= 4 * ids.length + 1024) {
      this.dense = new Int32Array(max + 1);
      ids.forEach((id, i) => (this.dense![id] = i));
      this.sparse = null;
    } else {
      this.dense = null;
      this.sparse = new Map(ids.map((id, i) => [id, i]));
    }
  }

  rank(id: number): number {
    return this.dense ? this.dense[id]! : this.sparse!.get(id)!;
  }

  at(position: number): number {
    return this.ids[position]!;
  }

  /** The ids in order (not to be changed). */
  get all(): readonly number[] {
    return this.ids;
  }

  /** Takes the moved users out, and puts those still there back where `compare` places them: no sorting again. */
  reposition(moved: readonly number[], exists: (id: number) => boolean, compare: (a: number, b: number) => number): void {
    const out = new Set(moved);
    const ids = this.ids.filter((id) => !out.has(id));
    for (const id of out) {
      if (!exists(id)) continue;
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compare(ids[mid]!, id) < 0) lo = mid + 1;
        else hi = mid;
      }
      ids.splice(lo, 0, id);
    }
    this.ids = ids;
    this.index();
  }
}

/**
 * Moves the `k` smallest values of `a` to its front, in any order (quickselect): a page needs the
 * first few places among tens of thousands, not all of them sorted.
 */
function selectSmallest(a: Int32Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}

/** Users changed at once beyond which kept orders are dropped rather than repositioned (each costs a pass). */
const MAX_REPOSITION = 200;

export class PeopleOrder {
  /** every user, sorted, by `${sort} ${desc}` */
  private readonly orders = new Map<string, Order>();

  constructor(private readonly users: ReadonlyMap<number, UserEntry>) {}

  private order(sort: PeopleSort, desc: boolean): Order {
    const key = `${sort} ${desc}`;
    let order = this.orders.get(key);
    if (!order) {
      // descending is ascending with the runs of equal keys in reverse (each run stays by id): no second sort
      const ids = desc ? descending(this.order(sort, false).all, this.users, sort) : sortIds(this.users, sort);
      this.orders.set(key, (order = new Order(ids)));
    }
    return order;
  }

  /**
   * Follows users whose place may have changed (renamed, added, gone; the users map already
   * holds the change): each kept order moves just them.
   */
  update(moved: readonly number[]): void {
    if (moved.length === 0) return;
    if (moved.length > MAX_REPOSITION) return this.orders.clear();
    for (const [key, order] of this.orders) {
      const [sort, desc] = key.split(' ') as [PeopleSort, string];
      order.reposition(moved, (id) => this.users.has(id), comparator(this.users, sort, desc === 'true'));
    }
  }

  /**
   * One page of the users `accept` takes, in the query's order: among `matched` (from the search
   * index) when the query has words, else among everyone. Each taken user's place in the kept
   * order is looked up, and the first places picked as numbers: no text is compared per request.
   */
  page(q: PeopleQuery, accept: (entry: UserEntry) => boolean, matched: readonly number[] | null): { total: number; ids: number[] } {
    const order = this.order(q.sort, q.desc);
    const places = new Int32Array(matched ? matched.length : this.users.size);
    let total = 0;
    if (matched) {
      for (const id of matched) {
        const entry = this.users.get(id);
        if (entry && accept(entry)) places[total++] = order.rank(id);
      }
    } else {
      for (const [id, entry] of this.users) if (accept(entry)) places[total++] = order.rank(id);
    }
    const end = Math.min(total, q.offset + q.limit);
    const ids: number[] = [];
    if (end <= q.offset) return { total, ids };
    const taken = places.subarray(0, total);
    const few = end * 4 < total;
    if (few) selectSmallest(taken, end);
    const first = (few ? taken.subarray(0, end) : taken).sort();
    for (let i = q.offset; i < end; i++) ids.push(order.at(first[i]!));
    return { total, ids };
  }
}
