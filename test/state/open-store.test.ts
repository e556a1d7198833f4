/**
 * Opening a database that is already up to date, as every command of the command line does: one
 * statement instead of the migrator's round, and a database a newer version migrated is still
 * refused by the migrator, as before the shortcut.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/store/index.js';
import { engines } from '../helpers/roster.js';
import { tempLocation } from './helpers.js';

for (const engine of engines) {
  // PostgreSQL also with the tables in a schema of their own, where the migration table is too
  for (const schema of engine === 'postgres' ? [null, 'tenant_a'] : [null]) {
    describe(`opening an up-to-date store [${engine}${schema ? `, schema ${schema}` : ''}]`, () => {
      let location: string;
      let cleanup: () => Promise<void>;
      before(async () => {
        ({ location, cleanup } = await tempLocation(engine, 'open'));
        if (schema) location = `${location}?schema=${schema}`;
        await (await openStore(location)).close();
      });
      after(() => cleanup());

      it('takes one statement, and the store works', async () => {
        const store = await openStore(location);
        try {
          assert.equal(store.queryCount(), 1);
          assert.deepEqual(await store.pendingMigrations(), []);
          await store.ping();
        } finally {
          await store.close();
        }
      });

      it('refuses a database with a migration this version does not know', async () => {
        const store = await openStore(location);
        const table = sql.table(schema ? `${schema}.kysely_migration` : 'kysely_migration');
        await sql`INSERT INTO ${table} (name, timestamp) VALUES ('999-from-a-newer-version', '2099-01-01T00:00:00.000Z')`.execute(store.db);
        await store.close();
        await assert.rejects(openStore(location), /999-from-a-newer-version/);
      });
    });
  }
}
