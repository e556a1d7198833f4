/** The settings: flags over the environment over defaults, each value checked, every problem reported at once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, loadSettings } from '../../src/config.js';

const problems = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('no ConfigError');
};

describe('settings', () => {
  it('read flags before the environment before defaults, as numbers, switches and text', () => {
    const config = loadConfig({ port: '0', tls: 'on', publicUrl: ' https://roster.example.com/ ' }, { ROSTER_PORT: '9000', ROSTER_MAX_IDS: ' 12 ', ROSTER_DEMO: 'no' });
    assert.equal(config.port, 0);
    assert.equal(config.maxIds, 12);
    assert.equal(config.tls, true);
    assert.equal(config.demo, false);
    assert.equal(config.publicUrl, 'https://roster.example.com/');
    assert.equal(config.requestTimeout, 30);
    assert.equal(config.reads, 'memory');
    assert.equal(loadConfig({ clock: '2026-01-05T09:00:00+03:00' }, {}).clock, '2026-01-05T09:00:00+03:00');
  });

  it('report every refused value with where it came from', () => {
    assert.deepEqual(
      problems(() =>
        loadConfig(
          { port: '70000', db: '', requestTimeout: '0', eventTimeout: '0.05', demo: 'maybe', publicUrl: 'not a url', clock: '2023-02-29T00:00:00Z', reads: 'disk', adminToken: 'short' },
          { ROSTER_MAX_IDS: '1.5', ROSTER_TIMEZONE: 'Mars/Base' },
        ),
      ),
      [
        '--port: "70000" must be a whole number from 0 to 65535',
        '--db: "" must not be empty',
        '--demo: "maybe" must be one of 1, true, yes, on, 0, false, no, off',
        'ROSTER_TIMEZONE: "Mars/Base" must be an IANA time zone such as Europe/Berlin',
        '--public-url: "not a url" must be a URL such as https://roster.example.com',
        'ROSTER_MAX_IDS: "1.5" must be a whole number from 1 to 100000',
        '--request-timeout: "0" must be a number above 0 and at most 3600',
        '--admin-token: "short" must be at least 16 characters',
        '--clock: "2023-02-29T00:00:00Z" must be an ISO 8601 time with a zone, such as 2026-01-05T09:00:00Z',
        '--reads: "disk" must be one of memory, sql',
        '--event-timeout: "0.05" must be a number from 0.1 to 300',
      ],
    );
  });

  it('are read one by one for a command that uses a few, which a bad other setting does not stop', () => {
    const env = { ROSTER_DB: 'x.db', ROSTER_PORT: 'eighty' };
    assert.deepEqual(loadSettings(['db'], {}, env), { db: 'x.db' });
    assert.deepEqual(problems(() => loadSettings(['db', 'port'], {}, env)), ['ROSTER_PORT: "eighty" must be a whole number from 0 to 65535']);
    assert.deepEqual(problems(() => loadConfig({}, env)), ['ROSTER_PORT: "eighty" must be a whole number from 0 to 65535']);
  });
});
