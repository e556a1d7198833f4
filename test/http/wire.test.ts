/** The transport and envelope of CONTRACT §1–2, as real clients exercise them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const TIME_KEYS = ['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish', 'operating_reset_at', 'operating'];

for (const engine of engines) {
  describe(`REST wire [${engine}]`, () => {
    let r: TestRoster;
    let hookPath: string; // "/rest/1/<secret>"
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      hookPath = new URL(r.admin).pathname.replace(/\/$/, '');
    });
    after(() => r.close());

    it('routes every URL shape SDKs send to the same method', async () => {
      const [, , user, secret] = hookPath.split('/');
      const paths = [
        `${hookPath}/im.user.list.get`,
        `${hookPath}/im.user.list.get/`,
        `${hookPath}/im.user.list.get.json`,
        `${hookPath}//im.user.list.get/`,
        `/rest//${user}/${secret}/im.user.list.get`,
        `${hookPath}/IM.USER.LIST.GET`,
        `${hookPath}/im.user.list.get?bx24_request_id=0193&bx24_sdk_ver=2.2.0&bx24_sdk_type=b24-js-sdk`,
      ];
      for (const path of paths) {
        const res = await r.fetch(path.includes('?') ? `${path}&ID[]=2` : `${path}?ID[]=2`);
        assert.equal(res.status, 200, path);
        assert.equal(res.body.result['2'].id, 2, path);
      }
    });

    it('takes parameters from query, JSON, form and multipart bodies; body wins over query', async () => {
      const url = `${hookPath}/im.user.list.get?ID[]=3`;
      const json = await r.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ID":[4]}' });
      assert.deepEqual(Object.keys(json.body.result), ['4']);
      const form = await r.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ID[0]=5' });
      assert.deepEqual(Object.keys(form.body.result), ['5']);
      const fd = new FormData();
      fd.append('ID[]', '6');
      fd.append('ID[]', '7');
      const multi = await r.fetch(url, { method: 'POST', body: fd });
      assert.deepEqual(Object.keys(multi.body.result), ['6', '7']);
      const plain = await r.fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ID[]=8' });
      assert.deepEqual(Object.keys(plain.body.result), ['8']);
      const queryOnly = await r.fetch(url, { method: 'POST' });
      assert.deepEqual(Object.keys(queryOnly.body.result), ['3']);
      const get = await r.fetch(url);
      assert.deepEqual(Object.keys(get.body.result), ['3']);
    });

    it('parses long bracket arrays as arrays (no 20-element qs limit)', async () => {
      const q = Array.from({ length: 200 }, (_, i) => `ID[${i}]=${i + 1}`).join('&');
      const res = await r.fetch(`${hookPath}/im.user.list.get?${q}`);
      assert.equal(res.status, 200);
      assert.equal(Object.keys(res.body.result).length, 200);
    });

    it('reads im.* parameter keys case-insensitively', async () => {
      const res = await r.call('im.user.list.get', { id: [2], avatar_hr: 'Y', Result_Type: 'array' });
      assert.equal(res.body.result[0].id, 2);
      assert.ok('avatar_hr' in res.body.result[0]);
    });

    it('ignores a __proto__ key instead of letting it change the parameters', async () => {
      const body = '{"__proto__": {"ID": [3]}, "RESULT_TYPE": "array"}';
      const res = await r.fetch(`${hookPath}/im.user.list.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.result.map((u: any) => u.id), [1], 'no ID: the current user');
    });

    it('never passes telemetry to the method', async () => {
      const res = await r.call('im.user.list.get', { ID: [2], bx24_request_id: 'x', bx24_sdk_ver: '1', bx24_sdk_type: 'js' });
      assert.equal(res.status, 200);
    });

    it('sends the full time block, CORS and nosniff headers on success', async () => {
      const res = await r.call('server.time');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body.time), TIME_KEYS);
      assert.ok(Number.isInteger(res.body.time.start));
      assert.equal(typeof res.body.time.finish, 'number');
      assert.match(res.body.time.date_start, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      assert.match(res.body.result, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('answers CORS preflight', async () => {
      const res = await r.fetch(`${hookPath}/server.time`, { method: 'OPTIONS' });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    });

    it('gives total and next as integers', async () => {
      const res = await r.call('im.department.colleagues.list', { LIMIT: 2 }, { as: 'query' });
      assert.equal(typeof res.body.total, 'number');
      assert.equal(res.body.next, 2);
      assert.match(res.text, /"next":2,"total":\d+/);
    });

    it('serves the .xml transport', async () => {
      const res = await r.fetch(`${hookPath}/im.user.list.get.xml?ID[]=2&ID[]=999`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /xml/);
      assert.match(res.text, /^<\?xml version="1.0" encoding="utf-8"\?>\n<response><result><item><id>2<\/id>/);
      assert.match(res.text, /<time><start>\d+<\/start>/);
    });

    it('answers JSON 404 ERROR_METHOD_NOT_FOUND for unknown methods, REST v3 paths and odd shapes, before auth', async () => {
      for (const path of ['/rest/no.such.method', `${hookPath}/no.such.method`, '/rest/api/1/x/user.get', '/rest/1/x', '/rest/a/b/c/d', '/rest/1/wrong/nope']) {
        const res = await r.fetch(path);
        assert.equal(res.status, 404, path);
        assert.deepEqual(res.body, { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' }, path);
      }
      const other = await r.fetch('/nothing/here');
      assert.equal(other.status, 404);
      assert.equal(other.body.error, 'NOT_FOUND');
    });

    it('rejects malformed JSON with 400 ERROR_ARGUMENT and a clear description', async () => {
      for (const body of ['{"ID": [1,', '[1,2', 'nul', '"just a string"', '42']) {
        const res = await r.fetch(`${hookPath}/im.user.list.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.equal(res.status, 400, body);
        assert.equal(res.body.error, 'ERROR_ARGUMENT', body);
        assert.match(res.body.error_description, /JSON/, body);
      }
    });

    it('refuses bodies over 1 MiB with 413 and a JSON error', async () => {
      const body = JSON.stringify({ ID: [1], pad: 'x'.repeat(1_100_000) });
      const res = await r.fetch(`${hookPath}/im.user.list.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 413);
      assert.equal(res.body.error, 'PAYLOAD_TOO_LARGE');
      const form = await r.fetch(`${hookPath}/im.user.list.get`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `ID[]=1&pad=${'y'.repeat(1_100_000)}`,
      });
      assert.equal(form.status, 413);
      const fd = new FormData();
      fd.append('pad', 'z'.repeat(1_100_000));
      const multi = await r.fetch(`${hookPath}/im.user.list.get`, { method: 'POST', body: fd });
      assert.equal(multi.status, 413);
      assert.equal(multi.body.error, 'PAYLOAD_TOO_LARGE');
    });

    it('answers an oversized URL with 431 and the usual JSON error shape', async () => {
      const q = Array.from({ length: 3000 }, (_, i) => `ID[]=${i + 1}`).join('&');
      const res = await r.fetch(`${hookPath}/im.user.list.get?${q}`);
      assert.equal(res.status, 431);
      assert.equal(res.body.error, 'HEADERS_TOO_LARGE');
      assert.match(res.body.error_description, /POST body/);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    });

    it('rejects garbage parameter encodings with 400, never 500', async () => {
      const deep = `${'a'.repeat(1)}${'[x]'.repeat(30)}=1`;
      for (const [path, init] of [
        [`${hookPath}/im.user.list.get?${deep}`, undefined],
        [`${hookPath}/im.user.list.get?ID[]=%E0%A4%A`, undefined],
        [`${hookPath}/im.user.list.get`, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'garbage' }],
        [`${hookPath}/im.user.list.get`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nbroken' }],
      ] as const) {
        const res = await r.fetch(path, init as RequestInit | undefined);
        assert.ok(res.status < 500, `${path} -> ${res.status} ${res.text}`);
        assert.equal(typeof res.body.error === 'string' || res.status === 200, true);
      }
    });
  });
}
