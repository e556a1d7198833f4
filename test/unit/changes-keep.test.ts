/** `--changes-keep`: the retention syntax. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, parseChangesKeep } from '../../src/config.js';

describe('--changes-keep', () => {
  it('reads an age, a row count, or both in any order', () => {
    assert.deepEqual(parseChangesKeep('7d,1000000'), { ageMs: 7 * 86_400_000, rows: 1_000_000 });
    assert.deepEqual(parseChangesKeep('1_000_000, 12h'), { ageMs: 12 * 3_600_000, rows: 1_000_000 });
    assert.deepEqual(parseChangesKeep('30m'), { ageMs: 30 * 60_000, rows: null });
    assert.deepEqual(parseChangesKeep('90s'), { ageMs: 90_000, rows: null });
    assert.deepEqual(parseChangesKeep('500'), { ageMs: null, rows: 500 });
  });

  it('refuses anything else', () => {
    for (const bad of ['', '0', '0d', '7d,8d', '5,6', '7w', '-1', '7d,', 'forever', '1.5d']) assert.equal(parseChangesKeep(bad), null, bad);
  });

  it('defaults to 7 days or 1,000,000 rows and reports a bad value as a configuration problem', () => {
    assert.deepEqual(parseChangesKeep(loadConfig({}, {}).changesKeep), { ageMs: 7 * 86_400_000, rows: 1_000_000 });
    assert.equal(loadConfig({}, { ROSTER_CHANGES_KEEP: '2d' }).changesKeep, '2d');
    assert.throws(() => loadConfig({ changesKeep: '7 days' }, {}), /--changes-keep: "7 days" must be an age/);
  });
});
