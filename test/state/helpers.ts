/** Stores on a fresh SQLite file or a fresh PostgreSQL schema, for tests of the directory state. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { throwawayDatabase } from '../helpers/postgres.js';
import { PG_URL, type Engine } from '../helpers/roster.js';

export interface TempStore {
  store: Store;
  /** what `--db` takes to reach the same directory */
  location: string;
  close(): Promise<void>;
}

/**
 * A database location on the engine, and how to remove it. PostgreSQL gets a database of its
 * own, dropped whole afterwards: the CLI tests hand it to child processes as a plain URL.
 */
export async function tempLocation(engine: Engine, prefix = 'st'): Promise<{ location: string; cleanup(): Promise<void> }> {
  if (engine === 'postgres') {
    const db = await throwawayDatabase(PG_URL, prefix);
    return { location: db.url, cleanup: db.drop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'roster-state-'));
  return { location: join(dir, 'roster.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function tempStore(engine: Engine): Promise<TempStore> {
  const { location, cleanup } = await tempLocation(engine);
  const store = await openStore(location);
  return {
    store,
    location,
    async close() {
      await store.close();
      await cleanup();
    },
  };
}
