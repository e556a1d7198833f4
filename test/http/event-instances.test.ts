import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRoster } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { createApplication, issueTokens } from '../../src/store/oauth.js';
import { appendChanges } from '../../src/store/changes.js';
import { writeTransaction } from '../../src/store/write.js';
import { startHandler } from '../helpers/handlers.js';
import { engines, startRoster } from '../helpers/roster.js';

const N = 40;

describe('events with two instances on one PostgreSQL database', { skip: !engines.includes('postgres') && 'PostgreSQL is not reachable' }, () => {
  it('delivers each event once, in commit order per handler', async () => {
    const first = await startRoster({ engine: 'postgres', config: { eventTimeout: 2 } });
    const second = await createRoster(testConfig({ db: first.roster.app.config.db, host: '127.0.0.1', limits: 'off' }));
    await second.listen();
    const handlers = await Promise.all([startHandler('ok', '/one'), startHandler('ok', '/two'), startHandler('ok', '/three')]);
    try {
      const db = first.roster.store.db;
      const app = await createApplication(db, { name: 'Twice', scopes: ['user'] });
      const token = (await issueTokens(db, { appId: app.id, userId: 1, scope: ['user'] })).accessToken;
      for (const h of handlers) {
        const res = await first.call('event.bind', { event: 'ONROSTERUSERUPDATE', handler: h.url, auth: token }, { hook: `${first.url}/rest/` });
        assert.equal(res.body.result, true);
      }
      for (let i = 1; i <= N; i++) {
        // alternate the instance that writes, as a load balancer would
        const target = i % 2 ? first.roster : second;
        await writeTransaction(target.store, (trx) => appendChanges(trx, [{ kind: 'user.updated', entity: 1, fields: { NAME: String(i) } }], { user: 1, credential: 'test' }));
        target.app.events?.wake();
      }
      for (const h of handlers) await h.waitFor(N, 60000);
      await new Promise((res) => setTimeout(res, 1000));
      const expected = Array.from({ length: N }, (_, i) => String(i + 1));
      for (const h of handlers) {
        assert.deepEqual(h.received.map((g) => g.post.data.FIELDS.NAME), expected, `${h.url} got each event once, in order`);
      }
    } finally {
      await second.close();
      await first.close();
      for (const h of handlers) await h.close();
    }
  });
});
