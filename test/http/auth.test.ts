/** Incoming webhooks (CONTRACT §3, §7): hashed secrets, scopes, and the errors clients branch on. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';
import { hashSecret } from '../../src/store/webhooks.js';
import { revokeWebhook } from '../../src/directory/commands/credentials.js';
import { runCommand } from '../../src/directory/commands/run.js';

for (const engine of engines) {
  describe(`webhook auth [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    it('stores only the hash of the secret', async () => {
      const secret = new URL(r.admin).pathname.split('/')[3]!;
      const rows = await r.roster.store.db.selectFrom('webhooks').selectAll().execute();
      assert.ok(rows.every((row) => row.secret_hash !== secret && /^[0-9a-f]{64}$/.test(row.secret_hash)));
      assert.ok(rows.some((row) => row.secret_hash === hashSecret(secret)));
      assert.match(secret, /^[a-z0-9]{20}$/);
    });

    it('answers 401 NO_AUTH_FOUND without credentials', async () => {
      const res = await r.fetch('/rest/im.user.list.get?ID[]=1');
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
      const token = await r.fetch('/rest/im.user.list.get?auth=nonsense');
      assert.equal(token.status, 401);
      assert.equal(token.body.error, 'NO_AUTH_FOUND');
    });

    it('answers 404 for an unknown method even without credentials', async () => {
      const res = await r.fetch('/rest/no.such');
      assert.equal(res.status, 404);
    });

    it('answers 401 INVALID_CREDENTIALS for a wrong secret, another user\'s secret, or an unknown user', async () => {
      const secret = new URL(r.admin).pathname.split('/')[3]!;
      for (const path of [
        '/rest/1/wrongsecret00000000/server.time',
        `/rest/2/${secret}/server.time`,
        `/rest/999999/${secret}/server.time`,
        `/rest/nobody/${secret}/server.time`,
        `/rest/1/${secret.slice(0, -1)}/server.time`,
      ]) {
        const res = await r.fetch(path);
        assert.equal(res.status, 401, path);
        assert.deepEqual(res.body, { error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' });
      }
    });

    it('accepts the user\'s login in place of the id', async () => {
      const secret = new URL(r.admin).pathname.split('/')[3]!;
      const res = await r.fetch(`/rest/admin/${secret}/profile`);
      assert.equal(res.status, 200);
      assert.equal(res.body.result.ID, '1');
    });

    it('stops a revoked webhook at once', async () => {
      const hook = await r.hook(1, ['im']);
      assert.equal((await r.call('server.time', {}, { hook })).status, 200);
      const id = (await r.roster.store.db.selectFrom('webhooks').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
      // as the CLI, the console and the admin API revoke: a command, whose change record the read model applies
      await runCommand({ store: r.roster.store, actor: { user: null, credential: 'cli' }, onCommitted: r.roster.app.afterWrite }, (tx) => revokeWebhook(tx, id));
      const res = await r.call('server.time', {}, { hook });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'INVALID_CREDENTIALS');
    });

    it('refuses an expired webhook and the webhook of a dismissed user', async () => {
      const hook = await r.hook(3, ['im']);
      const secret = new URL(hook).pathname.split('/')[3]!;
      await r.roster.store.db.updateTable('webhooks').set({ expires_at: 1000 }).where('secret_hash', '=', hashSecret(secret)).execute();
      assert.equal((await r.call('server.time', {}, { hook })).body.error, 'INVALID_CREDENTIALS');
      const dismissed = await r.hook(45, ['im']);
      assert.equal((await r.call('server.time', {}, { hook: dismissed })).body.error, 'INVALID_CREDENTIALS');
    });

    it('answers 403 insufficient_scope when the webhook lacks the method\'s scope, basic methods need none', async () => {
      const hook = await r.hook(1, ['user']);
      const res = await r.call('im.user.list.get', { ID: [1] }, { hook });
      assert.equal(res.status, 403);
      assert.equal(res.body.error, 'insufficient_scope');
      assert.equal((await r.call('server.time', {}, { hook })).status, 200);
      assert.equal((await r.call('profile', {}, { hook })).status, 200);
      const dept = await r.call('department.add', { NAME: 'X', PARENT: 1 }, { hook });
      assert.equal(dept.body.error, 'insufficient_scope');
      const im = await r.hook(1, ['im']);
      assert.equal((await r.call('user.add', { EMAIL: 'a@b.cd', UF_DEPARTMENT: [1] }, { hook: im })).body.error, 'insufficient_scope');
    });

    it('runs every call as the webhook\'s owner', async () => {
      const hook = await r.hook(7, ['im']);
      const res = await r.call('im.user.list.get', {}, { hook });
      assert.deepEqual(Object.keys(res.body.result), ['7']);
      const profile = await r.call('profile', {}, { hook });
      assert.deepEqual(profile.body.result.ID, '7');
      assert.equal(profile.body.result.ADMIN, false);
    });
  });
}
