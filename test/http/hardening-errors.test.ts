/**
 * Issue 9, finding 5: errors raised by the framework (a URL that is not UTF-8, a broken body,
 * an unknown content type) take Roster's error shape and never quote the URL, which can hold
 * a webhook secret.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ERRORS } from '../../src/rest/errors.js';
import { startRoster, type TestRoster } from '../helpers/roster.js';

/** A request with the path exactly as written (fetch would normalise it). */
function raw(url: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${url}/`, { method: init.method ?? 'GET', path, headers: init.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('framework errors in Roster\'s shape (finding 5)', () => {
  let r: TestRoster;
  let secret: string;
  before(async () => {
    // a body shorter than its Content-Length waits for the request timeout
    r = await startRoster({ config: { requestTimeout: 2, headersTimeout: 1 } });
    secret = r.admin.split('/')[5]!;
  });
  after(() => r.close());

  function assertRosterError(res: { status: number; text: string }, where: string) {
    assert.ok(res.status >= 400 && res.status < 500, `${where}: ${res.status} ${res.text}`);
    const body = JSON.parse(res.text);
    assert.deepEqual(Object.keys(body), ['error', 'error_description'], where);
    assert.ok(body.error in ERRORS, `${where}: ${body.error}`);
    assert.doesNotMatch(res.text, new RegExp(secret), `${where} quotes the secret`);
    assert.doesNotMatch(res.text, /FST_|\/rest\//, `${where} speaks Fastify or quotes the path`);
  }

  it('a URL that is not valid UTF-8 answers 400 without echoing the secret', async () => {
    for (const path of [`/rest/1/${secret}/%E0%A4/server.time`, `/rest/1/${secret}/server.time%FF`, `/oauth/token/%C0`, '/%E0%A4']) {
      const res = await raw(r.url, path);
      assertRosterError(res, path);
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.text).error, 'ERROR_ARGUMENT');
    }
  });

  it('broken bodies and content types answer in the same shape', async () => {
    const path = `/rest/1/${secret}/server.time`;
    const cases: { headers: Record<string, string>; body: string }[] = [
      { headers: { 'content-type': 'application/json' }, body: '{"a":' },
      { headers: { 'content-type': 'application/json' }, body: '' },
      { headers: { 'content-type': 'multipart/form-data' }, body: 'x' },
      { headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: '--zz\r\nbroken' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '10' }, body: 'a=1' },
    ];
    for (const c of cases) {
      const res = await raw(r.url, path, { method: 'POST', ...c }).catch(() => null);
      if (res === null) continue; // the server may close a connection whose length is a lie
      if (res.status === 200) continue; // an empty JSON body is no parameters
      assertRosterError(res, JSON.stringify(c));
    }
  });
});
