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

/** The folded word starts of a folded text: every position at the start or after a separator. */
function wordStarts(text: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < text.length; i++) if (SEPARATORS.has(text[i - 1]!) && !SEPARATORS.has(text[i]!)) out.push(text.slice(i));
  return out;
}

/** The index keys of a folded text: the first one and two code points of each word start. */
function keysOf(text: string): Set<string> {
  const keys = new Set<string>();
  for (const start of wordStarts(text)) {
    const cps = [...start.slice(0, 4)];
    keys.add(cps[0]!);
    keys.add(cps.slice(0, 2).join(''));
  }
  return keys;
}

interface Rule {
  folded: string;
  departments: Set<number>;
  id: number | null;
}

export class UserSearchIndex {
  /** user id → ' ' + folded names and position */
  private readonly texts = new Map<number, string>();
  /**
   * key (1 or 2 folded code points) → user ids with a word start beginning so, or that had one:
   * a change only adds (every candidate is checked against its current text anyway), and the
   * lists are rebuilt once the stale ids outnumber the users. Lists, not sets: a set per key
   * cost 20 MB at 100,000 users.
   */
  private byKey = new Map<string, number[]>();
  private stale = 0;
  /** department id → ' ' + folded name */
  private readonly departmentTexts = new Map<number, string>();
  /** department id → every member (active or not: the rule filters) */
  private readonly members = new Map<number, number[]>();

  /** user id → the departments indexed for them (to take them out again) */
  private readonly departmentsOf = new Map<number, readonly number[]>();

  constructor(
    private readonly users: ReadonlyMap<number, UserEntry>,
    departments: readonly DepartmentRow[],
  ) {
    for (const d of departments) this.departmentTexts.set(d.id, ` ${foldCase(d.name)}`);
    for (const entry of users.values()) this.add(entry);
  }

  /**
   * Follows a change of these users (the model's users map already holds their new entries, or
   * none): cheaper than building the index again for every write. Department names are not
   * followed: a department change builds a new index.
   */
  update(ids: Iterable<number>): void {
    for (const id of ids) {
      this.remove(id);
      const entry = this.users.get(id);
      if (entry) this.add(entry);
    }
    if (this.stale > this.texts.size) this.rekey();
  }

  private rekey(): void {
    this.byKey = new Map();
    for (const [id, text] of this.texts) this.addKeys(id, text);
    this.stale = 0;
  }

  private addKeys(id: number, text: string): void {
    for (const key of keysOf(text)) {
      const list = this.byKey.get(key);
      if (list) list.push(id);
      else this.byKey.set(key, [id]);
    }
  }

  private add(entry: UserEntry): void {
    const r = entry.row;
    const text = ` ${foldCase(`${r.name} ${r.last_name} ${r.second_name} ${r.work_position}`)}`;
    this.texts.set(r.id, text);
    this.addKeys(r.id, text);
    this.departmentsOf.set(r.id, entry.departments);
    for (const d of entry.departments) {
      let list = this.members.get(d);
      if (!list) this.members.set(d, (list = []));
      list.push(r.id);
    }
  }

  private remove(id: number): void {
    const text = this.texts.get(id);
    if (text === undefined) return;
    this.stale += keysOf(text).size;
    this.texts.delete(id);
    for (const d of this.departmentsOf.get(id) ?? []) {
      const list = this.members.get(d);
      if (list) this.members.set(d, list.filter((u) => u !== id));
    }
    this.departmentsOf.delete(id);
  }

  /** A search word's test: the folded word, the departments whose names match it, the id it names (when asked for). */
  private rule(word: string, byId: boolean): Rule {
    const folded = foldCase(word);
    const departments = new Set<number>();
    for (const [id, text] of this.departmentTexts) if (startsWordFolded(text, folded)) departments.add(id);
    const id = byId && /^\d+$/.test(word) && isStorableId(Number(word)) ? Number(word) : null;
    return { folded, departments, id };
  }

  /** For the word with the fewest, whoever could match it; null when every user could. */
  private candidates(rules: readonly Rule[]): Set<number> | null {
    let candidates: Set<number> | null = null;
    for (const rule of rules) {
      // a word that starts with a separator is not indexed (word starts never do): test everyone
      if (SEPARATORS.has(rule.folded[0]!)) continue;
      const set = new Set<number>(this.byKey.get(keyOf(rule.folded)) ?? []);
      for (const d of rule.departments) for (const u of this.members.get(d) ?? []) set.add(u);
      if (rule.id !== null) set.add(rule.id);
      if (!candidates || set.size < candidates.size) candidates = set;
    }
    return candidates;
  }

  /** Whether every word matches the user, whose indexed text is `text`. */
  private matches(entry: UserEntry, text: string, rules: readonly Rule[]): boolean {
    const id = entry.row.id;
    return rules.every(
      (rule) => startsWordFolded(text, rule.folded) || rule.id === id || entry.departments.some((d) => rule.departments.has(d)),
    );
  }

  /** Every matching user id, ascending. */
  search(words: readonly string[], viewer: Viewer, visible: (id: number) => boolean): number[] {
    const rules = words.map((word) => this.rule(word, true));
    const out: number[] = [];
    for (const id of this.candidates(rules) ?? this.users.keys()) {
      const entry = this.users.get(id);
      const text = this.texts.get(id);
      if (!entry || text === undefined) continue;
      const r = entry.row;
      if (r.active !== 1) continue;
      if (r.external_auth_id !== null && UNSEARCHABLE.has(r.external_auth_id)) continue;
      if (!viewer.extranet && OUTSIDE_KINDS.includes(r.user_type)) continue;
      if (!visible(id)) continue;
      if (this.matches(entry, text, rules)) out.push(id);
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * user.get's NAME_SEARCH and FIND (`searchSql` of src/store/user-list.ts): every user, whatever
   * their state, with a word starting with each search word in their names or position or in the
   * name of one of their departments. No id rule: that is im.search.user.list's alone.
   */
  matchAll(words: readonly string[]): Set<number> {
    const rules = words.map((word) => this.rule(word, false));
    const out = new Set<number>();
    for (const id of this.candidates(rules) ?? this.users.keys()) {
      const entry = this.users.get(id);
      const text = this.texts.get(id);
      if (entry && text !== undefined && this.matches(entry, text, rules)) out.add(id);
    }
    return out;
  }
}
