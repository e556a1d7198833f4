import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Credential } from '../../src/rest/context.js';
import { RestError } from '../../src/rest/errors.js';
import { Limits, MemoryBackend, parseLimits, windowState, type LimitBackend } from '../../src/rest/limits.js';

const hook = (id: number): Credential => ({ kind: 'webhook', id, scopes: new Set() });
const silent = () => ({ error: () => {} });

/** A clock the test moves by hand. */
function fakeClock(start = 1_800_000_000) {
  let now = start;
  return { now: () => now, advance: (s: number) => void (now += s) };
}

describe('limit profiles', () => {
  it('reads standard, enterprise, off and BURST/DRAIN', () => {
    assert.deepEqual(parseLimits('standard'), { burst: 50, drain: 2 });
    assert.deepEqual(parseLimits('enterprise'), { burst: 250, drain: 5 });
    assert.equal(parseLimits('off'), null);
    assert.deepEqual(parseLimits('100/4'), { burst: 100, drain: 4 });
    assert.deepEqual(parseLimits('10/0.5'), { burst: 10, drain: 0.5 });
    assert.throws(() => parseLimits('fast'));
    assert.throws(() => parseLimits('10/'));
  });
});

describe('leaky bucket in memory', () => {
  it('admits a burst, refuses the next request, and admits again as the bucket drains', () => {
    const clock = fakeClock();
    const backend = new MemoryBackend(clock.now);
    const profile = { burst: 3, drain: 1 };
    assert.deepEqual([1, 2, 3, 4].map(() => backend.takeNow('a', profile)), [true, true, true, false]);
    clock.advance(1);
    assert.equal(backend.takeNow('a', profile), true);
    assert.equal(backend.takeNow('a', profile), false);
    clock.advance(100); // drains to empty, never below
    assert.deepEqual([1, 2, 3, 4].map(() => backend.takeNow('a', profile)), [true, true, true, false]);
  });

  it('keeps one bucket per key', () => {
    const backend = new MemoryBackend(fakeClock().now);
    const profile = { burst: 1, drain: 0 };
    assert.equal(backend.takeNow('a', profile), true);
    assert.equal(backend.takeNow('a', profile), false);
    assert.equal(backend.takeNow('b', profile), true);
  });

  it('refused requests do not fill the bucket further', () => {
    const clock = fakeClock();
    const backend = new MemoryBackend(clock.now);
    const profile = { burst: 2, drain: 1 };
    for (let i = 0; i < 20; i++) backend.takeNow('a', profile);
    clock.advance(1);
    assert.equal(backend.takeNow('a', profile), true);
  });

  it('a drain of 0 never refills, even after a long time', () => {
    const clock = fakeClock();
    const backend = new MemoryBackend(clock.now);
    const profile = { burst: 1, drain: 0 };
    assert.equal(backend.takeNow('a', profile), true);
    clock.advance(7200);
    assert.equal(backend.takeNow('a', profile), false);
  });
});

describe('operating-time window', () => {
  it('sums ten one-minute buckets and drops what slid out of the window', () => {
    const buckets = new Map<number, number>();
    const t0 = 1_800_000_000 - (1_800_000_000 % 60); // start of a minute
    buckets.set(t0 / 60, 1);
    buckets.set(t0 / 60 + 9, 2);
    assert.deepEqual(windowState(buckets, t0 + 9 * 60 + 30), { total: 3, resetAt: t0 + 600 });
    assert.deepEqual(windowState(buckets, t0 + 600), { total: 2, resetAt: t0 + 9 * 60 + 600 });
    assert.equal(buckets.size, 1);
  });

  it('reports now + 600 as the reset time of an empty window', async () => {
    const clock = fakeClock(1_800_000_030.5);
    const backend = new MemoryBackend(clock.now);
    assert.deepEqual(await backend.operating('x', 0), { total: 0, resetAt: 1_800_000_630 });
  });

  it('blocks a method of a credential over budget while other methods and credentials go on', async () => {
    const clock = fakeClock();
    const limits = new Limits(new MemoryBackend(clock.now), null, 1, silent);
    await limits.beforeCall(hook(1), 'im.user.get');
    const report = await limits.afterCall(hook(1), 'im.user.get', 0.75);
    assert.equal(report.operating, 0.75);
    await limits.beforeCall(hook(1), 'im.user.get'); // 0.75 ≤ 1: still allowed
    await limits.afterCall(hook(1), 'im.user.get', 0.5);
    await assert.rejects(async () => limits.beforeCall(hook(1), 'im.user.get'), (e: RestError) => e.code === 'OPERATION_TIME_LIMIT' && e.status === 429);
    await limits.beforeCall(hook(1), 'profile');
    await limits.beforeCall(hook(2), 'im.user.get');
    clock.advance(660); // the window slid past both calls
    await limits.beforeCall(hook(1), 'im.user.get');
  });
});

describe('Limits', () => {
  it('answers QUERY_LIMIT_EXCEEDED (503) once the bucket is full', async () => {
    const limits = new Limits(new MemoryBackend(fakeClock().now), { burst: 2, drain: 0 }, 480, silent);
    await limits.admit(hook(1));
    await limits.admit(hook(1));
    await assert.rejects(limits.admit(hook(1)), (e: RestError) => {
      assert.deepEqual(e.toWire(), { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
      return e.status === 503;
    });
    await limits.admit({ kind: 'oauth', id: 1, scopes: new Set() }); // another credential kind, another bucket
  });

  it('admits everything when off', async () => {
    const limits = new Limits(new MemoryBackend(), null, 480, silent);
    for (let i = 0; i < 1000; i++) await limits.admit(hook(1));
  });

  it('admits, and logs once, when the shared store fails', async () => {
    const failing: LimitBackend = {
      take: () => Promise.reject(new Error('down')),
      operating: () => Promise.reject(new Error('down')),
      reserve: () => Promise.reject(new Error('down')),
      release: () => Promise.reject(new Error('down')),
      close: async () => {},
    };
    const logged: string[] = [];
    const limits = new Limits(failing, { burst: 1, drain: 0 }, 0.001, () => ({ error: (_o: object, msg?: string) => void logged.push(msg ?? '') }));
    await limits.admit(hook(1));
    await limits.beforeCall(hook(1), 'm');
    const report = await limits.afterCall(hook(1), 'm', 5);
    assert.equal(report.operating, 0);
    assert.equal(logged.length, 1, 'an outage is logged once, not once per request');
  });
});
