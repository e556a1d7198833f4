import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toJson } from '../../src/http/json.js';
import { timeBlock, timeJson, writeSeconds } from '../../src/rest/time.js';
import { OwnJson, type JsonOut } from '../../src/rest/wire-map.js';

/** A wire value written by the function given. */
class RawJsonOf extends OwnJson {
  constructor(private readonly writer: (out: JsonOut) => void) {
    super();
  }

  writeJson(out: JsonOut): void {
    this.writer(out);
  }

  value(): unknown {
    return null;
  }
}

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

test('seconds are written as String() prints them', () => {
  const written = (seconds: number) => toJson(new RawJsonOf((out) => writeSeconds(out, seconds)));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 53 }), fc.integer({ min: 0, max: 2 ** 44 }), fc.double({ noNaN: true, noDefaultInfinity: true }), (micros, millis, any) => {
      for (const seconds of [micros / 1e6, millis / 1e3, Math.floor(millis / 1e3), any]) assert.equal(written(seconds), String(seconds));
    }),
    { numRuns: 20000 },
  );
  for (const s of [0, -0, 1e-6, 1e-7, 0.1, 0.5, 1, 480, 479.999999, 12.3, 123456789.123456, 1764605364.123, 1764605364, 9007199254.740992, 1e21]) assert.equal(written(s), String(s));
});
