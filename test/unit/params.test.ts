import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestError } from '../../src/rest/errors.js';
import { intval, isYes, parseJsList, readIdList, readOffsetLimit, upperKeys } from '../../src/rest/params.js';

describe('PHP-compatible parameter reading', () => {
  it('intval follows PHP for strings, numbers, booleans and arrays', () => {
    const cases: [unknown, number][] = [
      ['12abc', 12], ['abc', 0], [' 7', 7], ['-3', -3], ['+4', 4], [1.9, 1], [-1.9, -1], [true, 1], [false, 0],
      [null, 0], [undefined, 0], [[1], 0], [{}, 0], [NaN, 0], [Infinity, 0], ['99999999999999999999', Number.MAX_SAFE_INTEGER], [-0, 0],
    ];
    for (const [input, expected] of cases) assert.equal(intval(input), expected, JSON.stringify(input));
  });

  it('isYes accepts only Y and JSON true', () => {
    assert.deepEqual(['Y', true, 'y', 'N', 1, 'true', undefined].map(isYes), [true, true, false, false, false, false, false]);
  });

  it('parseJsList reads JSON and JS-literal lists, and refuses scalars and broken text', () => {
    assert.deepEqual(parseJsList('[4,5]'), [4, 5]);
    assert.deepEqual(parseJsList(" ['4', \"5\"] "), ['4', '5']);
    assert.deepEqual(parseJsList("[4, '5', [6]]"), ['4', '5', '[6]']);
    assert.deepEqual(parseJsList('{"a":4,"b":5}'), [4, 5]);
    assert.deepEqual(parseJsList("{a: 4, b: '5'}"), ['4', '5']);
    assert.deepEqual(parseJsList('[]'), []);
    assert.equal(parseJsList('5'), null);
    assert.equal(parseJsList('[4,5'), null);
    assert.equal(parseJsList("['4]"), null);
  });

  it('readIdList keeps positive ids once, in order, and says what is wrong otherwise', () => {
    const o = { max: 9, emptyCode: 'INVALID_FORMAT' as const };
    assert.deepEqual(readIdList([3, '2', 3, 0, -1, 'x', [9], { a: 1 }, 2.7], o), [3, 2]);
    assert.deepEqual(readIdList({ 0: '4', 1: '5' }, o), [4, 5]);
    assert.deepEqual(readIdList('[5,6]', o), [5, 6]);
    for (const bad of ['5', 5, [], [0], null, true, '[x]']) {
      assert.throws(() => readIdList(bad, o), (e: RestError) => e.code === 'INVALID_FORMAT', JSON.stringify(bad));
    }
    assert.throws(() => readIdList([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], o), (e: RestError) => /10 given, at most 9/.test(e.description));
    assert.throws(() => readIdList([], { ...o, emptyCode: 'ID_EMPTY', emptyMessage: 'none' }), (e: RestError) => e.code === 'ID_EMPTY');
  });

  it('readOffsetLimit: start over OFFSET, LIMIT default 10, clamp 50, below 1 means default', () => {
    assert.deepEqual(readOffsetLimit({}, null), { offset: 0, limit: 10 });
    assert.deepEqual(readOffsetLimit({ OFFSET: '7', LIMIT: '3' }, null), { offset: 7, limit: 3 });
    assert.deepEqual(readOffsetLimit({ OFFSET: 7 }, 20), { offset: 20, limit: 10 });
    assert.deepEqual(readOffsetLimit({ OFFSET: 7 }, 0), { offset: 7, limit: 10 });
    assert.deepEqual(readOffsetLimit({ OFFSET: -4, LIMIT: 0 }, -1), { offset: 0, limit: 10 });
    assert.deepEqual(readOffsetLimit({ LIMIT: 5000 }, null), { offset: 0, limit: 50 });
  });

  it('upperKeys upper-cases top-level keys only', () => {
    assert.deepEqual(upperKeys({ id: [1], User_Data: { x: 1 } }), { ID: [1], USER_DATA: { x: 1 } });
  });
});
