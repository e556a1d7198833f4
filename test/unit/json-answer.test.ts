/**
 * The answer's JSON text (src/http/json.ts): what JSON.stringify writes, WireMaps in their own
 * key order. Lists without WireMaps are written in one native call (issue 9: 50 batch commands
 * of 20,000 ids, one piece per id, held the event loop a quarter of a second); the text must
 * not change for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toJson } from '../../src/http/json.js';
import { RestError } from '../../src/rest/errors.js';
import { WireMap } from '../../src/rest/wire-map.js';

describe('answer JSON', () => {
  it('writes what JSON.stringify writes for any value without WireMaps, holes and undefined in lists included', () => {
    const value = fc.oneof(fc.jsonValue(), fc.array(fc.oneof(fc.jsonValue(), fc.constant(undefined)), { maxLength: 8 }));
    fc.assert(
      fc.property(value, (v) => assert.equal(toJson(v), JSON.stringify(v))),
      { numRuns: 2000 },
    );
    // eslint-disable-next-line no-sparse-arrays
    assert.equal(toJson({ a: [1, , undefined, null, { b: undefined }] }), '{"a":[1,null,null,null,{}]}');
  });

  it('keeps WireMap key order inside lists and objects, and counts every character against the cap', () => {
    const map = WireMap.from([[10, [3, 1]], [2, [5]]]);
    assert.equal(toJson({ result: { a: map, b: [map, [1, 2]] } }), '{"result":{"a":{"10":[3,1],"2":[5]},"b":[{"10":[3,1],"2":[5]},[1,2]]}}');
    const ids = Array.from({ length: 20000 }, (_, i) => i + 1);
    const text = toJson(WireMap.from([[1, ids]]));
    assert.equal(text, `{"1":${JSON.stringify(ids)}}`);
    assert.throws(() => toJson(WireMap.from([[1, ids]]), text.length - 1), (e: RestError) => e.code === 'ANSWER_TOO_LARGE');
    assert.equal(toJson(WireMap.from([[1, ids]]), text.length), text);
  });
});
