/** Case-insensitive literal matching: case classes, the engine patterns, FIND words and department matching. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseVariants, foldCase } from '../../src/store/case-fold.js';
import { matchDepartments, presentImDepartment } from '../../src/directory/department-object.js';
import { DepartmentTree } from '../../src/directory/tree.js';
import { idleSince } from '../../src/methods/im-status.js';
import { searchWords } from '../../src/methods/im-search.js';
import { RestError } from '../../src/rest/errors.js';
import { globWordPrefix, likePrefilter, regexWordPrefix, WORD_SEPARATORS } from '../../src/store/search.js';

describe('case classes', () => {
  it('pairs letters of every cased alphabet, the given character first', () => {
    assert.deepEqual(caseVariants('m'), ['m', 'M']);
    assert.deepEqual(caseVariants('Ü'), ['Ü', 'ü']);
    assert.deepEqual(caseVariants('ж'), ['ж', 'Ж']);
    assert.deepEqual(caseVariants('𐐀'), ['𐐀', '𐐨']); // Deseret, outside the BMP
  });

  it('groups every character with the same simple folding, both ways', () => {
    assert.deepEqual(new Set(caseVariants('σ')), new Set(['σ', 'Σ', 'ς']));
    assert.deepEqual(new Set(caseVariants('ς')), new Set(['σ', 'Σ', 'ς']));
    assert.deepEqual(new Set(caseVariants('k')), new Set(['k', 'K', '\u212a'])); // Kelvin sign
    assert.deepEqual(new Set(caseVariants('ß')), new Set(['ß', 'ẞ']));
  });

  it('leaves caseless characters alone', () => {
    for (const ch of ['1', '%', '_', '\\', '*', '[', ' ', '😀', '中']) assert.deepEqual(caseVariants(ch), [ch]);
  });

  it('folds whole strings so that equal folds mean equal ignoring case', () => {
    assert.equal(foldCase('MÜLLER'), foldCase('müller'));
    assert.equal(foldCase('ΣΊΣΥΦΟΣ'), foldCase('σίσυφος'));
    assert.equal(foldCase('ИВАНОВ'), foldCase('Иванов'));
    assert.notEqual(foldCase('Straße'), foldCase('STRASSE')); // simple folding only
    assert.equal(foldCase('100%_\\'), '100%_\\');
  });

  it('folds each character to one key per case class, on the ASCII path and the other alike, first time and again', () => {
    // a non-ASCII character in front takes the character-by-character path
    const slow = (ch: string) => foldCase(`\u00e9${ch}`).slice(1);
    const byFold = new Map<string, Set<string>>();
    for (const [from, to] of [[0x20, 0x7e], [0xa0, 0x24f], [0x370, 0x52f], [0x1e00, 0x1fff], [0x2100, 0x214f], [0x10400, 0x1044f]] as const) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        const folded = slow(ch);
        if (cp < 0x80) assert.equal(foldCase(ch), folded, `U+${cp.toString(16)}: the ASCII path agrees`);
        assert.equal(slow(ch), folded, `U+${cp.toString(16)}: the same again`);
        const variants = caseVariants(ch);
        if (variants.length === 1) assert.equal(folded, ch, `U+${cp.toString(16)} is caseless: itself`);
        for (const v of variants) assert.equal(slow(v), folded, `U+${cp.toString(16)} and its variant ${v}`);
        if (!byFold.has(folded)) byFold.set(folded, new Set());
        byFold.get(folded)!.add(ch);
      }
    }
    // and characters of different classes never share a fold
    for (const [folded, chars] of byFold) for (const ch of chars) assert.ok(caseVariants(ch).includes([...chars][0]!), `${ch} and ${[...chars][0]} fold to ${folded}`);
    assert.equal(foldCase('Kelvin \u212a'), foldCase('kelvin k'));
  });
});

describe('engine patterns', () => {
  it('GLOB: word start after a separator, letters as classes, GLOB specials bracketed, % _ \\ as themselves', () => {
    assert.equal(globWordPrefix('mü'), `*[${WORD_SEPARATORS}][mM][üÜ]*`);
    assert.equal(globWordPrefix('a*?[]'), `*[${WORD_SEPARATORS}][aA][*][?][[]]*`);
    assert.equal(globWordPrefix('1%_\\'), `*[${WORD_SEPARATORS}]1%_\\*`);
  });

  it('regex: anchored at a word start, ASCII punctuation escaped, letters as classes', () => {
    assert.equal(regexWordPrefix('mü'), `(^|[${WORD_SEPARATORS}])[mM][üÜ]`);
    assert.equal(regexWordPrefix('a.b*'), `(^|[${WORD_SEPARATORS}])[aA]\\.[bB]\\*`);
    assert.equal(regexWordPrefix('1%_\\(|'), `(^|[${WORD_SEPARATORS}])1\\%\\_\\\\\\(\\|`);
  });

  it('SQLite\'s LIKE prefilter: escaped specials, ASCII-only letters as themselves, the rest as _', () => {
    assert.equal(likePrefilter('Mü%_\\'), '%M_\\%\\_\\\\%');
    // k, s and i have non-ASCII variants (Kelvin sign, long s, dotless i) that LIKE would not fold
    assert.equal(likePrefilter('kasi'), '%_a__%');
    assert.equal(likePrefilter('中1-'), '%中1-%');
  });

  it('the regex agrees with JavaScript on what it matches', () => {
    // without the u flag JavaScript, like PostgreSQL, takes a backslash before punctuation as literal
    const test = (word: string, text: string) => new RegExp(regexWordPrefix(word)).test(text);
    assert.equal(test('müll', 'Hannah Müller'), true);
    assert.equal(test('üller', 'Hannah Müller'), false);
    assert.equal(test('lüd', 'MÜLLER-Lüdenscheidt'), true);
    assert.equal(test('10%', '100% remote'), false);
    assert.equal(test('100%', '100% remote'), true);
    assert.equal(test('sm.th', 'Smith'), false);
  });
});

describe('FIND words', () => {
  const short = (find: string) => assert.throws(() => searchWords(find), (e: unknown) => e instanceof RestError && e.code === 'FIND_SHORT');

  it('needs two characters after trimming, counted as characters not UTF-16 units', () => {
    for (const find of ['', ' ', 'a', '  a  ', '\u0000', '\u0000a\u0000', '😀']) short(find);
    assert.deepEqual(searchWords('ab'), ['ab']);
    assert.deepEqual(searchWords('😀😀'), ['😀😀']);
  });

  it('splits on any white space and control character and drops duplicate words', () => {
    assert.deepEqual(searchWords('  Sales\tmanager\u0000sales  '), ['Sales', 'manager', 'sales']);
    assert.deepEqual(searchWords('a b a'), ['a', 'b']);
  });
});

describe('idle.start AGO', () => {
  const now = 1_800_000_000;
  it('defaults to 10 minutes, reads intval, and makes anything below 1 one minute', () => {
    assert.equal(idleSince({}, now), now - 600);
    assert.equal(idleSince({ AGO: null }, now), now - 600);
    assert.equal(idleSince({ AGO: '45' }, now), now - 2700);
    assert.equal(idleSince({ AGO: 2.9 }, now), now - 120);
    for (const AGO of [0, -5, '', 'abc', [], {}, false]) assert.equal(idleSince({ AGO }, now), now - 60, JSON.stringify(AGO));
  });

  it('never goes before the Unix epoch, however large AGO is', () => {
    for (const AGO of [1e12, '99999999999999999999', Number.MAX_SAFE_INTEGER]) {
      const at = idleSince({ AGO }, now);
      assert.ok(at >= 0 && at < 60, String(AGO));
    }
  });
});

describe('department objects', () => {
  const tree = new DepartmentTree([
    { id: 1, name: 'Company', parent_id: null, sort: 500, head_id: 1 },
    { id: 2, name: 'Sales', parent_id: 1, sort: 100, head_id: null },
    { id: 3, name: 'Vertrieb Österreich', parent_id: 2, sort: 100, head_id: 9 },
    { id: 4, name: 'Résumé 100%', parent_id: 1, sort: 200, head_id: null },
  ]);

  it('full_name reads child to root; no head is manager 0 and, with user data, null', () => {
    assert.deepEqual(presentImDepartment(tree.byId.get(3)!, tree), {
      id: 3, name: 'Vertrieb Österreich', full_name: 'Vertrieb Österreich / Sales / Company', manager_user_id: 9,
    });
    assert.deepEqual(presentImDepartment(tree.byId.get(2)!, tree, new Map()), {
      id: 2, name: 'Sales', full_name: 'Sales / Company', manager_user_id: 0, manager_user_data: null,
    });
  });

  it('matches the start of the full name or the text after a space, ignoring case, literally', () => {
    const ids = (find: string) => matchDepartments(tree, find).map((d) => d.id);
    assert.deepEqual(ids(''), [1, 2, 4, 3].sort((a, b) => tree.rankOf(a) - tree.rankOf(b)));
    assert.deepEqual(ids('x'), ids(''));
    assert.deepEqual(ids('sales'), [2, 3]); // a parent's name is part of the child's full name
    assert.deepEqual(ids('company'), [1, 2, 3, 4]);
    assert.deepEqual(ids('ÖSTERR'), [3]);
    assert.deepEqual(ids('sterr'), []);
    assert.deepEqual(ids('résumé 100%'), [4]);
    assert.deepEqual(ids('RÉSUMÉ 10_'), []);
    assert.deepEqual(ids('Sales / Com'), [2, 3]);
  });
});
