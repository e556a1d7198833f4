import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toJson } from '../../src/http/json.js';
import { microsText, timeBlock, timeJson } from '../../src/rest/time.js';

test('the time block writes itself as JSON.stringify of the block, byte for byte', () => {
  const cases = [
    { timing: { started: 1_764_590_000.123456, processStarted: 1_764_590_000.2, processFinished: 1_764_590_001.9 }, finished: 1_764_590_002.000001 },
    { timing: { started: 1_764_590_000, processStarted: 1_764_590_000, processFinished: 1_764_590_000 }, finished: 1_764_590_000 },
    { timing: { started: 1e9 + 0.1, processStarted: 1e9 + 0.1, processFinished: 1e9 + 0.30000000000000004 }, finished: 1e9 + 0.5 },
  ];
  for (const zone of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns']) {
    for (const { timing, finished } of cases) {
      for (const operating of [undefined, { operating: 0.123457, operating_reset_at: 1_764_590_600 }, { operating: 0, operating_reset_at: 0 }]) {
        const text = toJson(timeJson(timing, zone, operating, finished));
        assert.equal(text, JSON.stringify(timeBlock(timing, zone, operating, finished)));
      }
    }
  }
});

test('operating seconds print as String() prints them', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.double({ min: 0, max: 1e6, noNaN: true }), (micros, any) => {
      const seconds = Math.round(micros) / 1e6;
      assert.equal(microsText(seconds), String(seconds));
      assert.equal(microsText(any), String(any));
    }),
    { numRuns: 20000 },
  );
  for (const s of [0, 1e-6, 0.1, 0.5, 1, 480, 479.999999, 12.3, 1e-7, 123456789.123456]) assert.equal(microsText(s), String(s));
});
