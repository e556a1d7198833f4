/**
 * Opening a store on PostgreSQL while other clients drop schemas of the same database: Kysely's
 * own check for its migration tables listed every schema and failed with "schema does not exist"
 * when one vanished under it (several test files share one database, as tenants might).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/index.js';
import { throwawayDatabase } from '../helpers/postgres.js';
import { engines, PG_URL } from '../helpers/roster.js';

describe('migrations while other schemas come and go [postgres]', { skip: !engines.includes('postgres') && 'PostgreSQL is not reachable' }, () => {
  it('open every time', async () => {
    const db = await throwawayDatabase(PG_URL, 'mig');
    const churner = new pg.Client({ connectionString: db.url });
    await churner.connect();
    let churning = true;
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const name = `churn_${i % 8}`;
        await churner.query(`CREATE SCHEMA IF NOT EXISTS ${name}; CREATE TABLE IF NOT EXISTS ${name}.t (${Array.from({ length: 40 }, (_, c) => `c${c} int`).join(', ')})`);
        await churner.query(`DROP SCHEMA IF EXISTS churn_${(i + 4) % 8} CASCADE`);
      }
    })();
    try {
      for (let round = 0; round < 2; round++) {
        const stores = await Promise.all(
          Array.from({ length: 3 }, (_, k) => {
            const url = new URL(db.url);
            url.searchParams.set('schema', `tenant_${round}_${k}`);
            return openStore(url.toString());
          }),
        );
        for (const store of stores) assert.ok((await store.db.selectFrom('users').select('id').execute()).length >= 0);
        await Promise.all(stores.map((s) => s.close()));
      }
    } finally {
      churning = false;
      await churn;
      await churner.end();
      await db.drop();
    }
  });
});
