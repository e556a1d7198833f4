/**
 * Issue 9, finding 4: client input that used to end in a 500. Deep nesting overflowed the stack
 * in error messages, long value lists overflowed SQLite's expression tree and the bound
 * parameters of both engines, case variants of one filter key multiplied it, and a `%` in HTTP
 * Basic credentials threw in decodeURIComponent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readId } from '../../src/methods/id-param.js';
import { readFilter } from '../../src/methods/list-params.js';
import { preview } from '../../src/rest/params.js';
import { RestError } from '../../src/rest/errors.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

/** `[[[...1...]]]` nested `depth` levels, as JSON text (built without recursion). */
const nestedJson = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

function deepValue(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Spellings of one key that differ in case and white space only. */
function variants(key: string, count: number): string[] {
  const out = new Set<string>();
  for (let mask = 0; out.size < count; mask++) {
    const cased = [...key].map((c, i) => ((mask >> i) & 1 ? c.toLowerCase() : c.toUpperCase())).join('');
    out.add(`${' '.repeat(mask >> key.length)}${cased}`);
  }
  return [...out];
}

describe('error messages about client values never recurse into them', () => {
  it('preview and readId survive a value nested 200,000 levels', () => {
    const deep = deepValue(200000);
    assert.equal(preview(deep), `${'['.repeat(40)}...`);
    assert.equal(preview({ a: 'x'.repeat(100) }), `{"a":"${'x'.repeat(34)}...`);
    assert.equal(preview('ok'), '"ok"');
    assert.throws(() => readId({ ID: deep }, 'ID', 'a group'), (e: RestError) => e.code === 'ERROR_ARGUMENT' && e.description.length < 200);
    assert.throws(() => readFilter({ ID: { x: deep } }, { fields: { ID: { kind: 'int' } }, maxValues: 10, timeZone: 'UTC' }), RestError);
  });
});

for (const engine of engines) {
  describe(`input that used to answer 500 (finding 4) [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    const post = (method: string, body: string) =>
      r.fetch(`${r.admin.slice(r.url.length)}${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    it('deeply nested JSON (200,000 levels) is a 400 for every parameter that used to overflow the stack', async () => {
      const deep = nestedJson(200000);
      const cases: [string, string][] = [
        ['user.get', `{"ADMIN_MODE":${deep}}`],
        ['user.get', `{"order":${deep}}`],
        ['user.get', `{"select":${deep}}`],
        ['user.get', `{"FILTER":{"ID":${deep}}}`],
        ['scope', `{"full":${deep}}`],
        ['sonet_group.user.get', `{"ID":${deep}}`],
        ['batch', `{"cmd":${deep}}`],
      ];
      for (const [method, body] of cases) {
        const res = await post(method, body);
        assert.equal(res.status, 400, `${method} ${body.slice(0, 30)}: ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.match(res.body.error_description, /nested too deeply/);
      }
      // nesting within the limit still reaches the method and gets its own answer
      const shallow = await post('sonet_group.user.get', `{"ID":${nestedJson(20)}}`);
      assert.equal(shallow.status, 400);
      assert.equal(shallow.body.argument, 'ID');
    });

    it('a text filter with 1,000 values is a 400, 100 values work', async () => {
      const names = (n: number) => Array.from({ length: n }, (_, i) => `Name${i}`);
      const many = await r.call('user.get', { FILTER: { NAME: names(1000) } });
      assert.equal(many.status, 400, many.text.slice(0, 200));
      assert.match(many.body.error_description, /lists 1000 values, at most 100 are accepted/);
      const fine = await r.call('user.get', { FILTER: { NAME: names(100) } });
      assert.equal(fine.status, 200, fine.text.slice(0, 200));
      const department = await r.call('department.get', { NAME: names(1000) });
      assert.equal(department.status, 400);
    });

    it('case and white-space variants of one filter key do not multiply it', async () => {
      const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
      // 40 variants of 1,000 ids each are refused by the parameter limit already; 15 get through to the filter
      assert.equal((await r.call('user.get', { FILTER: Object.fromEntries(variants('ID', 40).map((k) => [k, ids])) })).status, 400);
      const idVariants = Object.fromEntries(variants('ID', 15).map((k) => [k, ids]));
      const res = await r.call('user.get', { FILTER: idVariants });
      assert.equal(res.status, 400, res.text.slice(0, 200));
      assert.match(res.body.error_description, /name the same condition/);
      const nameVariants = Object.fromEntries(variants('NAME', 70).map((k) => [k, ['a', 'b']]));
      const names = await r.call('user.get', nameVariants);
      assert.equal(names.status, 400, names.text.slice(0, 200));
      // different fields and operators still combine, within a bound on all their values together
      assert.equal((await r.call('user.get', { FILTER: { '>ID': 1, '<ID': 50, ID: ids.slice(0, 900) } })).status, 200);
      const total = await r.call('user.get', { FILTER: { ID: ids, '!ID': ids } });
      assert.equal(total.status, 400);
      assert.match(total.body.error_description, /more than 1000 values in all/);
      const groups = await r.call('sonet_group.get', { FILTER: Object.fromEntries(variants('OWNER_ID', 10).map((k) => [k, ids])) });
      assert.equal(groups.status, 400);
    });

    it('an offset beyond the integer range is a 400 (found by the fuzz test)', async () => {
      for (const START of [1e20, 2.7789056168004405e55, -1e16]) {
        const res = await r.call('department.get', { START });
        assert.equal(res.status, 400, `${START}: ${res.text.slice(0, 200)}`);
        assert.equal(res.body.argument, 'START');
      }
      assert.equal((await r.call('department.get', { START: 50 })).status, 200);
    });

    it('a bad % in HTTP Basic credentials on /oauth/token/ is a clean OAuth error', async () => {
      for (const credentials of ['client%:secret', 'client:%E0%A4', '%ZZ:%']) {
        const res = await r.fetch('/oauth/token/', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
          body: 'grant_type=authorization_code&code=x',
        });
        assert.equal(res.status, 401, res.text);
        assert.equal(res.body.error, 'invalid_client');
        assert.equal(typeof res.body.error_description, 'string');
      }
    });
  });
}
