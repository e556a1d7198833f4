/**
 * Issue 9: the shape of a JSON body is checked on its text, before JSON.parse builds a tree of
 * it (a 1 MiB body of 500,000 values or levels held the event loop for hundreds of milliseconds
 * before `checkShape` refused the parsed tree). The scan must throw exactly what `checkShape`
 * throws on the parsed value, and nothing for bodies within the limits.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { checkShape } from '../../src/rest/bracket-params.js';
import { RestError } from '../../src/rest/errors.js';
import { scanJsonShape } from '../../src/rest/json-scan.js';
import { parseJsonBody } from '../../src/rest/request-params.js';

const DEFAULTS = { maxParams: 20000, maxDepth: 32 };

/** What checkShape says about the parsed text: its message, or null when it accepts it. */
function shapeVerdict(text: string, limits: typeof DEFAULTS): string | null {
  try {
    checkShape(JSON.parse(text), limits);
    return null;
  } catch (error) {
    assert.ok(error instanceof RestError, String(error));
    return error.description;
  }
}

function scanVerdict(text: string, limits: typeof DEFAULTS): string | null {
  try {
    scanJsonShape(text, limits);
    return null;
  } catch (error) {
    assert.ok(error instanceof RestError, String(error));
    return error.description;
  }
}

describe('JSON shape scan before JSON.parse', () => {
  it('refuses a 1 MiB body nested 500,000 levels without parsing it', () => {
    const half = 500000;
    const body = `{"a":${'['.repeat(half)}${']'.repeat(half)}}`;
    const parse = mock.method(JSON, 'parse');
    try {
      assert.throws(
        () => parseJsonBody(body, DEFAULTS),
        (e: RestError) => e.status === 400 && e.code === 'ERROR_ARGUMENT' && /nested too deeply: at most 32 levels/.test(e.description),
      );
      assert.equal(parse.mock.callCount(), 0, 'JSON.parse was not called');
    } finally {
      parse.mock.restore();
    }
  });

  it('refuses a 1 MiB list of 500,000 numbers at 20,001 without parsing it', () => {
    const body = `{"ID":[${Array.from({ length: 500000 }, () => '1').join(',')}]}`;
    const parse = mock.method(JSON, 'parse');
    try {
      assert.throws(() => parseJsonBody(body, DEFAULTS), (e: RestError) => e.status === 400 && /at most 20000 values/.test(e.description));
      assert.equal(parse.mock.callCount(), 0, 'JSON.parse was not called');
    } finally {
      parse.mock.restore();
    }
  });

  it('decodes bodies within the limits exactly as JSON.parse does, and without limits as before', () => {
    const texts = [
      '{"ID":[1,2,3],"FILTER":{">ID":"10","NAME":"a [b] {c} \\"d\\" \\\\"},"x":null,"t":true,"f":false,"n":-1.5e3}',
      '[1,{"a":"]]]]"}]',
      `{"a":${'['.repeat(31)}${']'.repeat(31)}}`,
      `{"ID":[${Array.from({ length: 19999 }, (_, i) => i).join(',')}]}`,
      ' \n{ "a" : "b" } ',
    ];
    for (const text of texts) {
      const parsed = JSON.parse(text);
      assert.deepEqual(parseJsonBody(text, DEFAULTS), Array.isArray(parsed) ? { ...parsed } : parsed);
    }
    // the admin import's documents take no limits: deeper and wider than REST parameters
    const deep = `{"a":${'['.repeat(40)}${']'.repeat(40)}}`;
    assert.deepEqual(parseJsonBody(deep), JSON.parse(deep));
    assert.throws(() => parseJsonBody(deep, DEFAULTS), /nested too deeply/);
  });

  it('reads strings whole: escaped quotes and backslashes, brackets and keys inside them count for nothing', () => {
    const small = { maxParams: 3, maxDepth: 2 };
    // three values, two levels: everything else is inside strings or is a key
    assert.equal(scanVerdict('{"[[[[":["\\"[[[[\\"","\\\\",  "{\\u0022:[[["]}', small), null);
    assert.match(scanVerdict('{"a":["x","y","z","w"]}', small)!, /at most 3 values/);
    assert.match(scanVerdict('{"a":[["x"]]}', small)!, /at most 2 levels/);
    // a key is a string followed by `:`, white space or not
    assert.equal(scanVerdict('{"a" \n: 1, "b":2, "c"\t:3}', small), null);
    // malformed text is left to JSON.parse
    assert.throws(() => parseJsonBody('{"a":[1,2', DEFAULTS), /Malformed JSON body/);
  });

  it('throws what checkShape throws on the parsed value, in the same order, for any JSON', () => {
    const key = fc.constantFrom('a', 'ID', 'FILTER', '>ID', 'x y', 'q"uote', 'back\\slash', '[', ']', '{}', ':', ',', 'é', '\u2028');
    const scalar = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '[', ']', '{', '}', '"', '\\', ':', ',', ' ', '\n', 'é', '\u0000') }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('tree'), { maxLength: 6 }),
        fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
      ),
    }));
    const limits = fc.record({ maxParams: fc.integer({ min: 1, max: 12 }), maxDepth: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(tree, limits, fc.constantFrom(undefined, 1, '\t'), (value, lim, space) => {
        const text = JSON.stringify(value, null, space);
        if (text === undefined) return;
        assert.equal(scanVerdict(text, lim), shapeVerdict(text, lim), text);
      }),
      { numRuns: 3000 },
    );
  });
});
