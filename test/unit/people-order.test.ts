/**
 * The console directory's orders in memory (src/read/people.ts) against the plainest reading of
 * the rule (sort every taken user by key in code point order, then id; slice the page), through
 * random renames, additions and removals that the kept orders follow in place.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareText, PeopleOrder, sameSortKeys } from '../../src/read/people.js';
import type { UserEntry } from '../../src/read/model.js';
import { prng } from '../../src/state/generate.js';
import type { PeopleQuery, PeopleSort } from '../../src/store/people.js';

/** Names with ties, letter cases, accents and astral characters (which UTF-16 order puts before U+E000..U+FFFF). */
const WORDS = ['Ann', 'ann', 'Anna', 'Ünal', 'Zoë', '𝒜da', '\uffefx', 'Ω', '', 'Bob', 'bob', 'Ann', '中村', 'Ærø'];

function entry(id: number, lastName: string, position: string, active: boolean): UserEntry {
  return { row: { id, last_name: lastName, work_position: position, active: active ? 1 : 0, external_auth_id: null, user_type: 'employee' } as UserEntry['row'], departments: [], absences: [], bot: null };
}

/** Code point order by the definition: compare the arrays of code points. */
function byCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe('the console directory\'s kept orders', () => {
  it('compare text in code point order', () => {
    for (const a of WORDS) for (const b of WORDS) assert.equal(Math.sign(compareText(a, b)), Math.sign(byCodePoints(a, b)), `${a} ${b}`);
  });

  it('answer every page as sorting from scratch would, through renames, additions and removals', () => {
    const rnd = prng(9);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const users = new Map<number, UserEntry>();
    for (let id = 1; id <= 400; id++) users.set(id, entry(id, pick(WORDS), pick(WORDS), rnd() < 0.9));
    const order = new PeopleOrder(users);
    let nextId = 401;
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 8; i++) {
        const sort = pick<PeopleSort>(['LAST_NAME', 'WORK_POSITION', 'ID']);
        const desc = rnd() < 0.4;
        const q: PeopleQuery = { words: [], department: null, kind: 'all', active: 'all', sort, desc, offset: pick([0, 0, 50, 150, 390]), limit: pick([10, 50]) };
        const accept = rnd() < 0.5 ? () => true : (e: UserEntry) => e.row.active === 1;
        const matched = rnd() < 0.4 ? [...users.keys()].filter(() => rnd() < 0.3).sort((a, b) => a - b) : null;
        const column = sort === 'LAST_NAME' ? 'last_name' : 'work_position';
        const expected = [...(matched ?? users.keys())]
          .filter((id) => accept(users.get(id)!))
          .sort((a, b) => {
            if (sort === 'ID') return desc ? b - a : a - b;
            return (desc ? -1 : 1) * byCodePoints(users.get(a)!.row[column], users.get(b)!.row[column]) || a - b;
          });
        const got = order.page(q, accept, matched);
        assert.equal(got.total, expected.length);
        assert.deepEqual(got.ids, expected.slice(q.offset, q.offset + q.limit), `${sort} ${desc ? 'desc' : 'asc'} from ${q.offset}, round ${round}`);
      }
      // a few changes, as the read model applies them: the map first, then the orders told who moved
      const moved: number[] = [];
      for (let i = 0; i < 1 + Math.floor(rnd() * 5); i++) {
        const ids = [...users.keys()];
        const change = rnd();
        const id = change < 0.2 ? nextId++ : pick(ids);
        const before = users.get(id);
        const after = change < 0.35 && before ? undefined : entry(id, rnd() < 0.5 && before ? before.row.last_name : pick(WORDS), pick(WORDS), rnd() < 0.9);
        if (after) users.set(id, after);
        else users.delete(id);
        if (!sameSortKeys(before, after)) moved.push(id);
      }
      order.update(moved);
    }
  });
});
