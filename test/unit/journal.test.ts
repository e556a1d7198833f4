import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Journal } from '../../src/rest/journal.js';
import { Redactor } from '../../src/rest/redact.js';

const entry = (method: string, params: unknown = {}) => ({ time: '', at: 0, method, credential: null, params, status: 200, error: null, duration_ms: 1 });

test('the journal keeps the newest N calls, newest first', () => {
  const journal = new Journal(3);
  for (const m of ['a', 'b', 'c', 'd', 'e']) journal.add(entry(m));
  assert.deepEqual(journal.list().map((e) => e.method), ['e', 'd', 'c']);
  assert.deepEqual(journal.list({ limit: 2 }).map((e) => e.id), [5, 4]);
  journal.clear();
  assert.deepEqual(journal.list(), []);
  journal.add(entry('f'));
  assert.deepEqual(journal.list().map((e) => [e.id, e.method]), [[6, 'f']]);
});

test('the journal drops its oldest calls once their parameters pass its byte budget', () => {
  const journal = new Journal(1000, 10_000);
  const big = () => {
    const redactor = new Redactor();
    const params = redactor.value({ FILTER: 'x'.repeat(1500) });
    return { params, bytes: redactor.kept };
  };
  for (let i = 0; i < 20; i++) {
    const { params, bytes } = big();
    assert.ok(bytes > 1500 && bytes < 2000, `about the text's length: ${bytes}`);
    journal.add(entry(`m${i}`, params), bytes);
  }
  const kept = journal.list();
  // about 1,800 bytes each: five fit in 10,000, and always the newest
  assert.ok(kept.length >= 4 && kept.length <= 6, `${kept.length} kept`);
  assert.equal(kept[0]!.method, 'm19');
  assert.deepEqual(kept.map((e) => e.id), kept.map((_, i) => 20 - i));
  // an entry larger than the whole budget is still kept, alone
  journal.add(entry('huge'), 50_000);
  assert.deepEqual(journal.list().map((e) => e.method), ['huge']);
  journal.add(entry('after'));
  assert.deepEqual(journal.list().map((e) => e.method), ['after']);
});
