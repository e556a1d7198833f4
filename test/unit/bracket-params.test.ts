import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildParams, checkShape, decodeForm, keyPath } from '../../src/rest/bracket-params.js';
import { RestError } from '../../src/rest/errors.js';

const LIMITS = { maxParams: 100000, maxDepth: 32 };
const decode = (text: string) => decodeForm(text, LIMITS);

/** The smallest of three runs: a ratio of best cases is what a noisy machine can still compare. */
function best(work: () => void): number {
  let min = Infinity;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    work();
    min = Math.min(min, performance.now() - t);
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

  it('costs time linear in the size: sixteen times the pairs, about sixteen times the time', () => {
    for (const pair of ['a[]=1', 'a=1', 'a[i]=1', 'ID[i][x]=1']) {
      const body = (n: number) => Array.from({ length: n }, (_, i) => pair.replace('i', String(i))).join('&');
      const [small, large] = [body(5000), body(80000)];
      decode(small);
      const ratio = best(() => decode(large)) / best(() => decode(small));
      // linear is about 16 (a loaded machine and the collector stretch it, up to 3.5 times seen); the quadratic merging of qs gives 256 and more
      assert.ok(ratio < 64, `${pair}: ${ratio.toFixed(1)}`);
    }
  });
});
