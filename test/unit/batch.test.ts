import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyBatchResult, isHalt, readCommands, resolveReference, substitute, type BatchResult } from '../../src/rest/batch.js';
import { RestError } from '../../src/rest/errors.js';
import { WireMap } from '../../src/rest/wire-map.js';

function gathered(): BatchResult {
  const out = emptyBatchResult();
  out.result.set('page', Array.from({ length: 50 }, (_, i) => ({ ID: String(i + 101), NAME: `n${i}` })));
  out.result.set('users', WireMap.from([[5, { id: 5, departments: [3, 4] }], [7, null]]));
  out.result.set('me', { ID: '1', ADMIN: true });
  out.result_total.set('page', 120);
  out.result_next.set('page', 50);
  out.result_time.set('me', { start: 1700000000, duration: 0.5 });
  out.result_error.set('bad', { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  return out;
}

describe('batch halt', () => {
  it('is on for 1, true, Y and off for 0, false, N, empty and absent', () => {
    for (const on of [1, '1', true, 'true', 'TRUE', 'Y', 'y', 'yes', 'on', 2]) assert.equal(isHalt(on), true, String(on));
    for (const off of [0, '0', false, 'false', 'N', 'n', '', undefined, null, 'abc', [], {}]) assert.equal(isHalt(off), false, JSON.stringify(off));
  });
});

describe('batch commands', () => {
  it('reads a list, a map, a WireMap and JSON text, keeping order and keys', () => {
    assert.deepEqual(readCommands(['a', 'b']), [['0', 'a'], ['1', 'b']]);
    assert.deepEqual(readCommands({ x: 'a', y: 'b' }), [['x', 'a'], ['y', 'b']]);
    assert.deepEqual(readCommands(WireMap.from([['q', 'a']])), [['q', 'a']]);
    assert.deepEqual(readCommands('{"u":"user.get"}'), [['u', 'user.get']]);
    assert.deepEqual(readCommands('["server.time"]'), [['0', 'server.time']]);
    assert.throws(() => readCommands('server.time'), RestError);
    assert.throws(() => readCommands(5), RestError);
  });
});

describe('batch references', () => {
  it('walks a path through lists, maps and WireMaps', () => {
    const out = gathered();
    assert.equal(resolveReference(out, 'result', '[page][49][ID]'), '150');
    assert.deepEqual(resolveReference(out, 'result', '[users][5][departments]'), [3, 4]);
    assert.equal(resolveReference(out, 'result', '[users][7]'), null);
    assert.equal(resolveReference(out, 'total', '[page]'), 120);
    assert.equal(resolveReference(out, 'next', '[page]'), 50);
    assert.equal(resolveReference(out, 'time', '[me][duration]'), 0.5);
    assert.equal(resolveReference(out, 'error', '[bad][error]'), 'ERROR_METHOD_NOT_FOUND');
    assert.equal(resolveReference(out, 'RESULT', '[me][ID]'), '1');
  });

  it('refuses references that do not resolve instead of guessing', () => {
    const out = gathered();
    assert.throws(() => resolveReference(out, 'result', '[page][50][ID]'), /\$result\[page\] has no \[50\]/);
    assert.throws(() => resolveReference(out, 'result', '[nope][0]'), /no earlier command "nope"/);
    assert.throws(() => resolveReference(out, 'next', '[me]'), /cannot be resolved/);
  });

  it('replaces whole values by the value and embedded references by their text', () => {
    const out = gathered();
    const params = {
      filter: { '>ID': '$result[page][49][ID]' },
      ids: '$result[users][5][departments]',
      users: '$result[users]',
      text: 'after $result[page][0][ID] and $total[page] items, admin=$result[me][ADMIN]',
      untouched: '$result without a path, and a price of $5',
      list: ['$next[page]', 'x'],
    };
    assert.deepEqual(substitute(params, out), {
      filter: { '>ID': '150' },
      ids: [3, 4],
      users: { 5: { id: 5, departments: [3, 4] }, 7: null },
      text: 'after 101 and 120 items, admin=1',
      untouched: '$result without a path, and a price of $5',
      list: [50, 'x'],
    });
    const users = substitute('$result[users]', out);
    assert.equal(users instanceof WireMap, false, 'methods receive plain data');
  });

  it('refuses a list embedded in text', () => {
    assert.throws(() => substitute('ids: $result[users][5][departments]', gathered()), /cannot be part of a longer text/);
  });
});
