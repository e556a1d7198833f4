/**
 * Redactor.value gives back the value itself when nothing in it changes: what the journal keeps
 * (its JSON text) must be what a copy made field by field would give, for any value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { REDACTED, Redactor, SECRET_KEY } from '../../src/rest/redact.js';

/** The field-by-field copy, written the obvious way. */
function copied(r: Redactor, value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return r.text(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 8) return '[nested too deep]';
  if (Array.isArray(value)) {
    const out = value.slice(0, 200).map((v) => copied(r, v, depth + 1));
    if (value.length > 200) out.push(`[${value.length - 200} more]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value);
  for (const [i, [key, v]] of entries.entries()) {
    if (i >= 200) {
      out['…'] = `[${entries.length - 200} more keys]`;
      break;
    }
    out[r.text(key)] = SECRET_KEY.test(key) && v !== '' && v !== null && v !== undefined ? REDACTED : copied(r, v, depth + 1);
  }
  return out;
}

test('a value without secrets comes back as it is, and any value is redacted as a copy would be', () => {
  const secret = 'abcdefghij0123456789';
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(secret, `x=${secret}`, 'a'.repeat(50), 'token=1&b=2', 'x'.repeat(2100), 'im.user.get?ID=5'));
  const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('password', 'auth', 'ID', 'cmd', secret, 'FILTER'));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.constant(null), fc.boolean(), tie('list'), tie('record')),
    list: fc.array(tie('tree'), { maxLength: 4 }),
    record: fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
  }));
  fc.assert(
    fc.property(tree, (value) => {
      const r = new Redactor([secret]);
      assert.equal(JSON.stringify(r.value(value)), JSON.stringify(copied(r, value)));
    }),
    { numRuns: 3000 },
  );
  const plain = { halt: 0, cmd: { a: 'im.user.get?ID=1', b: ['x', 2] } };
  assert.equal(new Redactor([secret]).value(plain), plain);
  const wide = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`k${i}`, i]));
  assert.equal(JSON.stringify(new Redactor().value(wide)), JSON.stringify(copied(new Redactor(), wide)));
  const deep = JSON.parse('[[[[[[[[[[1]]]]]]]]]]');
  assert.equal(JSON.stringify(new Redactor().value(deep)), JSON.stringify(copied(new Redactor(), deep)));
});
