import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeCommand } from '../../src/rest/batch-command.js';
import { Journal, type NewEntry } from '../../src/rest/journal.js';
import { Redactor } from '../../src/rest/redact.js';

const limits = { maxParams: 1000, maxDepth: 8 };
const decode = (text: string) => decodeCommand(text, limits);
const entry = (method: string, params: unknown = {}): NewEntry => ({ at: 0, method, credential: null, params, status: 200, error: null, duration_ms: 1 });

test('the journal keeps the newest N calls, newest first', () => {
  const journal = new Journal(3, decode);
  for (const m of ['a', 'b', 'c', 'd', 'e']) journal.add(entry(m));
  assert.deepEqual(journal.list().map((e) => e.method), ['e', 'd', 'c']);
  assert.deepEqual(journal.list({ limit: 2 }).map((e) => e.id), [5, 4]);
  journal.clear();
  assert.deepEqual(journal.list(), []);
  journal.add(entry('f'));
  assert.deepEqual(journal.list().map((e) => [e.id, e.method]), [[6, 'f']]);
});

test('the journal drops its oldest calls once their parameters pass its byte budget', () => {
  const journal = new Journal(1000, decode, 10_000);
  for (let i = 0; i < 20; i++) journal.add(entry(`m${i}`, { FILTER: 'x'.repeat(1500) }));
  const kept = journal.list();
  // about 1,750 bytes each: five fit in 10,000, and always the newest
  assert.ok(kept.length >= 4 && kept.length <= 6, `${kept.length} kept`);
  assert.equal(kept[0]!.method, 'm19');
  assert.deepEqual(kept.map((e) => e.id), kept.map((_, i) => 20 - i));
  // an entry larger than the whole budget is still kept, alone
  journal.add(entry('huge', { FILTER: 'x'.repeat(50_000) }));
  assert.deepEqual(journal.list().map((e) => e.method), ['huge']);
  journal.add(entry('after'));
  assert.deepEqual(journal.list().map((e) => e.method), ['after']);
});

test('an entry reads back as it was added, its batch commands noted as text decoded again', () => {
  const journal = new Journal(10, decode);
  const credential = { kind: 'webhook' as const, webhook: 3, user_id: 1 };
  const failed = { key: 'b', method: 'user.get', params: { ID: '[redacted]' }, status: 400, error: 'ERROR_ARGUMENT', fault: { rule: 2, action: 'error' as const } };
  const params = { cmd: { a: 'im.user.get?ID=2', b: 'user.get', c: 'im.user.get?ID=3' } };
  journal.add({ at: 1_700_000_000_123, method: 'batch', credential, params, status: 200, error: null, duration_ms: 1.5, commands: { keys: ['a', 'b', 'c'], items: ['IM.User.Get?ID=2&FILTER[NAME]=x', failed, 'im.user.get?ID=3'] } });
  assert.deepEqual(JSON.stringify(journal.list()[0]), JSON.stringify({
    id: 1,
    time: '2023-11-14T22:13:20.123Z',
    at: 1_700_000_000_123,
    method: 'batch',
    credential,
    params,
    status: 200,
    error: null,
    duration_ms: 1.5,
    commands: [
      { key: 'a', method: 'im.user.get', params: { ID: '2', FILTER: { NAME: 'x' } }, status: 200, error: null },
      failed,
      { key: 'c', method: 'im.user.get', params: { ID: '3' }, status: 200, error: null },
    ],
  }));
  assert.equal(journal.count({ method: 'im.user.get' }), 2);
  assert.equal(journal.count({ status: 400 }), 1);
  assert.equal(journal.count({ credential: 'user:1', method: 'batch' }), 1);
  assert.equal(journal.count({ credential: 'user:2' }), 0);
});

test('a batch command noted as its text reads back as the command noted in full would have', () => {
  const webhook = 'abcdefghij0123456789';
  const admin = 'admin-token=&[x]-0123';
  const part = fc.constantFrom('ID', '=', '&', '[', ']', 'FILTER', 'NAME', 'auth', 'password', 'x', '1', webhook, webhook.slice(0, 12), admin, admin.slice(6), 'a'.repeat(20), '%41', '%61', webhook.slice(1), '+', '?', ' ');
  fc.assert(
    fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
      const text = `im.user.get?${parts.join('')}`;
      const redactor = new Redactor([webhook, admin]);
      // the rule observe.ts notes a command as text by
      if (redactor.mayDecodeToKnown(text)) return;
      const journal = new Journal(1, decode);
      // as the journal gets it: the batch's parameters (redacted) hold the same text, which is then kept once
      journal.add({ ...entry('batch', { CMD: { k: redactor.value(text) } }), commands: { keys: ['k'], items: [text] } });
      const [read] = journal.list()[0]!.commands!;
      const full = { key: 'k', method: 'im.user.get', params: redactor.value(decode(text).params), status: 200, error: null };
      assert.deepEqual(read, JSON.parse(JSON.stringify(full)));
    }),
    { numRuns: 2000 },
  );
});
