/**
 * im.search.user.list over the read model: a word-prefix index with Unicode case folding, and
 * the matching rules of src/store/search.ts (which the SQL path runs as GLOB / `~` patterns):
 *
 * - a search word matches a user when one of their names, their position, or the name of one of
 *   their departments has a word starting with it (a word starts at the start of the text or
 *   after one of WORD_SEPARATORS), ignoring case character by character (`foldCase`), every
 *   character literal; a word of digits also matches the user with exactly that id;
 * - every word must match; only active, searchable (not UNSEARCHABLE_AUTH_IDS) users the viewer
 *   may see, extranet users only for extranet viewers; ascending id.
 *
 * The index maps the first two folded characters of every word start to the users holding one,
 * so a search verifies only those candidates (and the members of matching departments) against
 * the full rule instead of testing every user.
 */
import { OUTSIDE_KINDS } from '../facts.js';
import { foldCase } from '../store/case-fold.js';
import { UNSEARCHABLE_AUTH_IDS, WORD_SEPARATORS } from '../store/search.js';
import { isStorableId } from '../store/users.js';
import type { Viewer } from '../store/visibility.js';
import type { DepartmentRow } from '../store/read-model.js';
import type { UserEntry } from './model.js';

const SEPARATORS = new Set(WORD_SEPARATORS);
const UNSEARCHABLE = new Set<string>(UNSEARCHABLE_AUTH_IDS);

/** Index key of a folded word (start): its first two code points. */
function keyOf(folded: string): string {
  const cps = [...folded.slice(0, 4)];
  return cps.slice(0, 2).join('');
}

/** Whether the folded text (with a separator in front) has a word starting with the folded word. */
function startsWordFolded(text: string, word: string): boolean {
  for (let at = text.indexOf(word, 1); at > 0; at = text.indexOf(word, at + 1)) {
    if (SEPARATORS.has(text[at - 1]!)) return true;
  }
  return false;
}

/** What the index searches of a user: ' ' + the folded names and position. */
const textOf = (entry: UserEntry) => {
  const r = entry.row;
  return ` ${foldCase(`${r.name} ${r.last_name} ${r.second_name} ${r.work_position}`)}`;
};

/** Whether two id lists hold the same ids in the same order. */
export const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** UTF-16 units of the code point at `i`. */
const unitsAt = (text: string, i: number) => (text.codePointAt(i)! > 0xffff ? 2 : 1);

/**
 * Calls `found` with the index keys of a folded text: the first one and two code points of each
 * word start (a position at the start or after a separator), a key more than once when two words
 * start alike. Run for every user when the index is built: no arrays, no copies of the text.
 */
function eachKey(text: string, found: (key: string) => void): void {
  for (let i = 1; i < text.length; i++) {
    if (!SEPARATORS.has(text[i - 1]!) || SEPARATORS.has(text[i]!)) continue;
    const first = unitsAt(text, i);
    found(text.slice(i, i + first));
    if (i + first < text.length) found(text.slice(i, i + first + unitsAt(text, i + first)));
  }
}

/**
 * A list of user ids as the index keeps it: built as an array, then held as 32-bit integers (ids
 * are at most MAX_ID) at its exact length (half the memory, and no room left from growing), and an
 * array again when a change adds to it or takes from it.
 */
type IdList = number[] | Int32Array;

const compact = (list: IdList): IdList => (Array.isArray(list) && list.length > 8 ? Int32Array.from(list) : list);

export class UserSearchIndex {
  /** user id → ' ' + folded names and position */
  private readonly texts = new Map<number, string>();
  /** key (1 or 2 folded code points) → user ids with a word start beginning so, each once (arrays: far cheaper to build than sets) */
  private readonly byKey = new Map<string, IdList>();
  /** department id → ' ' + folded name */
  private departmentTexts = new Map<number, string>();
  /** department id → every member (active or not: the rule filters) */
  private readonly members = new Map<number, IdList>();

  constructor(
    private readonly users: ReadonlyMap<number, UserEntry>,
    departments: readonly DepartmentRow[],
  ) {
    this.setDepartments(departments);
    for (const entry of users.values()) this.add(entry);
    for (const [key, list] of this.byKey) this.byKey.set(key, compact(list));
    for (const [id, list] of this.members) this.members.set(id, compact(list));
  }

  /** The list to change in place: an array (one compacted earlier becomes one again). */
  private static editable<K>(lists: Map<K, IdList>, key: K): number[] | undefined {
    const list = lists.get(key);
    if (list === undefined || Array.isArray(list)) return list;
    const array = Array.from(list);
    lists.set(key, array);
    return array;
  }

  /**
   * Follows a change of the departments: their names are all the index holds of them (who is a
   * member follows the users, through `update`), so a department added, renamed or deleted costs
   * their names folded again, not the whole index built again.
   */
  setDepartments(departments: readonly DepartmentRow[]): void {
    this.departmentTexts = new Map(departments.map((d) => [d.id, ` ${foldCase(d.name)}`]));
  }

