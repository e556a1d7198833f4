/**
 * The in-memory list evaluator (src/read/list-eval.ts) against the SQL path's definitions: the
 * same fields with the same kinds and sort keys, code point order, and the text tests. The
 * byte-for-byte comparison of whole answers is test/http/read-agreement.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEPARTMENT_EVAL_FIELDS } from '../../src/read/department-query.js';
import { GROUP_EVAL_FIELDS } from '../../src/read/group-query.js';
import { pageInOrder, pageOfRows, textTest } from '../../src/read/list-eval.js';
import { compareText } from '../../src/read/people.js';
import type { ReadModel } from '../../src/read/model.js';
import { userEvalFields } from '../../src/read/user-query.js';
import { departmentFields } from '../../src/store/department-list.js';
import { groupFields } from '../../src/store/group-list.js';
import type { FieldMap } from '../../src/store/list-query.js';
import { userFields } from '../../src/store/user-list.js';

/** Field names in order, with kind and whether they sort. */
const shape = (fields: Record<string, { kind: string; order?: unknown }>) => Object.entries(fields).map(([name, f]) => `${name}:${f.kind}:${f.order ? 'sorts' : '-'}`);

describe('the evaluator mirrors the SQL fields', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`user.get, department.get and sonet_group.get [${dialect}]`, () => {
      // the fields are defined without touching the model: it is read only when a test runs
      const users = userEvalFields({} as ReadModel, 0, 1440);
      assert.deepEqual(shape(users), shape(userFields(dialect, 1440) as FieldMap));
      assert.deepEqual(shape(DEPARTMENT_EVAL_FIELDS), shape(departmentFields(dialect)));
      assert.deepEqual(shape(GROUP_EVAL_FIELDS), shape(groupFields(dialect)));
    });
  }
});

describe('text order', () => {
  it('is code point order, which is UTF-8 byte order (SQLite BINARY, PostgreSQL COLLATE "C")', () => {
    const words = ['b', 'B', 'a', '', 'ab', 'é', 'Ω', '中', 'ｱ', '\uffff', '𐐨', '😀', 'a😀', 'a\uff71', 'Z', '0'];
    const bytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...words].sort(compareText), bytes);
    // UTF-16 order puts the astral characters before U+FF71: the case this rule exists for
    assert.notDeepEqual([...words].sort(), bytes);
  });
});

describe('text tests', () => {
  const passes = (value: string, mode: Parameters<typeof textTest>[1], texts: string[]) => texts.filter(textTest(value, mode));

  it('ignore case per character class, simple folding only', () => {
    assert.deepEqual(passes('stra', 'prefix', ['ſtrauß', 'STRASSE', 'Strand', 'astra']), ['ſtrauß', 'STRASSE', 'Strand']);
    assert.deepEqual(passes('ΣΟΦ', 'contains', ['σοφία', 'ςοφ', 'soph']), ['σοφία', 'ςοφ']);
    assert.deepEqual(passes('strasse', 'exact', ['Straße', 'STRASSE']), ['STRASSE']);
    assert.deepEqual(passes('ǆ', 'exact', ['Ǆ', 'ǅ', 'ǆ', 'dž']), ['Ǆ', 'ǅ', 'ǆ']);
  });

  it('take % as any text in a pattern and everything else literally', () => {
    const texts = ['R%D', 'RxD', 'RD', 'A_B', 'AxB', 'C\\D', 'ab', 'a', 'aXbXa', ''];
    assert.deepEqual(passes('r%d', 'pattern', texts), ['R%D', 'RxD', 'RD']);
    assert.deepEqual(passes('a_b', 'pattern', texts), ['A_B']);
    assert.deepEqual(passes('%', 'pattern', texts), texts);
    assert.deepEqual(passes('', 'pattern', texts), ['']);
    assert.deepEqual(passes('a%a', 'pattern', texts), ['aXbXa']);
    assert.deepEqual(passes('a%b%a', 'pattern', texts), ['aXbXa']);
    assert.deepEqual(passes('%b%', 'pattern', texts), ['A_B', 'AxB', 'ab', 'aXbXa']);
    assert.deepEqual(passes('%', 'contains', texts), ['R%D']);
  });

  it('read a lone surrogate as U+FFFD, as both drivers write it', () => {
    assert.deepEqual(passes('\ud800', 'contains', ['a\ufffdb', 'ab']), ['a\ufffdb']);
  });
});

describe('pages', () => {
  const rows = Array.from({ length: 120 }, (_, i) => i + 1);
  it('page and count as LIMIT/OFFSET and COUNT do, the fast mode uncounted', () => {
    assert.deepEqual(pageOfRows(rows, null, 100, 50, true), { rows: rows.slice(100), total: 120 });
    const even = (n: number) => n % 2 === 0;
    assert.deepEqual(pageOfRows(rows, even, 50, 50, true), { rows: [102, 104, 106, 108, 110, 112, 114, 116, 118, 120], total: 60 });
    assert.deepEqual(pageOfRows(rows, even, 0, 3, false), { rows: [2, 4, 6], total: undefined });
    assert.deepEqual(pageOfRows(rows, even, 0, 3, true, 10), { rows: [12, 14, 16], total: 55 });
  });

  it('in another order: the page a full sort gives, for every offset', () => {
    // values with many ties: the order's id tie-break decides
    const items = Array.from({ length: 300 }, (_, i) => ({ id: i + 1, key: (i * 7919) % 23 }));
    const order = (a: (typeof items)[number], b: (typeof items)[number]) => b.key - a.key || a.id - b.id;
    const odd = (x: (typeof items)[number]) => x.id % 3 !== 0;
    const sorted = items.filter(odd).sort(order);
    for (const offset of [0, 1, 49, 50, 150, 199, 200, 250, 1e15]) {
      for (const limit of [0, 1, 50]) {
        assert.deepEqual(pageInOrder(items, odd, order, offset, limit, true), { rows: sorted.slice(offset, offset + limit), total: 200 }, `${offset}+${limit}`);
      }
    }
    assert.deepEqual(pageInOrder(items, null, order, 0, 2, false), { rows: [...items].sort(order).slice(0, 2), total: undefined });
  });
});
