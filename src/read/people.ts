/**
 * The web console's directory over the read model: src/store/people.ts's rules (who is in it,
 * the filters, the order), answered from memory. Word matching is the search index's
 * (src/read/search.ts); what is left is filtering and ordering the matches.
 *
 * Sorting 100,000 users costs about a tenth of a second, so each order is kept once made, and
 * kept across changes that move nobody in it (presence, departments, anything but names and
 * positions and users coming or going: `sameSortKeys`). A page then walks the kept order and
 * tests each user against the filters, a few milliseconds for the whole directory. A search that
 * matches few users sorts just those instead.
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

/** The order of two users for a sort: the key in the direction asked, then the id ascending. */
function comparator(users: ReadonlyMap<number, UserEntry>, sort: PeopleSort, desc: boolean): (a: number, b: number) => number {
  if (sort === 'ID') return desc ? (a, b) => b - a : (a, b) => a - b;
  const column = SORT_COLUMNS[sort];
  const sign = desc ? -1 : 1;
  return (a, b) => sign * compareText(users.get(a)!.row[column], users.get(b)!.row[column]) || a - b;
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

export class PeopleOrder {
  /** every user id, sorted, by `${sort} ${desc}` */
  private readonly orders = new Map<string, number[]>();

  constructor(private readonly users: ReadonlyMap<number, UserEntry>) {}

  private order(sort: PeopleSort, desc: boolean): number[] {
    const key = `${sort} ${desc}`;
    let ids = this.orders.get(key);
    if (!ids) this.orders.set(key, (ids = [...this.users.keys()].sort(comparator(this.users, sort, desc))));
    return ids;
  }

  /**
   * One page of the users `accept` takes, in the query's order: among `matched` (ascending ids
   * from the search index) when the query has words, else among everyone.
   */
  page(q: PeopleQuery, accept: (entry: UserEntry) => boolean, matched: readonly number[] | null): { total: number; ids: number[] } {
    if (matched && matched.length * 8 < this.users.size) {
      const taken = matched.filter((id) => {
        const entry = this.users.get(id);
        return entry !== undefined && accept(entry);
      });
      taken.sort(comparator(this.users, q.sort, q.desc));
      return { total: taken.length, ids: taken.slice(q.offset, q.offset + q.limit) };
    }
    const among = matched ? new Set(matched) : null;
    const ids: number[] = [];
    let total = 0;
    for (const id of this.order(q.sort, q.desc)) {
      if (among && !among.has(id)) continue;
      const entry = this.users.get(id);
      if (!entry || !accept(entry)) continue;
      if (total >= q.offset && ids.length < q.limit) ids.push(id);
      total++;
    }
    return { total, ids };
  }
}
