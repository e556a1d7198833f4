/**
 * Every registered method against hostile input: wrong types, huge, negative, nested and broken
 * values in every parameter name the methods read. Whatever is sent, the answer is a JSON
 * success or a 4xx error from the table; never a 500, never a stack trace.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRegistry } from '../../src/methods/index.js';
import { ERRORS } from '../../src/rest/errors.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const KEYS = [
  'ID', 'id', 'USER_ID', 'GROUP_ID', 'BOT_ID', 'FIND', 'FILTER', 'filter', 'SORT', 'sort', 'ORDER', 'order', 'select', 'LIMIT', 'OFFSET',
  'USER_DATA', 'AVATAR_HR', 'RESULT_TYPE', 'STATUS', 'AGO', 'NAME', 'LAST_NAME', 'PARENT', 'UF_HEAD', 'EMAIL', 'UF_DEPARTMENT', 'ACTIVE',
  'PERSONAL_BIRTHDAY', 'EXTRANET', 'SONET_GROUP_ID', 'CODE', 'TYPE', 'PROPERTIES', 'ACCESS', 'cmd', 'halt', 'name', 'full', 'scope', 'start', 'START',
];

const VALUES: unknown[] = [
  null, true, false, 0, -1, -2147483649, 1.5, 1e308, '9007199254740993', '', ' ', '0', '-7', 'abc', 'Y', 'N',
  'x'.repeat(20000), '%_\\*?[]^$.()|+{}', '\u0000\u001f', '😀𝕏', 'NaN', '1e400', '[1,2', '{"a":', '[]', '{}', '[[1]]',
  [], [[]], [null], [1, 'a', null, { b: 2 }], Array.from({ length: 1200 }, (_, i) => i), { a: { b: { c: { d: 1 } } } },
  { '>ID': 'x', '@ID': [1, [2]], '%NAME': { x: 1 } }, { 0: 'user.get?ID=1', 1: 'batch?cmd[0]=x', x: 'nosuch.method' },
  '$result[0][0][ID]', 'im.user.get?ID[]=$result[x]', '../../etc/passwd', "' OR 1=1 --",
];

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KNOWN_CODES = new Set(Object.keys(ERRORS));

for (const engine of engines) {
  describe(`hostile input to every method [${engine}]`, () => {
    let r: TestRoster;
    let extranet: string;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      extranet = await r.hook(59);
    });
    after(() => r.close());

    for (const method of createRegistry().all().map((m) => m.name)) {
      it(method, async () => {
        const next = random(method.length * 7919 + method.charCodeAt(0));
        const pick = () => VALUES[Math.floor(next() * VALUES.length)];
        const payloads: Record<string, unknown>[] = [{}];
        for (const key of KEYS) payloads.push({ [key]: pick() }, { [key]: pick() });
        for (let i = 0; i < 8; i++) {
          const combo: Record<string, unknown> = {};
          for (const key of KEYS) if (next() < 0.3) combo[key] = pick();
          payloads.push(combo);
        }
        for (const [i, params] of payloads.entries()) {
          const as = i % 3 === 0 ? 'query' : i % 3 === 1 ? 'form' : 'json';
          const hook = i % 5 === 4 ? extranet : undefined;
          const res = await r.call(method, params, { as, hook });
          const where = `${method} ${as} ${JSON.stringify(params).slice(0, 300)} -> ${res.status} ${res.text.slice(0, 300)}`;
          assert.ok(res.status < 500, where);
          assert.equal(typeof res.body, 'object', where);
          if (res.status === 200) {
            assert.ok('result' in res.body && 'time' in res.body, where);
          } else {
            assert.ok(KNOWN_CODES.has(res.body.error), where);
            assert.equal(typeof res.body.error_description, 'string', where);
            assert.doesNotMatch(res.text, /\bat .*\.(ts|js):\d+/, where);
          }
        }
      });
    }
  });
}
