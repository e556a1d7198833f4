import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildParams, checkShape, decodeForm, decodeFormYielding, formPairs, keyPath } from '../../src/rest/bracket-params.js';
import { RestError } from '../../src/rest/errors.js';

const LIMITS = { maxParams: 200000, maxDepth: 32 };
const decode = (text: string) => decodeForm(text, LIMITS);

/** The smallest of three runs: a ratio of best cases is what a noisy machine can still compare. */
/** The least CPU time of five runs: on a loaded machine wall time also counts the waits for a core. */
function best(work: () => void): number {
  let min = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = process.cpuUsage();
    work();
    const used = process.cpuUsage(t);
    min = Math.min(min, used.user + used.system);
  }
  return min;
}

describe('PHP bracket parameters', () => {
  it('reads the shapes clients send as qs did', () => {
    const cases: [string, unknown][] = [
      ['ID[]=4&ID[]=5', { ID: ['4', '5'] }],
      ['ID[0]=4', { ID: ['4'] }],
      ['ID[0]=4&ID[1]=5', { ID: ['4', '5'] }],
      ['FILTER[>ID]=10&FILTER[%NAME]=a', { FILTER: { '>ID': '10', '%NAME': 'a' } }],
      ['cmd[a]=user.get%3FID%3D1&cmd[b]=x', { cmd: { a: 'user.get?ID=1', b: 'x' } }],
      ['a[b][c][]=1&a[b][c][]=2', { a: { b: { c: ['1', '2'] } } }],
      ['a=1&a=2', { a: ['1', '2'] }],
      ['a=1&a[]=2', { a: ['1', '2'] }],
      ['a[x]=1&a[]=2', { a: { x: '1', 0: '2' } }],
      ['a[]=1&a[x]=2', { a: { 0: '1', x: '2' } }],
      ['a+b=c+d', { 'a b': 'c d' }],
      ['%ZZ=1&b=%E0%A4', { '%ZZ': '1', b: '%E0%A4' }],
      ['[a]=1', { a: '1' }],
      ['a[b]c=1', { a: { b: '1' } }],
      ['a', { a: '' }],
      ['=1&&a=1&', { a: '1' }],
      ['a[0][b]=1&a[0][c]=2', { a: [{ b: '1', c: '2' }] }],
      ['a[][b]=1&a[][b]=2', { a: [{ b: '1' }, { b: '2' }] }],
      ['x[a=b]=c', { x: { 'a=b': 'c' } }],
    ];
    for (const [text, expected] of cases) assert.deepEqual(decode(text), expected, text);
  });

  it('keeps PHP keys where a list has gaps, in key order', () => {
    assert.deepEqual(decode('a[2]=x&a[0]=y'), { a: { 0: 'y', 2: 'x' } });
    assert.deepEqual(Object.values(decode('a[5]=1&a[]=2').a as object), ['1', '2']);
  });

  it('drops keys that would reach Object.prototype', () => {
    const out = decode('toString=1&a[constructor]=2&__proto__[x]=1&b[__proto__]=3&ok=1');
    assert.deepEqual(out, { ok: '1' });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('splits names into paths', () => {
    assert.deepEqual(keyPath('a[b][]', LIMITS), ['a', 'b', '']);
    assert.deepEqual(keyPath('a[b', LIMITS), ['a[b']);
    assert.equal(keyPath('', LIMITS), null);
  });

  it('refuses more parameters or deeper nesting than the limits, with a 400', () => {
    const small = { maxParams: 10, maxDepth: 3 };
    assert.deepEqual(Object.keys(decodeForm('a=1&'.repeat(10), small)), ['a']);
    assert.throws(() => decodeForm('a=1&'.repeat(11), small), (e: RestError) => e.status === 400 && /at most 10 values/.test(e.description));
    assert.deepEqual(decodeForm('a[b][c]=1', small), { a: { b: { c: '1' } } });
    assert.throws(() => decodeForm('a[b][c][d]=1', small), (e: RestError) => e.status === 400 && /nested too deeply/.test(e.description));
    assert.throws(() => buildParams(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']), small), RestError);
  });

  it('checks the shape of decoded JSON without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200000; i++) deep = [deep];
    assert.throws(() => checkShape({ ADMIN_MODE: deep }, LIMITS), (e: RestError) => e.status === 400);
    assert.throws(() => checkShape({ ID: Array.from({ length: 11 }, () => 1) }, { maxParams: 10, maxDepth: 5 }), RestError);
    checkShape({ a: { b: [1, 2, { c: null }] } }, { maxParams: 4, maxDepth: 4 });
  });

  it('throws nothing but RestError on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', '[', ']', '=', '&', '%', '+', 'E0', 'A4', '_', '>', ' ') , maxLength: 200 }), (text) => {
        try {
          const out = decodeForm(text, { maxParams: 20, maxDepth: 4 });
          checkShape(out, { maxParams: 20, maxDepth: 4 });
        } catch (error) {
          assert.ok(error instanceof RestError, String(error));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes forms without brackets as the tree does, names that decode to brackets included', () => {
    const verdict = (work: () => unknown) => {
      try {
        return { value: work() };
      } catch (error) {
        assert.ok(error instanceof RestError, String(error));
        return { error: error.description };
      }
    };
    const units = ['a', 'B', '0', '1', '=', '&', '%', '+', '%5B', '%5b', '%5D', ']', 'E0', '%41', '%E2%82%AC', '__proto__', 'constructor', 'toString', '_', ' '];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...units), maxLength: 60 }), (text) => {
        const limits = { maxParams: 8, maxDepth: 3 };
        assert.deepEqual(verdict(() => decodeForm(text, limits)), verdict(() => buildParams(formPairs(text, limits), limits)), text);
      }),
      { numRuns: 5000 },
    );
    assert.deepEqual(decode('ID=4&ID=5&AVATAR_HR=Y&__proto__=x&=1&a+b=%41'), { ID: ['4', '5'], AVATAR_HR: 'Y', 'a b': 'A' });
    assert.deepEqual(decode('a%5Bb%5D=1'), { a: { b: '1' } });
  });

  it('decodes bodies with the event loop served meanwhile: the same parameters and errors as decodeForm', async () => {
    const verdict = async (work: () => unknown) => {
      try {
        return { value: await work() };
      } catch (error) {
        assert.ok(error instanceof RestError, String(error));
        return { error: error.description };
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', '[', ']', '=', '&', '%', '+', 'E0', '_', '>'), maxLength: 200 }), async (text) => {
        const limits = { maxParams: 20, maxDepth: 4 };
        assert.deepEqual(await verdict(() => decodeFormYielding(text, limits)), await verdict(() => decodeForm(text, limits)), text);
      }),
      { numRuns: 2000 },
    );
    // too many pairs is refused before a deep key further on is looked at, as decodeForm does
    const both = `a${'[x]'.repeat(40)}=1&${'a=1&'.repeat(30)}`;
    await assert.rejects(decodeFormYielding(both, { maxParams: 20, maxDepth: 32 }), /at most 20 values/);
    assert.throws(() => decodeForm(both, { maxParams: 20, maxDepth: 32 }), /at most 20 values/);
  });

  it('a 1 MiB form body of 31-level keys is decoded in slices: other callbacks run before it is done', async () => {
    const pair = `a${'[x]'.repeat(30)}=1`;
    const body = Array.from({ length: Math.floor(1048576 / (pair.length + 1)) }, () => pair).join('&');
    // another client's work: a callback that runs once per turn of the event loop
    let served = 0;
    let decoding = true;
    const other = () => {
      served++;
      if (decoding) setImmediate(other);
    };
    setImmediate(other);
    const out = await decodeFormYielding(body, { maxParams: 20000, maxDepth: 32 });
    decoding = false;
    assert.deepEqual(out, decodeForm(body, { maxParams: 20000, maxDepth: 32 }));
    // decoded in one go (as decodeForm does), no turn of the loop would have passed meanwhile
    assert.ok(served >= 10, `the loop turned ${served} times while 350,000 levels of keys were decoded`);
  });

  it('costs time linear in the size: sixteen times the pairs, about sixteen times the time', () => {
    for (const pair of ['a[]=1', 'a=1', 'a[i]=1', 'ID[i][x]=1']) {
      const body = (n: number) => Array.from({ length: n }, (_, i) => pair.replace('i', String(i))).join('&');
      const [small, large] = [body(10000), body(160000)];
      decode(small);
      const ratio = best(() => decode(large)) / best(() => decode(small));
      // linear is about 16, but the larger body also leaves the young generation: 10 to 62 seen in
      // CPU time; the quadratic merging of qs gives 256 and more
      assert.ok(ratio < 128, `${pair}: ${ratio.toFixed(1)}`);
    }
  });
});