  /**
   * Follows a change of these users, given with the entries they had when last indexed (the
   * model's users map already holds the new ones, or none): cheaper than building the index
   * again for every write.
   */
  update(before: ReadonlyMap<number, UserEntry | undefined>): void {
    for (const [id, old] of before) {
      const entry = this.users.get(id);
      // presence and most other changes leave the words alone: nothing to do
      if (entry && old && this.texts.get(id) === textOf(entry) && sameIds(old.departments, entry.departments)) continue;
      if (old) this.remove(old);
      if (entry) this.add(entry);
    }
  }

  private add(entry: UserEntry): void {
    const r = entry.row;
    const text = textOf(entry);
    this.texts.set(r.id, text);
    eachKey(text, (key) => {
      const list = UserSearchIndex.editable(this.byKey, key);
      // a user's keys come one after another: one already added for them is the list's last
      if (!list) this.byKey.set(key, [r.id]);
      else if (list.at(-1) !== r.id) list.push(r.id);
    });
    for (const d of entry.departments) {
      const list = UserSearchIndex.editable(this.members, d);
      if (!list) this.members.set(d, [r.id]);
      else list.push(r.id);
    }
  }

  /** Takes out the user as indexed from `entry` (their text, their departments then). */
  private remove(entry: UserEntry): void {
    const id = entry.row.id;
    const text = this.texts.get(id);
    if (text === undefined) return;
    eachKey(text, (key) => {
      const list = UserSearchIndex.editable(this.byKey, key);
      const at = list ? list.indexOf(id) : -1;
      if (at < 0) return; // a key met twice: gone already
      // order within a key does not matter: the last one takes the removed one's place
      list![at] = list!.at(-1)!;
      list!.pop();
    });
    this.texts.delete(id);
    for (const d of entry.departments) {
      const list = this.members.get(d);
      if (list) this.members.set(d, list.filter((u) => u !== id));
    }
  }

  /** im.search.user.list's matches, ascending: active, searchable users the viewer may see (extranet ones only for extranet viewers). */
  search(words: readonly string[], viewer: Viewer, visible: (id: number) => boolean): number[] {
    return this.match(words, (entry) => {
      const r = entry.row;
      if (r.active !== 1) return false;
      if (r.external_auth_id !== null && UNSEARCHABLE.has(r.external_auth_id)) return false;
      if (!viewer.extranet && OUTSIDE_KINDS.includes(r.user_type)) return false;
      return visible(r.id);
    });
  }

  /**
   * user.get's NAME_SEARCH and FIND (`searchSql` of src/store/user-list.ts): every user, whatever
   * their state, with a word starting with each search word in their names or position or in the
   * name of one of their departments. No id rule: that is im.search.user.list's alone.
   */
  matchAll(words: readonly string[]): Set<number> {
    return new Set(this.match(words, () => true, undefined, false));
  }

  /**
   * The ids of the users `accept` takes that every word matches, ascending; only among `within`
   * (ascending ids, a superset of the answer) when given. A word of digits also matches the user
   * with that id, unless `byId` is false.
   */
  match(words: readonly string[], accept: (entry: UserEntry) => boolean, within?: readonly number[], byId = true): number[] {
    const rules = words.map((word) => {
      const folded = foldCase(word);
      const departments = new Set<number>();
      for (const [id, text] of this.departmentTexts) if (startsWordFolded(text, folded)) departments.add(id);
      const id = byId && /^\d+$/.test(word) && isStorableId(Number(word)) ? Number(word) : null;
      return { folded, departments, id };
    });
    // candidates: for the word with the fewest, whoever could match it
    let candidates: { ids: Iterable<number>; size: number } | null = null;
    let chosen: (typeof rules)[number] | null = null;
    for (const rule of within ? [] : rules) {
      // a word that starts with a separator is not indexed (word starts never do): test everyone
      if (SEPARATORS.has(rule.folded[0]!)) continue;
      const indexed = this.byKey.get(keyOf(rule.folded)) ?? [];
      let size = indexed.length + (rule.id === null ? 0 : 1);
      for (const d of rule.departments) size += this.members.get(d)?.length ?? 0;
      if (candidates && size >= candidates.size) continue;
      if (size === indexed.length) candidates = { ids: indexed, size };
      else {
        const set = new Set(indexed);
        for (const d of rule.departments) for (const u of this.members.get(d) ?? []) set.add(u);
        if (rule.id !== null) set.add(rule.id);
        candidates = { ids: set, size: set.size };
      }
      chosen = rule;
    }
    // a word of one or two code points is its own index key: each of its candidates matches it
    const known = chosen && keyOf(chosen.folded) === chosen.folded ? chosen : null;
    const out: number[] = [];
    for (const id of within ?? candidates?.ids ?? this.users.keys()) {
      const entry = this.users.get(id);
      if (!entry || !accept(entry)) continue;
      const text = this.texts.get(id)!;
      const ok = rules.every(
        (rule) => rule === known || startsWordFolded(text, rule.folded) || rule.id === id || entry.departments.some((d) => rule.departments.has(d)),
      );
      if (ok) out.push(id);
    }
    return within ? out : out.sort((a, b) => a - b);
  }
}
