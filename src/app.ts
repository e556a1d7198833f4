import type { FastifyInstance } from 'fastify';
import { parseChangesKeep, type Config } from './config.js';
import { createChangeFeed } from './directory/feed.js';
import { adminRoutes } from './http/admin.js';
import { controlRoutes, healthRoutes, metricsRoutes } from './http/control-routes.js';
import { addReadinessCheck, setUpControl } from './control.js';
import { changesRoutes } from './http/changes-routes.js';
import { consoleRoutes } from './http/console/routes.js';
import { EventService } from './events/service.js';
import { eventRoutes } from './http/events.js';
import { buildServer, type RouteInstaller } from './http/server.js';
import { listenHttps, loadTlsCredentials, tlsEnabled, type HttpsListener } from './http/tls.js';
import { createRegistry } from './methods/index.js';
import { ReadModel } from './read/model.js';
import { afterModel } from './read/settled-feed.js';
import { installOAuth } from './oauth/index.js';
import type { App } from './rest/context.js';
import { createLimits } from './rest/limits-setup.js';
import { openStore, type Store } from './store/index.js';

export interface Roster {
  app: App;
  server: FastifyInstance;
  store: Store;
  /** the address the server listens on, once `listen` resolved (the HTTPS one when TLS is on) */
  url?: string;
  /** the plain HTTP address: always, except with TLS and no separate --tls-port */
  httpUrl?: string;
  /** the HTTPS listener and its certificate, when TLS is on */
  https?: HttpsListener;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** A whole Roster instance: store opened and migrated, methods registered, HTTP routes built. */
export async function createRoster(config: Config, options: { store?: Store; installers?: RouteInstaller[] } = {}): Promise<Roster> {
  const store = options.store ?? (await openStore(config.db));
  const registry = createRegistry();
  const app: App = { store, config, registry, log: console as unknown as App['log'] };
  app.limits = await createLimits(app);
  await setUpControl(app);
  // the feed starts at the newest change: subscribers hear what happens from now on
  const feed = createChangeFeed(store, {
    keep: parseChangesKeep(config.changesKeep) ?? undefined,
    onError: (error, what) => app.log.warn({ err: error }, what),
  });
  await feed.start();
  app.feed = feed;
  // the read model (issue #11): loaded after the feed started, so nothing committed in between is missed
  const read = config.reads === 'memory' ? new ReadModel(store, { cacheUsers: config.cacheUsers, log: () => app.log }) : undefined;
  if (read) {
    try {
      await read.start(feed);
    } catch (error) {
      await feed.close();
      throw error;
    }
    app.read = read;
    // listeners hear of a change once this server's reads show it
    app.feed = afterModel(feed, read, (error) => app.log.warn({ err: error }, 'a change feed subscriber failed'));
    addReadinessCheck(app, { name: 'read model loaded', check: async () => (read.loaded ? true : 'loading') });
  }
  app.afterWrite = async () => {
    await feed.catchUp();
    // read-your-writes: the answer to a write leaves once the model holds it
    await read?.settle();
    app.events?.wake();
  };
  const committedElsewhere = store.committedElsewhere;
  if (read && committedElsewhere) {
    // a webhook the command line revoked, a user another server dismissed: refused and answered
    // from the next request on, not after the feed's next poll (25 ms). Requests that come while
    // the model catches up wait for it too, not only the one that noticed.
    let catchingUp: Promise<void> | undefined;
    app.beforeRequest = () => {
      if (catchingUp || !committedElsewhere()) return catchingUp;
      catchingUp = app.afterWrite!().finally(() => (catchingUp = undefined));
      return catchingUp;
    };
  }
  const installers = [installOAuth(app), adminRoutes, changesRoutes, eventRoutes, controlRoutes, healthRoutes, metricsRoutes, consoleRoutes, ...(options.installers ?? [])];
  const server = await buildServer(app, installers).catch(async (error: unknown) => {
    await read?.close();
    await feed.close();
    throw error;
  });
  app.log = server.log;
  // handlers are told where to call back: the public URL, else where this instance listens
  const events = new EventService(app, () => config.publicUrl || roster.httpUrl || roster.url || `http://${config.host}:${config.port}`);
  app.events = events;
  const roster: Roster = {
    app,
    server,
    store,
    async listen() {
      const tls = tlsEnabled(config);
      const credentials = tls ? await loadTlsCredentials(config) : undefined;
      if (!tls || config.tlsPort > 0) roster.httpUrl = await server.listen({ host: config.host, port: config.port });
      if (credentials) roster.https = await listenHttps(server, { host: config.host, port: config.tlsPort || config.port, credentials });
      roster.url = roster.https?.url ?? (roster.httpUrl as string);
      events.start();
      return roster.url;
    },
    async close() {
      await events.stop();
      await roster.https?.close();
      await server.close();
      await read?.close();
      await feed.close();
      await app.limits?.close();
      if (!options.store) await store.close();
    },
  };
  return roster;
}
