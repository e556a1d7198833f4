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
import { RawJson, WireMap } from '../../src/rest/wire-map.js';

/** The text the writer must give, written the slow, obvious way. */
function reference(v: unknown): string {
  if (v instanceof RawJson) return typeof v.json === 'string' ? v.json : v.json.toString('utf8');
  if (v instanceof WireMap) {
    return v.isList() ? `[${v.pairs().map(([, x]) => reference(x)).join(',')}]` : `{${v.pairs().map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : reference(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

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

  it('writes any text, keys and serialized pieces as UTF-8 of the reference text, in maps, lists and objects', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), fc.string({ unit: 'grapheme', minLength: 40, maxLength: 200 }));
    const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), text.map((t) => new RawJson(JSON.stringify(t))), text.map((t) => new RawJson(Buffer.from(JSON.stringify({ t })))));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('list'), tie('object')),
      map: fc.array(fc.tuple(fc.oneof(text, fc.nat().map(String)), tie('tree')), { maxLength: 5 }).map((pairs) => WireMap.from(pairs)),
      list: fc.array(fc.oneof(tie('tree'), fc.constant(undefined)), { maxLength: 5 }),
      object: fc.dictionary(text, tie('tree'), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(tree, (v) => {
        const expected = reference(v);
        assert.equal(toJson(v), expected);
        const bytes = Buffer.byteLength(expected);
        assert.equal(toJson(v, bytes), expected);
        assert.throws(() => toJson(v, bytes - 1), (e: RestError) => e.code === 'ANSWER_TOO_LARGE');
      }),
      { numRuns: 3000 },
    );
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
